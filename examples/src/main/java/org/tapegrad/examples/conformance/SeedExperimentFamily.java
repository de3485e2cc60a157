package org.tapegrad.examples.conformance;

import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.examples.seed.SeedExperiment;
import org.tapegrad.examples.seed.SeedNet;
import org.tapegrad.examples.seed.Variant;
import org.tapegrad.nn.BatchNorm2d;

/**
 * {@code seedexp_*}: the conv seed's experiment, run by the very {@link SeedExperiment} the {@code conv}
 * command runs, from the case's image and initial weights. Compares the per-epoch loss and conv-weight
 * statistics and the final weights, gradients and second BatchNorm's parameters.
 */
final class SeedExperimentFamily implements CaseFamily {
    /** Below this size a variance series is rounding noise in PyTorch too (constant initialisation). */
    private static final double NOISE_LEVEL = 1e-6;

    @Override
    public String id() {
        return "seedexp";
    }

    @Override
    public boolean handles(String caseName) {
        return CaseFamily.matches(caseName, "seedexp");
    }

    @Override
    public Tolerance tolerance(ReferenceCase c) {
        return c.flag("float32") ? Tolerance.FLOAT32 : Tolerance.TRAJECTORY;
    }

    @Override
    public void check(ReferenceCase c, CaseReport report) {
        checkLabels(c);
        DType dtype = c.flag("float32") ? DType.FLOAT32 : DType.FLOAT64;
        boolean single = c.flag("single_conv");
        Tensor image = c.tensor("image", dtype);
        SeedExperiment.Config config = SeedExperiment.Config.article(single ? Variant.ZEROS_SINGLE_CONV : Variant.ZEROS, 0)
                .withDtype(dtype)
                .withEpochs(c.array("losses").numel())
                .withOptimizer(c.scalar("lr"), c.scalar("momentum"), c.flag("zero_grad"))
                .withStart(image, single ? null : c.tensor("conv1_w0", dtype), c.tensor("conv2_w0", dtype));
        SeedExperiment.Result r = SeedExperiment.run(config);

        report.check("losses", series(r.losses()));
        report.check("conv2_mean", series(r.conv2Mean()));
        report.check("conv2_var", series(r.conv2Var()), varianceTolerance(c, "conv2_var", report));
        report.check("conv2_w_final", r.conv2WFinal());
        report.check("conv2_grad_final", r.conv2GradFinal());
        if (single) {
            // The single-conv model has no BatchNorm: PyTorch's export holds the parameters of its unused
            // bn2, untouched since construction (weight 1, bias 0), and zeros in place of conv1's arrays.
            BatchNorm2d untouched = BatchNorm2d.builder(SeedNet.CHANNELS).dtype(dtype).build();
            report.check("bn2_weight_final", untouched.weight());
            report.check("bn2_bias_final", untouched.bias());
        } else {
            report.check("bn2_weight_final", r.bn2WeightFinal());
            report.check("bn2_bias_final", r.bn2BiasFinal());
            report.check("conv1_mean", series(r.conv1Mean()));
            report.check("conv1_var", series(r.conv1Var()), varianceTolerance(c, "conv1_var", report));
            report.check("conv1_w_final", r.conv1WFinal());
            report.check("conv1_grad_final", r.conv1GradFinal());
        }
    }

    /** The experiment labels every pixel with class 2; the case must agree. */
    private static void checkLabels(ReferenceCase c) {
        for (double label : c.array("label").toDoubleArray()) {
            if (label != SeedExperiment.LABEL) {
                throw new IllegalArgumentException("case " + c.name() + ": expected every label to be "
                        + SeedExperiment.LABEL + ", found " + label);
            }
        }
    }

    private static Tolerance varianceTolerance(ReferenceCase c, String key, CaseReport report) {
        double largest = 0;
        for (double v : c.array(key).toDoubleArray()) {
            largest = Math.max(largest, Math.abs(v));
        }
        return largest < NOISE_LEVEL ? Tolerance.ROUNDING_NOISE : null;
    }

    private static Tensor series(double[] values) {
        return Tensor.of(values, values.length);
    }
}
