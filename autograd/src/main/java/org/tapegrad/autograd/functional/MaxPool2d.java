package org.tapegrad.autograd.functional;

import org.tapegrad.autograd.Autograd;
import org.tapegrad.autograd.Node;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.ops.Kernels;

/**
 * 2-D max pooling, PyTorch's {@code max_pool2d} without dilation or ceil mode.
 *
 * <p>Shapes: input (N, C, H, W) or (C, H, W); output of the same rank with H_out×W_out planes (see
 * {@link PoolGeometry}). The padding is −∞ padding: a window never picks a padded position, it only
 * lets windows hang over the border.
 * <pre>
 *   out[p, i, j] = max over the window's positions inside the input of x[p, h, w]
 *   dx[p, h, w]  = Σ of g[p, i, j] over the windows whose arg-max is (h, w)
 * </pre>
 * The arg-max of each window is found in row-major order with {@code v > max || isNaN(v)}, as in
 * PyTorch's CPU kernel: the first of tied values wins, and a NaN wins (the last NaN of the window) and
 * propagates. Forward keeps
 * the flat index of each arg-max (one int per output), which is all backward needs.
 */
final class MaxPool2d {
    private static final String OP = "maxPool2d";

    private MaxPool2d() {
    }

    /**
     * @param stride  null means the kernel size
     * @param padding null means 0
     */
    static Tensor apply(Tensor x, int[] kernel, int[] stride, int[] padding) {
        PoolGeometry g = PoolGeometry.of(OP, x.shape(), kernel, stride, padding);
        double[] in = Kernels.rowMajor(x);
        int outPlane = g.outH * g.outW;
        double[] out = new double[g.planes * outPlane];
        int[] argmax = new int[out.length];
        for (int p = 0; p < g.planes; p++) {
            int inOff = p * g.height * g.width;
            for (int i = 0; i < g.outH; i++) {
                int h0 = i * g.strideH - g.padH;
                int hLo = Math.max(h0, 0);
                int hHi = Math.min(h0 + g.kernelH, g.height);
                for (int j = 0; j < g.outW; j++) {
                    int w0 = j * g.strideW - g.padW;
                    int wLo = Math.max(w0, 0);
                    int wHi = Math.min(w0 + g.kernelW, g.width);
                    int best = inOff + hLo * g.width + wLo;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int h = hLo; h < hHi; h++) {
                        int rowOff = inOff + h * g.width;
                        for (int w = wLo; w < wHi; w++) {
                            double v = in[rowOff + w];
                            if (v > max || Double.isNaN(v)) {
                                max = v;
                                best = rowOff + w;
                            }
                        }
                    }
                    int o = p * outPlane + i * g.outW + j;
                    out[o] = in[best];
                    argmax[o] = best;
                }
            }
        }
        Tensor result = Tensor.wrap(out, x.dtype(), g.outputShape());
        if (Autograd.needsGrad(x)) {
            Autograd.record(result, new Node(OP, x) {
                @Override
                protected Tensor[] backward(Tensor gradOut) {
                    double[] gd = Kernels.rowMajor(gradOut);
                    double[] dx = new double[x.numel()];
                    for (int o = 0; o < argmax.length; o++) {
                        dx[argmax[o]] += gd[o];
                    }
                    return new Tensor[] {Tensor.wrap(dx, x.dtype(), x.shape())};
                }
            });
        }
        return result;
    }
}
