package org.tapegrad.autograd.functional;

import java.util.Arrays;
import org.tapegrad.autograd.ShapeException;
import org.tapegrad.autograd.Shapes;

/**
 * The validated sizes of one 2-D pooling: input (N, C, H, W) or (C, H, W), seen as {@code planes}
 * independent H×W planes; output of the same rank with H_out×W_out planes (no ceil mode):
 * <pre>
 *   H_out = ⌊(H + 2·pH − kH) / sH⌋ + 1        (likewise W_out)
 * </pre>
 * Window (i, j) covers padded rows {@code i·sH − pH … i·sH − pH + kH − 1} and likewise columns. This class
 * is immutable.
 */
final class PoolGeometry {
    final int[] inputShape;
    final int planes;
    final int height;
    final int width;
    final int kernelH;
    final int kernelW;
    final int strideH;
    final int strideW;
    final int padH;
    final int padW;
    final int outH;
    final int outW;

    private PoolGeometry(int[] x, int[] kernel, int[] stride, int[] pad, int outH, int outW) {
        this.inputShape = x.clone();
        int p = 1;
        for (int d = 0; d < x.length - 2; d++) {
            p *= x[d];
        }
        this.planes = p;
        this.height = x[x.length - 2];
        this.width = x[x.length - 1];
        this.kernelH = kernel[0];
        this.kernelW = kernel[1];
        this.strideH = stride[0];
        this.strideW = stride[1];
        this.padH = pad[0];
        this.padW = pad[1];
        this.outH = outH;
        this.outW = outW;
    }

    int[] outputShape() {
        int[] out = inputShape.clone();
        out[out.length - 2] = outH;
        out[out.length - 1] = outW;
        return out;
    }

    /**
     * Validates a pooling's arguments.
     *
     * @param stride null or empty means the kernel size (PyTorch's {@code stride=None})
     * @param padding null means 0
     */
    static PoolGeometry of(String op, int[] x, int[] kernel, int[] stride, int[] padding) {
        int[] k = Args.pair(op, "kernel size", kernel);
        int[] s = stride == null || stride.length == 0 ? k : Args.pair(op, "stride", stride);
        int[] p = padding == null ? new int[2] : Args.pair(op, "padding", padding);
        if (x.length != 3 && x.length != 4) {
            throw new ShapeException(op + ": expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, but got input of size "
                    + Shapes.format(x));
        }
        if (k[0] <= 0 || k[1] <= 0) {
            throw new IllegalArgumentException(op + ": kernel size should be greater than zero, but got kernel size "
                    + Arrays.toString(k));
        }
        if (s[0] <= 0 || s[1] <= 0) {
            throw new IllegalArgumentException(op + ": stride should be greater than zero, but got stride "
                    + Arrays.toString(s));
        }
        if (p[0] < 0 || p[1] < 0) {
            throw new IllegalArgumentException(op + ": negative padding is not supported, but got padding "
                    + Arrays.toString(p));
        }
        if (p[0] > k[0] / 2 || p[1] > k[1] / 2) {
            throw new IllegalArgumentException(op + ": pad should be at most half of kernel size, but got padding "
                    + Arrays.toString(p) + " and kernel size " + Arrays.toString(k));
        }
        int h = x[x.length - 2];
        int w = x[x.length - 1];
        int outH = Math.floorDiv(h + 2 * p[0] - k[0], s[0]) + 1;
        int outW = Math.floorDiv(w + 2 * p[1] - k[1], s[1]) + 1;
        if (outH < 1 || outW < 1) {
            throw new ShapeException(op + ": Given input size: (" + h + "x" + w + ") with kernel size "
                    + Arrays.toString(k) + ", stride " + Arrays.toString(s) + " and padding " + Arrays.toString(p)
                    + ". Calculated output size: (" + outH + "x" + outW + "). Output size is too small (input of size "
                    + Shapes.format(x) + ")");
        }
        return new PoolGeometry(x, k, s, p, outH, outW);
    }
}
