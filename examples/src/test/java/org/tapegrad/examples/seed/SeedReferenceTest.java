package org.tapegrad.examples.seed;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.io.TensorIO;

/**
 * {@link SeedExperiment} replays PyTorch's own run of the single-conv case ({@code seedexp_zeros_single_conv},
 * 224×224, 40 epochs, float64) within the trajectory tolerances of the reference README. This case pins down
 * the single-conv model: conv2 alone, since with BatchNorm and ReLU after it the zero weights could not have
 * received the gradient PyTorch recorded. (The conformance runner replays every {@code seedexp_*} case.)
 */
class SeedReferenceTest {
    private static final Path CASES = Path.of("src/test/resources/pytorch-cases");
    private static final double RTOL = 1e-6;
    private static final double ATOL = 1e-8;

    @Test
    void replaysPyTorchsSingleConvRun() throws Exception {
        String name = "seedexp_zeros_single_conv";
        Map<String, Tensor> c = TensorIO.loadAll(CASES.resolve(name + ".npz"));
        Variant variant = c.get("single_conv").item() == 1 ? Variant.ZEROS_SINGLE_CONV : Variant.KAIMING;
        SeedExperiment.Config config = SeedExperiment.Config.article(variant, 0)
                .withDtype(c.get("float32").item() == 1 ? DType.FLOAT32 : DType.FLOAT64)
                .withEpochs(c.get("losses").numel())
                .withOptimizer(c.get("lr").item(), c.get("momentum").item(), c.get("zero_grad").item() == 1)
                .withStart(c.get("image"), c.get("conv1_w0"), c.get("conv2_w0"));
        SeedExperiment.Result r = SeedExperiment.run(config);
        Map<String, double[]> actual = new LinkedHashMap<>();
        actual.put("losses", r.losses());
        actual.put("conv2_mean", r.conv2Mean());
        actual.put("conv2_var", r.conv2Var());
        actual.put("conv2_w_final", r.conv2WFinal().toDoubleArray());
        actual.put("conv2_grad_final", r.conv2GradFinal().toDoubleArray());
        if (!variant.singleConv()) {
            actual.put("conv1_mean", r.conv1Mean());
            actual.put("conv1_var", r.conv1Var());
            actual.put("conv1_w_final", r.conv1WFinal().toDoubleArray());
            actual.put("conv1_grad_final", r.conv1GradFinal().toDoubleArray());
            actual.put("bn2_weight_final", r.bn2WeightFinal().toDoubleArray());
            actual.put("bn2_bias_final", r.bn2BiasFinal().toDoubleArray());
        }
        for (Map.Entry<String, double[]> e : actual.entrySet()) {
            double[] expected = c.get(e.getKey()).toDoubleArray();
            double[] got = e.getValue();
            for (int i = 0; i < expected.length; i++) {
                assertTrue(Math.abs(got[i] - expected[i]) <= ATOL + RTOL * Math.abs(expected[i]),
                        name + " " + e.getKey() + "[" + i + "]: expected " + expected[i] + ", got " + got[i]);
            }
        }
    }
}
