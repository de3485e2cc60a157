package org.tapegrad.autograd.kernel;

/** Placeholder: replaced by the blocked kernel. */
public final class Gemm {
    private Gemm() {
    }

    public static void multiply(int m, int n, int k, double[] a, int aOffset, boolean transA, double[] b, int bOffset,
            boolean transB, double[] c, int cOffset, boolean accumulate) {
        multiplyNaive(m, n, k, a, aOffset, transA, b, bOffset, transB, c, cOffset, accumulate);
    }

    public static void multiplyNaive(int m, int n, int k, double[] a, int aOffset, boolean transA, double[] b,
            int bOffset, boolean transB, double[] c, int cOffset, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[aOffset + p * m + i] : a[aOffset + i * k + p];
                    double bv = transB ? b[bOffset + j * k + p] : b[bOffset + p * n + j];
                    s += av * bv;
                }
                c[cOffset + i * n + j] = accumulate ? c[cOffset + i * n + j] + s : s;
            }
        }
    }
}
