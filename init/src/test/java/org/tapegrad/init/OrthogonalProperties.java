package org.tapegrad.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

class OrthogonalProperties {
    /** |W·Wᵀ − gain²·I| entry-wise, in float64: a few hundred rounding errors of QR and the products. */
    private static final double FLOAT64_TOLERANCE = 1e-12;
    /** The same after every entry of W is rounded to float32 (relative error 6e-8 each, summed over a row). */
    private static final double FLOAT32_TOLERANCE = 2e-6;
    /** R = Qᵀ·A below its diagonal: zero up to rounding. */
    private static final double TRIANGULAR_TOLERANCE = 1e-12;

    /** A weight shape (size(0), rest…) of rank 2 to 4; the matrix is (size(0), numel/size(0)). */
    @Provide
    Arbitrary<int[]> shapes() {
        return Combinators.combine(
                Arbitraries.integers().between(1, 40),
                Arbitraries.integers().between(1, 40),
                Arbitraries.integers().between(1, 3).list().ofMaxSize(2))
                .as(OrthogonalProperties::shape);
    }

    private static int[] shape(int rows, int second, List<Integer> kernel) {
        int[] s = new int[2 + kernel.size()];
        s[0] = rows;
        s[1] = second;
        for (int d = 0; d < kernel.size(); d++) {
            s[2 + d] = kernel.get(d);
        }
        return s;
    }

    @Property(tries = 60, seed = "3001")
    void wideMatricesHaveOrthonormalRowsAndTallOnesOrthonormalColumnsScaledByGain(@ForAll("shapes") int[] shape,
            @ForAll DType dtype, @ForAll @Scale(6) @DoubleRange(min = 0.1, max = 3) double gain, @ForAll long seed) {
        double[] w = Init.orthogonal_(Tensor.zeros(dtype, shape), gain, new Generator(seed)).toDoubleArray();
        int rows = shape[0];
        int cols = w.length / rows;
        double tolerance = (dtype == DType.FLOAT64 ? FLOAT64_TOLERANCE : FLOAT32_TOLERANCE) * gain * gain;
        String what = "orthogonal_ " + dtype + " " + Shapes.format(shape) + " gain " + gain;
        if (rows <= cols) {
            // W·Wᵀ = gain²·I_rows
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < rows; j++) {
                    double dot = 0;
                    for (int k = 0; k < cols; k++) {
                        dot += w[i * cols + k] * w[j * cols + k];
                    }
                    assertEquals(i == j ? gain * gain : 0.0, dot, tolerance, what + " (W·Wᵀ)[" + i + "][" + j + "]");
                }
            }
        } else {
            // Wᵀ·W = gain²·I_cols
            for (int i = 0; i < cols; i++) {
                for (int j = 0; j < cols; j++) {
                    double dot = 0;
                    for (int k = 0; k < rows; k++) {
                        dot += w[k * cols + i] * w[k * cols + j];
                    }
                    assertEquals(i == j ? gain * gain : 0.0, dot, tolerance, what + " (Wᵀ·W)[" + i + "][" + j + "]");
                }
            }
        }
    }

    @Property(tries = 60, seed = "3002")
    void signCorrectionMakesQTransposeATriangularWithPositiveDiagonal(@ForAll @IntRange(min = 1, max = 30) int m,
            @ForAll @IntRange(min = 1, max = 30) int n, @ForAll long seed) {
        // For a tall Gaussian A (m ≥ n), the sign-corrected Q is the unique QR factor with R = Qᵀ·A upper
        // triangular and diag(R) > 0: what PyTorch's sign(diag R) multiplication produces.
        int rows = Math.max(m, n);
        int cols = Math.min(m, n);
        double[] a = Tensor.randn(new Generator(seed), DType.FLOAT64, rows, cols).toDoubleArray();
        double[] q = Orthogonal.semiOrthogonal(a, rows, cols);
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < cols; j++) {
                double r = 0;
                for (int k = 0; k < rows; k++) {
                    r += q[k * cols + i] * a[k * cols + j];
                }
                if (i > j) {
                    assertEquals(0.0, r, TRIANGULAR_TOLERANCE, "R[" + i + "][" + j + "] below the diagonal");
                } else if (i == j) {
                    assertTrue(r > 0, "R[" + i + "][" + i + "] = " + r + " should be positive");
                }
            }
        }
    }

    @Property(tries = 40, seed = "3003")
    void wideMatrixIsTheTransposeOfTheTallOneFromTheTransposedDraws(@ForAll @IntRange(min = 1, max = 20) int rows,
            @ForAll @IntRange(min = 1, max = 20) int extra, @ForAll long seed) {
        // rows < cols: PyTorch transposes the draws, factors, and transposes Q back.
        int cols = rows + extra;
        double[] a = Tensor.randn(new Generator(seed), DType.FLOAT64, rows, cols).toDoubleArray();
        double[] at = new double[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                at[j * rows + i] = a[i * cols + j];
            }
        }
        double[] wide = Orthogonal.semiOrthogonal(a, rows, cols);
        double[] tall = Orthogonal.semiOrthogonal(at, cols, rows);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                assertEquals(tall[j * rows + i], wide[i * cols + j], 0.0);
            }
        }
    }

    @Property(tries = 20, seed = "3004")
    void theSameSeedGivesTheSameMatrix(@ForAll("shapes") int[] shape, @ForAll long seed) {
        double[] first = Init.orthogonal_(Tensor.zeros(DType.FLOAT64, shape), 1.0, new Generator(seed)).toDoubleArray();
        double[] second = Init.orthogonal_(Tensor.zeros(DType.FLOAT64, shape), 1.0, new Generator(seed)).toDoubleArray();
        assertArrayEquals(first, second, 0.0);
    }
}
