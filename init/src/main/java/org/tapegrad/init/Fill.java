package org.tapegrad.init;

import java.lang.System.Logger.Level;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

/**
 * The fill kernels every initialiser ends in. Values are drawn into a row-major {@code double[]}, rounded
 * to the tensor's dtype, and copied into the tensor under no-grad, so a leaf that requires grad can be
 * initialised and nothing is recorded on the tape. The tensor may be a view (strided, with an offset):
 * the copy writes through it.
 *
 * <p>As in PyTorch's kernels, the parameters ({@code from}/{@code to}, {@code mean}/{@code std}) are rounded
 * to the tensor's dtype <em>before</em> the values are formed from them (SPEC §1.9).
 */
final class Fill {
    static final System.Logger LOG = System.getLogger("org.tapegrad.init");

    private Fill() {
    }

    /**
     * Copies {@code values} (row-major, exactly numel of them) into {@code tensor} under no-grad; returns it.
     *
     * @param values modified (rounded to the tensor's dtype); not to be used afterwards
     */
    static Tensor write(Tensor tensor, double[] values) {
        Tensor source = Tensor.wrap(values, tensor.dtype(), tensor.shape());
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            tensor.copyFrom(source);
        }
        return tensor;
    }

    /**
     * Uniform draws from [from, to): {@code v = from + u·(to − from)} with u uniform on [0, 1), then rounded.
     * A value that rounds up onto {@code to} is moved one ulp down so the interval stays half-open
     * (unless from == to, where every value is from).
     */
    static double[] uniform(int n, double from, double to, DType dtype, Generator generator) {
        double lo = dtype.round(from);
        double hi = dtype.round(to);
        double width = hi - lo;
        double below = dtype == DType.FLOAT32 ? Math.nextDown((float) hi) : Math.nextDown(hi);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double v = dtype.round(lo + generator.nextDouble() * width);
            out[i] = v >= hi && lo < hi ? below : v;
        }
        return out;
    }

    /** Normal draws: {@code v = mean + std·z} with z ~ N(0, 1), then rounded. */
    static double[] normal(int n, double mean, double std, DType dtype, Generator generator) {
        double m = dtype.round(mean);
        double s = dtype.round(std);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = dtype.round(m + s * generator.nextGaussian());
        }
        return out;
    }

    /**
     * PyTorch's checks on a uniform range, on the values as given: each end finite within the dtype's range
     * (NaN fails), {@code from ≤ to}, and {@code to − from} no wider than the dtype's largest value.
     */
    static void checkUniformRange(String op, Tensor tensor, double from, double to) {
        DType dtype = tensor.dtype();
        double max = dtype == DType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE;
        String where = " (tensor of shape " + Shapes.format(tensor.shape()) + ")";
        if (!(from >= -max && from <= max)) {
            throw new IllegalArgumentException(op + ": from=" + from + " is out of bounds for " + dtype + where);
        }
        if (!(to >= -max && to <= max)) {
            throw new IllegalArgumentException(op + ": to=" + to + " is out of bounds for " + dtype + where);
        }
        if (!(from <= to)) {
            throw new IllegalArgumentException(op + ": expects a [from, to) range, but found from=" + from
                    + " > to=" + to + where);
        }
        if (!(to - from <= max)) {
            throw new IllegalArgumentException(op + ": expects to - from <= " + max + " (the largest " + dtype
                    + "), but found from=" + from + " and to=" + to + where);
        }
    }

    /** PyTorch's check on a normal's standard deviation: {@code std ≥ 0} (NaN fails). */
    static void checkStd(String op, Tensor tensor, double std) {
        if (!(std >= 0.0)) {
            throw new IllegalArgumentException(op + ": expects std >= 0.0, but found std " + std
                    + " (tensor of shape " + Shapes.format(tensor.shape()) + ")");
        }
    }

    /** PyTorch's warning for a Kaiming initialiser given a tensor with a zero in its shape. */
    static void warnZeroElements(String op, Tensor tensor) {
        LOG.log(Level.WARNING, op + ": Initializing zero-element tensors is a no-op (shape "
                + Shapes.format(tensor.shape()) + ")");
    }
}
