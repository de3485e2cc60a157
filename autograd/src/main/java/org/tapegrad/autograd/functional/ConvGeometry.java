package org.tapegrad.autograd.functional;

import java.util.Arrays;
import org.tapegrad.autograd.ShapeException;
import org.tapegrad.autograd.Shapes;

/**
 * The validated sizes of one 2-D convolution: input (N, C_in, H, W), weight (C_out, C_in/groups, kH, kW),
 * output (N, C_out, H_out, W_out). Padding may be asymmetric (PyTorch's {@code padding="same"} with an
 * even kernel puts the extra row/column at the bottom/right), so it is kept as four numbers:
 * <pre>
 *   H_out = ⌊(H + padTop + padBottom − (dH·(kH − 1) + 1)) / sH⌋ + 1        (likewise W_out)
 * </pre>
 * This class is immutable.
 */
final class ConvGeometry {
    final int batch;
    final int inChannels;
    final int height;
    final int width;
    final int outChannels;
    final int kernelH;
    final int kernelW;
    final int strideH;
    final int strideW;
    final int padTop;
    final int padLeft;
    final int dilationH;
    final int dilationW;
    final int groups;
    final int outH;
    final int outW;

    private ConvGeometry(int[] x, int[] w, int[] stride, int[] pad, int[] dilation, int groups, int outH, int outW) {
        this.batch = x[0];
        this.inChannels = x[1];
        this.height = x[2];
        this.width = x[3];
        this.outChannels = w[0];
        this.kernelH = w[2];
        this.kernelW = w[3];
        this.strideH = stride[0];
        this.strideW = stride[1];
        this.padTop = pad[0];
        this.padLeft = pad[2];
        this.dilationH = dilation[0];
        this.dilationW = dilation[1];
        this.groups = groups;
        this.outH = outH;
        this.outW = outW;
    }

    /** Input channels seen by one group. */
    int inPerGroup() {
        return inChannels / groups;
    }

    /** Output channels produced by one group. */
    int outPerGroup() {
        return outChannels / groups;
    }

    /** Rows of one group's column matrix: (C_in/groups)·kH·kW, the length of one filter. */
    int patchSize() {
        return inPerGroup() * kernelH * kernelW;
    }

    /** Output positions per image: H_out·W_out, the columns of the column matrix. */
    int outPlane() {
        return outH * outW;
    }

    /** Elements of one input image: C_in·H·W. */
    int inImage() {
        return inChannels * height * width;
    }

    int[] outputShape() {
        return new int[] {batch, outChannels, outH, outW};
    }

    /** Rows of the column matrix of one image: C_in·kH·kW (all groups). */
    int columnRows() {
        return inChannels * kernelH * kernelW;
    }

    /**
     * How many output rows one band of the column matrix covers: as many as keep the band's
     * {@code C_in·kH·kW × rows·W_out} values within {@code budget} elements, at least one.
     */
    int bandRows(int budget) {
        long perRow = (long) columnRows() * outW;
        return (int) Math.max(1, Math.min(outH, budget / Math.max(perRow, 1)));
    }

    /**
     * Validates the arguments of a convolution and computes its output size.
     *
     * @param pad {@code (top, bottom, left, right)}; not modified (nor are the other arrays)
     * @throws ShapeException           for shapes that do not fit together, naming the sizes
     * @throws IllegalArgumentException for a non-positive stride, dilation or groups, or a negative padding
     */
    static ConvGeometry of(String op, int[] x, int[] w, int[] stride, int[] pad, int[] dilation, int groups) {
        if (x.length != 4) {
            throw new ShapeException(op + ": expected a 4-D input (N, C_in, H, W), but got input of size "
                    + Shapes.format(x));
        }
        if (w.length != 4) {
            throw new ShapeException(op + ": expected a 4-D weight (C_out, C_in/groups, kH, kW), but got weight of "
                    + "size "
                    + Shapes.format(w));
        }
        if (groups <= 0) {
            throw new IllegalArgumentException(op + ": groups must be a positive integer, but got groups=" + groups);
        }
        if (stride[0] <= 0 || stride[1] <= 0) {
            throw new IllegalArgumentException(op + ": non-positive stride is not supported, but got stride "
                    + Arrays.toString(stride));
        }
        if (dilation[0] <= 0 || dilation[1] <= 0) {
            throw new IllegalArgumentException(op + ": dilation should be greater than zero, but got dilation "
                    + Arrays.toString(dilation));
        }
        for (int p : pad) {
            if (p < 0) {
                throw new IllegalArgumentException(op + ": negative padding is not supported, but got padding "
                        + describePadding(pad));
            }
        }
        if (x[1] % groups != 0) {
            throw new ShapeException(op + ": input channels (" + x[1] + ") must be divisible by groups=" + groups
                    + ", but got input of size " + Shapes.format(x));
        }
        if (w[0] % groups != 0) {
            throw new ShapeException(op + ": output channels (" + w[0] + ") must be divisible by groups=" + groups
                    + ", but got weight of size " + Shapes.format(w));
        }
        if (w[1] * groups != x[1]) {
            throw new ShapeException(op + ": Given groups=" + groups + ", weight of size " + Shapes.format(w)
                    + ", expected input" + Shapes.format(x) + " to have " + (w[1] * groups)
                    + " channels, but got " + x[1] + " channels instead");
        }
        long paddedH = (long) x[2] + pad[0] + pad[1];
        long paddedW = (long) x[3] + pad[2] + pad[3];
        long extentH = (long) dilation[0] * (w[2] - 1) + 1;
        long extentW = (long) dilation[1] * (w[3] - 1) + 1;
        if (w[2] == 0 || w[3] == 0 || extentH > paddedH || extentW > paddedW) {
            throw new ShapeException(op + ": Calculated padded input size per channel: (" + paddedH + " x " + paddedW
                    + "). Kernel size: (" + extentH + " x " + extentW + "). Kernel size can't be greater than actual "
                    + "input size (input of size " + Shapes.format(x) + ", weight of size " + Shapes.format(w)
                    + ", padding " + describePadding(pad) + ", dilation " + Arrays.toString(dilation) + ")");
        }
        int outH = (int) ((paddedH - extentH) / stride[0] + 1);
        int outW = (int) ((paddedW - extentW) / stride[1] + 1);
        Shapes.numel(op, new int[] {x[0], w[0], outH, outW});
        return new ConvGeometry(x, w, stride, pad, dilation, groups, outH, outW);
    }

    /** {@code [h, w]} for symmetric padding, else {@code (top, bottom, left, right)}. */
    private static String describePadding(int[] pad) {
        if (pad[0] == pad[1] && pad[2] == pad[3]) {
            return "[" + pad[0] + ", " + pad[2] + "]";
        }
        return "(top " + pad[0] + ", bottom " + pad[1] + ", left " + pad[2] + ", right " + pad[3] + ")";
    }
}
