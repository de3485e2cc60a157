package org.tapegrad.autograd;

/**
 * Prints tensors the way PyTorch does: nested brackets, one common number format, and only the first
 * and last three entries of each dimension when the tensor has more than 1000 elements. The shape,
 * the dtype and the grad_fn (or requires_grad) follow the values.
 */
final class TensorFormatter {
    private static final int THRESHOLD = 1000;
    private static final int EDGE_ITEMS = 3;

    private TensorFormatter() {
    }

    static String format(Tensor t) {
        double[] values = t.toDoubleArray();
        int[] shape = t.shape();
        boolean summarise = values.length > THRESHOLD;
        NumberStyle style = NumberStyle.choose(values);
        StringBuilder sb = new StringBuilder("tensor(");
        appendDim(sb, values, shape, 0, 0, style, summarise, "tensor(".length());
        sb.append(", shape=").append(Shapes.format(shape));
        sb.append(", dtype=").append(t.dtype());
        if (t.gradFn() != null) {
            sb.append(", grad_fn=<").append(t.gradFn().name()).append('>');
        } else if (t.requiresGrad()) {
            sb.append(", requires_grad=True");
        }
        return sb.append(')').toString();
    }

    private static void appendDim(StringBuilder sb, double[] v, int[] shape, int dim, int offset, NumberStyle style,
            boolean summarise, int indent) {
        if (dim == shape.length) {
            sb.append(style.format(v[offset]));
            return;
        }
        int size = shape[dim];
        int block = 1;
        for (int d = dim + 1; d < shape.length; d++) {
            block *= shape[d];
        }
        sb.append('[');
        String separator = dim == shape.length - 1 ? ", " : "," + "\n".repeat(shape.length - dim - 1)
                + " ".repeat(indent + dim + 1);
        for (int i = 0; i < size; i++) {
            if (summarise && size > 2 * EDGE_ITEMS && i == EDGE_ITEMS) {
                sb.append("...").append(separator);
                i = size - EDGE_ITEMS;
            }
            appendDim(sb, v, shape, dim + 1, offset + i * block, style, summarise, indent);
            if (i < size - 1) {
                sb.append(separator);
            }
        }
        sb.append(']');
    }

    /** Integers print as {@code 3.}, ordinary values with 4 decimals, very large or small ones in scientific form. */
    private enum NumberStyle {
        INTEGER, FIXED, SCIENTIFIC;

        static NumberStyle choose(double[] values) {
            boolean allIntegers = true;
            double maxAbs = 0;
            double minAbs = Double.POSITIVE_INFINITY;
            for (double v : values) {
                if (!Double.isFinite(v)) {
                    continue;
                }
                allIntegers &= v == Math.rint(v);
                double a = Math.abs(v);
                maxAbs = Math.max(maxAbs, a);
                if (a > 0) {
                    minAbs = Math.min(minAbs, a);
                }
            }
            if (allIntegers && maxAbs < 1e8) {
                return INTEGER;
            }
            if (maxAbs >= 1e8 || minAbs < 1e-4 || maxAbs / minAbs > 1000) {
                return SCIENTIFIC;
            }
            return FIXED;
        }

        String format(double v) {
            if (Double.isNaN(v)) {
                return "nan";
            }
            if (Double.isInfinite(v)) {
                return v > 0 ? "inf" : "-inf";
            }
            switch (this) {
                case INTEGER:
                    return (long) v + ".";
                case FIXED:
                    return String.format(java.util.Locale.ROOT, "%.4f", v);
                default:
                    return String.format(java.util.Locale.ROOT, "%.4e", v);
            }
        }
    }
}
