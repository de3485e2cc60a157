package org.tapegrad.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.kernel.Parallelism;

/**
 * SGD against updates worked out by hand from the rule in SPEC §6.2, over three steps of a
 * two-element parameter p₀ = [1, −2] with fixed gradients g₁ = [0.5, −1], g₂ = [0.25, 0.5],
 * g₃ = [−1, 0.75] and learning rate 0.1.
 */
class SGDTest {
    private static final double TOLERANCE = 1e-12;
    private static final double[][] GRADIENTS = {{0.5, -1.0}, {0.25, 0.5}, {-1.0, 0.75}};

    /** Runs three steps and returns the parameter after each. */
    private static double[][] threeSteps(SGD.Options options) {
        Tensor p = Tensor.of(new double[] {1.0, -2.0}, 2).requiresGrad(true);
        SGD sgd = new SGD(List.of(p), options);
        double[][] after = new double[3][];
        for (int step = 0; step < 3; step++) {
            p.setGrad(Tensor.of(GRADIENTS[step], 2));
            sgd.step();
            after[step] = p.toDoubleArray();
        }
        return after;
    }

    private static void assertSteps(double[][] expected, double[][] actual) {
        for (int step = 0; step < expected.length; step++) {
            assertArrayEquals(expected[step], actual[step], TOLERANCE, "after step " + (step + 1));
        }
    }

    @Test
    void momentumWithDampeningCopiesTheFirstGradientThenDampens() {
        // μ = 0.9, τ = 0.5.
        // b₁ = g₁ = [0.5, −1]                       p₁ = p₀ − 0.1·b₁ = [0.95, −1.9]
        // b₂ = 0.9·b₁ + 0.5·g₂ = [0.575, −0.65]      p₂ = [0.8925, −1.835]
        // b₃ = 0.9·b₂ + 0.5·g₃ = [0.0175, −0.21]     p₃ = [0.89075, −1.814]
        double[][] expected = {{0.95, -1.9}, {0.8925, -1.835}, {0.89075, -1.814}};
        assertSteps(expected, threeSteps(SGD.Options.builder().lr(0.1).momentum(0.9).dampening(0.5).build()));
    }

    @Test
    void nesterovFirstStepIsOnePlusMomentumTimesTheGradient() {
        // μ = 0.9, Nesterov: d = g + μ·b.
        // b₁ = g₁;             d₁ = 1.9·g₁ = [0.95, −1.9]        p₁ = [0.905, −1.81]
        // b₂ = [0.7, −0.4];    d₂ = g₂ + 0.9·b₂ = [0.88, 0.14]     p₂ = [0.817, −1.824]
        // b₃ = [−0.37, 0.39];  d₃ = g₃ + 0.9·b₃ = [−1.333, 1.101]  p₃ = [0.9503, −1.9341]
        double[][] expected = {{0.905, -1.81}, {0.817, -1.824}, {0.9503, -1.9341}};
        assertSteps(expected, threeSteps(SGD.Options.builder().lr(0.1).momentum(0.9).nesterov(true).build()));
    }

    @Test
    void weightDecayAddsLambdaTimesTheParameterToTheGradient() {
        // λ = 0.1, no momentum: d = g + 0.1·p.
        // d₁ = [0.6, −1.2]             p₁ = [0.94, −1.88]
        // d₂ = [0.344, 0.312]          p₂ = [0.9056, −1.9112]
        // d₃ = [−0.90944, 0.55888]     p₃ = [0.996544, −1.967088]
        double[][] expected = {{0.94, -1.88}, {0.9056, -1.9112}, {0.996544, -1.967088}};
        assertSteps(expected, threeSteps(SGD.Options.builder().lr(0.1).weightDecay(0.1).build()));
    }

    @Test
    void maximizeNegatesTheGradientBeforeWeightDecayAndMomentum() {
        // maximize, λ = 0.1, μ = 0.5: g' = −g + 0.1·p; b = 0.5·b + g'.
        // g'₁ = [−0.4, 0.8] = b₁                                  p₁ = [1.04, −2.08]
        // g'₂ = [−0.146, −0.708]; b₂ = [−0.346, −0.308]           p₂ = [1.0746, −2.0492]
        // g'₃ = [1.10746, −0.95492]; b₃ = [0.93446, −1.10892]     p₃ = [0.981154, −1.938308]
        double[][] expected = {{1.04, -2.08}, {1.0746, -2.0492}, {0.981154, -1.938308}};
        assertSteps(expected,
                threeSteps(SGD.Options.builder().lr(0.1).momentum(0.5).weightDecay(0.1).maximize(true).build()));
    }

    @Test
    void plainSgdSubtractsLearningRateTimesGradient() {
        // p₁ = [1 − 0.05, −2 + 0.1]; p₂ = p₁ − 0.1·[0.25, 0.5]; p₃ = p₂ − 0.1·[−1, 0.75]
        double[][] expected = {{0.95, -1.9}, {0.925, -1.95}, {1.025, -2.025}};
        assertSteps(expected, threeSteps(SGD.Options.lr(0.1)));
    }

    @Test
    void parameterWithNullGradientIsSkippedEntirely() {
        Tensor a = Tensor.of(new double[] {1.0, -2.0}, 2).requiresGrad(true);
        Tensor b = Tensor.of(new double[] {3.0}, 1).requiresGrad(true);
        SGD sgd = new SGD(List.of(a, b), SGD.Options.builder().lr(0.1).momentum(0.9).weightDecay(0.5).build());

        a.setGrad(Tensor.of(new double[] {0.5, -1.0}, 2));
        sgd.step();

        // Weight decay alone would have moved b by −0.1·0.5·3 = −0.15: it must not.
        assertArrayEquals(new double[] {3.0}, b.toDoubleArray());
        assertNull(sgd.momentumBuffer(b));
        // a: d = g + 0.5·a = [1.0, −2.0]; p = a − 0.1·d
        assertArrayEquals(new double[] {0.9, -1.8}, a.toDoubleArray(), TOLERANCE);

        // b's first step with a gradient starts its buffer as a copy of that (decayed) gradient.
        a.zeroGrad();
        b.setGrad(Tensor.of(new double[] {1.0}, 1));
        sgd.step();
        // d = 1 + 0.5·3 = 2.5 = buffer; b = 3 − 0.25
        assertArrayEquals(new double[] {2.75}, b.toDoubleArray(), TOLERANCE);
        assertArrayEquals(new double[] {2.5}, sgd.momentumBuffer(b).toDoubleArray(), TOLERANCE);
        assertArrayEquals(new double[] {0.9, -1.8}, a.toDoubleArray(), TOLERANCE);
    }

    @Test
    void zeroGradSetsGradientsToNull() {
        Tensor p = Tensor.of(new double[] {1.0}, 1).requiresGrad(true);
        SGD sgd = new SGD(List.of(p), 0.1);
        p.setGrad(Tensor.of(new double[] {2.0}, 1));

        sgd.zeroGrad();

        assertNull(p.grad());
    }

    @Test
    void stepDoesNotRecordOnTheTapeAndKeepsTheParameterALeaf() {
        Tensor p = Tensor.of(new double[] {1.0}, 1).requiresGrad(true);
        SGD sgd = new SGD(List.of(p), 0.1, 0.9);
        p.setGrad(Tensor.of(new double[] {2.0}, 1));

        sgd.step();

        assertNull(p.gradFn());
        assertEquals(true, p.requiresGrad());
    }

    @Test
    void float32ParametersStayFloat32() {
        Tensor p = Tensor.of(new float[] {0.1f, -0.3f, 7.25f}, 3).requiresGrad(true);
        SGD sgd = new SGD(List.of(p), SGD.Options.builder().lr(0.013).momentum(0.9).weightDecay(1e-4).build());
        for (int step = 0; step < 5; step++) {
            p.setGrad(Tensor.of(new float[] {0.7f, -1.1f, 0.03f}, 3));
            sgd.step();
            assertSame(DType.FLOAT32, p.dtype());
            for (double v : p.toDoubleArray()) {
                assertEquals((float) v, v, 0.0, "value " + v + " is not a float32 value");
            }
        }
    }

    @Test
    void optionsHavePyTorchDefaults() {
        SGD.Options defaults = SGD.Options.builder().build();
        assertEquals(new SGD.Options(1e-3, 0, 0, 0, false, false), defaults);
    }

    // ------------------------------------------------------------------ invalid settings

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void negativeLearningRateIsRejected() {
        assertEquals("Invalid learning rate: -0.1", message(() -> SGD.Options.lr(-0.1)));
        assertEquals("Invalid learning rate: -1e-05", message(() -> SGD.Options.lr(-1e-5)));
        assertEquals("Invalid learning rate: nan", message(() -> SGD.Options.lr(Double.NaN)));
    }

    @Test
    void negativeMomentumIsRejected() {
        assertEquals("Invalid momentum value: -0.5", message(() -> SGD.Options.builder().momentum(-0.5).build()));
    }

    @Test
    void negativeWeightDecayIsRejected() {
        assertEquals("Invalid weight_decay value: -0.01", message(() -> SGD.Options.builder().weightDecay(-0.01).build()));
    }

    @Test
    void nesterovNeedsMomentumAndZeroDampening() {
        String expected = "Nesterov momentum requires a momentum and zero dampening";
        assertEquals(expected, message(() -> SGD.Options.builder().nesterov(true).build()));
        assertEquals(expected, message(() -> SGD.Options.builder().momentum(0.9).dampening(0.1).nesterov(true).build()));
    }

    @Test
    void emptyDuplicateOrNonLeafParameterListsAreRejected() {
        assertEquals("SGD: optimizer got an empty parameter list", message(() -> new SGD(List.of(), 0.1)));

        Tensor p = Tensor.of(new double[] {1.0}, 1).requiresGrad(true);
        assertEquals("SGD: optimizer contains a parameter group with duplicate parameters (parameter 1 appears "
                + "earlier in the list)", message(() -> new SGD(List.of(p, p), 0.1)));

        Tensor nonLeaf = p.mul(2.0);
        assertEquals("SGD: can't optimize a non-leaf Tensor (parameter 0)", message(() -> new SGD(List.of(nonLeaf), 0.1)));
    }

    /**
     * A parameter large enough for its update to be split across threads (as the CNN's classifier is) takes
     * the same steps, bit for bit, on two threads as on one, and each step is p − lr·b with the momentum
     * buffer b = 0.9·b + g (fused multiply-adds in float32, as on one element).
     */
    @Test
    void aParameterSplitAcrossThreadsTakesTheSameStepsAsOnOneThread() {
        int n = 70_001;
        Random rnd = new Random(5);
        double[] start = new double[n];
        double[][] grads = new double[3][n];
        for (int i = 0; i < n; i++) {
            start[i] = rnd.nextGaussian();
            for (double[] g : grads) {
                g[i] = rnd.nextGaussian();
            }
        }
        double[] oneThread = stepsOn(1, start, grads);
        double[] twoThreads = stepsOn(2, start, grads);
        assertArrayEquals(oneThread, twoThreads, 0.0);
        // the element-wise definition, for a few elements across the split
        for (int i : new int[] {0, 17_499, 35_000, 52_501, n - 1}) {
            float p = (float) start[i];
            float b = 0;
            for (int step = 0; step < grads.length; step++) {
                float g = (float) grads[step][i];
                b = step == 0 ? g : Math.fma(g, 1f, (float) 0.9 * b);
                p = Math.fma(b, (float) -0.01, p);
            }
            assertEquals(p, oneThread[i], 0.0, "element " + i);
        }
    }

    private static double[] stepsOn(int threads, double[] start, double[][] grads) {
        int previous = Parallelism.threads();
        Parallelism.setThreads(threads);
        try {
            int n = start.length;
            Tensor p = Tensor.of(DType.FLOAT32, start, n).requiresGrad(true);
            SGD sgd = new SGD(List.of(p), SGD.Options.builder().lr(0.01).momentum(0.9).build());
            for (double[] g : grads) {
                p.setGrad(Tensor.of(DType.FLOAT32, g, n));
                sgd.step();
            }
            return p.toDoubleArray();
        } finally {
            Parallelism.setThreads(previous);
        }
    }
}
