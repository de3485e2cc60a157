package org.tapegrad.autograd.functional;

import org.tapegrad.autograd.Autograd;
import org.tapegrad.autograd.Node;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.ops.Kernels;

/**
 * 2-D average pooling, PyTorch's {@code avg_pool2d} with its defaults {@code count_include_pad=True} and
 * no ceil mode.
 *
 * <p>Shapes: input (N, C, H, W) or (C, H, W); output of the same rank with H_out×W_out planes (see
 * {@link PoolGeometry}). Padding is zero padding that counts in the divisor: without ceil mode every
 * window lies inside the padded input, so the divisor is always {@code kH·kW}.
 * <pre>
 *   out[p, i, j] = (1 / (kH·kW)) · Σ over the window's positions inside the input of x[p, h, w]
 *   dx[p, h, w]  = Σ over the windows containing (h, w) of g[p, i, j] / (kH·kW)
 * </pre>
 */
final class AvgPool2d {
    private static final String OP = "avgPool2d";

    private AvgPool2d() {
    }

    /**
     * @param stride  null means the kernel size
     * @param padding null means 0
     */
    static Tensor apply(Tensor x, int[] kernel, int[] stride, int[] padding) {
        PoolGeometry g = PoolGeometry.of(OP, x.shape(), kernel, stride, padding);
        double[] in = Kernels.rowMajor(x);
        double divisor = (double) g.kernelH * g.kernelW;
        int outPlane = g.outH * g.outW;
        double[] out = new double[g.planes * outPlane];
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
                    double sum = 0;
                    for (int h = hLo; h < hHi; h++) {
                        int rowOff = inOff + h * g.width;
                        for (int w = wLo; w < wHi; w++) {
                            sum += in[rowOff + w];
                        }
                    }
                    out[p * outPlane + i * g.outW + j] = sum / divisor;
                }
            }
        }
        Tensor result = Tensor.wrap(out, x.dtype(), g.outputShape());
        if (Autograd.needsGrad(x)) {
            Autograd.record(result, new Node(OP, x) {
                @Override
                protected Tensor[] backward(Tensor gradOut) {
                    return new Tensor[] {Tensor.wrap(inputGradient(g, Kernels.rowMajor(gradOut), divisor), x.dtype(),
                            x.shape())};
                }
            });
        }
        return result;
    }

    private static double[] inputGradient(PoolGeometry g, double[] gd, double divisor) {
        int outPlane = g.outH * g.outW;
        double[] dx = new double[g.planes * g.height * g.width];
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
                    double share = gd[p * outPlane + i * g.outW + j] / divisor;
                    for (int h = hLo; h < hHi; h++) {
                        int rowOff = inOff + h * g.width;
                        for (int w = wLo; w < wHi; w++) {
                            dx[rowOff + w] += share;
                        }
                    }
                }
            }
        }
        return dx;
    }
}
