package org.tapegrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.testing.Tolerances;

/**
 * The reverse pass as an algorithm: a tensor used several times receives the sum of its gradients,
 * every node runs exactly once and only after all its consumers have contributed, and the walk is
 * iterative, so a chain of 10,000 operations backpropagates.
 */
class AutogradEngineTest {
    private static final int LONG_CHAIN = 10_000;

    @Test
    void tensorMultipliedByItselfReceivesBothContributions() {
        Tensor x = Tensor.of(new double[] {-1.5, 0.5, 2.0}, 3).requiresGrad(true);
        x.mul(x).sum().backward();
        assertArrayEquals(new double[] {-3.0, 1.0, 4.0}, x.grad().toDoubleArray());
    }

    @Test
    void tensorReusedInTwoBranchesReceivesTheSummedGradient() {
        Tensor x = Tensor.of(new double[] {-0.5, 0.25, 1.0}, 3).requiresGrad(true);
        x.exp().add(x.tanh().mul(3.0)).sum().backward();
        double[] v = x.toDoubleArray();
        double[] expected = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double t = Math.tanh(v[i]);
            expected[i] = Math.exp(v[i]) + 3 * (1 - t * t);
        }
        Tolerances.assertClose(expected, x.grad().toDoubleArray(), 0, Tolerances.FLOAT64_TIGHT);
    }

    @Test
    void diamondGraphSumsBothPathsIntoTheSharedIntermediateAndTheLeaf() {
        // a = 2x;  y = exp(a) · tanh(a) + x    dy/dx = 2 (exp(a) tanh(a) + exp(a) (1 − tanh²a)) + 1
        Tensor x = Tensor.of(new double[] {-0.3, 0.1, 0.7}, 3).requiresGrad(true);
        Tensor a = x.mul(2.0).retainGrad();
        a.exp().mul(a.tanh()).add(x).sum().backward();
        double[] v = x.toDoubleArray();
        double[] expectedX = new double[v.length];
        double[] expectedA = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double av = 2 * v[i];
            double t = Math.tanh(av);
            expectedA[i] = Math.exp(av) * t + Math.exp(av) * (1 - t * t);
            expectedX[i] = 2 * expectedA[i] + 1;
        }
        Tolerances.assertClose(expectedA, a.grad().toDoubleArray(), 0, Tolerances.FLOAT64_TIGHT);
        Tolerances.assertClose(expectedX, x.grad().toDoubleArray(), 0, Tolerances.FLOAT64_TIGHT);
    }

    @Test
    void chainOfTenThousandOperationsBackpropagatesWithoutStackOverflow() {
        double factor = 1.0001;
        Tensor x = Tensor.scalar(1.5, DType.FLOAT64).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < LONG_CHAIN; i++) {
            y = y.mul(factor);
        }
        y.backward();
        double expectedGrad = Math.pow(factor, LONG_CHAIN);
        assertEquals(1.5 * expectedGrad, y.item(), Tolerances.FLOAT64_LONG_CHAIN * 1.5 * expectedGrad);
        assertEquals(expectedGrad, x.grad().item(), Tolerances.FLOAT64_LONG_CHAIN * expectedGrad);
    }

    @Test
    void chainOfTenThousandMixedOperationsHasTheChainRuleGradient() {
        // y ← tanh(y) + x at every step: dy_k/dx = (1 − tanh²(y_{k−1})) · dy_{k−1}/dx + 1
        Tensor x = Tensor.scalar(0.2, DType.FLOAT64).requiresGrad(true);
        Tensor y = x;
        double value = 0.2;
        double derivative = 1;
        for (int i = 0; i < LONG_CHAIN; i++) {
            y = y.tanh().add(x);
            double t = Math.tanh(value);
            derivative = (1 - t * t) * derivative + 1;
            value = t + 0.2;
        }
        y.backward();
        assertEquals(value, y.item(), Tolerances.FLOAT64_LONG_CHAIN);
        assertEquals(derivative, x.grad().item(), Tolerances.FLOAT64_LONG_CHAIN * derivative);
        assertEquals(2 * LONG_CHAIN, Tape.of(y).size());
    }

    @Test
    void eachNodeRunsExactlyOnceAlthoughItsOutputHasManyConsumers() {
        AtomicInteger calls = new AtomicInteger();
        Tensor x = Tensor.of(new double[] {0.5, -1.0}, 2).requiresGrad(true);
        Tensor shared = countingIdentity(x, calls);
        Tensor total = shared.exp();
        for (int i = 0; i < 20; i++) {
            total = total.add(shared.mul(i)).add(shared.tanh());
        }
        Tensor diamond = shared.mul(2).add(shared.neg());
        total.add(diamond).sum().backward();
        assertEquals(1, calls.get());
    }

    @Test
    void hookOnAnIntermediateWithManyConsumersRunsOnceWithTheTotalGradient() {
        Tensor x = Tensor.of(new double[] {1.0, 2.0, 3.0}, 3).requiresGrad(true);
        Tensor shared = x.mul(1.0);
        List<double[]> seen = new ArrayList<>();
        shared.registerHook(g -> {
            seen.add(g.toDoubleArray());
            return null;
        });
        Tensor total = shared;
        for (int i = 1; i <= 10; i++) {
            total = total.add(shared.mul(i));
        }
        total.sum().backward();
        assertEquals(1, seen.size());
        // d/dshared of shared · (1 + 1 + 2 + … + 10) = 56
        assertArrayEquals(new double[] {56, 56, 56}, seen.get(0));
        assertArrayEquals(new double[] {56, 56, 56}, x.grad().toDoubleArray());
    }

    @Test
    void leafUsedByManyNodesAccumulatesEveryContributionInOneBackward() {
        Tensor x = Tensor.of(new double[] {2.0}, 1).requiresGrad(true);
        Tensor total = Tensor.zeros(DType.FLOAT64, 1);
        for (int i = 0; i < 100; i++) {
            total = total.add(x);
        }
        total.sum().backward();
        assertArrayEquals(new double[] {100}, x.grad().toDoubleArray());
    }

    @Test
    void backwardRuleReturningAGradientOfTheWrongShapeIsReportedWithTheNodeName() {
        Tensor x = Tensor.of(new double[] {1, 2, 3}, 3).requiresGrad(true);
        Tensor y = x.copy();
        Autograd.record(y, new Node("brokenOp", x) {
            @Override
            protected Tensor[] backward(Tensor g) {
                return new Tensor[] {Tensor.ones(DType.FLOAT64, 2)};
            }
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().startsWith("brokenOp:"), e.getMessage());
        assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("input 0 of shape [3]"), e.getMessage());
    }

    @Test
    void backwardRuleReturningTheWrongNumberOfGradientsIsReportedWithTheNodeName() {
        Tensor x = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
        Tensor y = x.copy();
        Autograd.record(y, new Node("brokenOp", x) {
            @Override
            protected Tensor[] backward(Tensor g) {
                return new Tensor[] {g, g};
            }
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("brokenOp: backward returned 2 gradients for 1 inputs"), e.getMessage());
    }

    /** An identity op whose backward counts its calls, recorded like any built-in op. */
    private static Tensor countingIdentity(Tensor x, AtomicInteger calls) {
        Tensor out = x.copy();
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("countingIdentity", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    calls.incrementAndGet();
                    return new Tensor[] {g};
                }
            });
        }
        return out;
    }
}
