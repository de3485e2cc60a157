package org.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.io.NpyArray;
import org.tapegrad.autograd.io.NpyType;
import org.tapegrad.autograd.io.Npz;

/** BatchNorm2d's buffers and its choice of statistics (SPEC §4.2, §4.3; trap 10), in float64. */
class BatchNorm2dTest {
    private static final double TOLERANCE = 1e-12;
    private static final int C = 2;

    @TempDir
    Path directory;

    /** A (2, C, 2, 3) batch whose channel c holds {@code scale·sin(…) + shift}. */
    private static Tensor batch(double scale, double shift) {
        double[] v = new double[2 * C * 6];
        for (int i = 0; i < v.length; i++) {
            v[i] = scale * Math.sin(0.9 * i + 0.1) + shift;
        }
        return Tensor.of(v, 2, C, 2, 3);
    }

    private static double[] channelMean(Tensor x) {
        return x.mean(new int[] {0, 2, 3}, false).toDoubleArray();
    }

    private static double[] channelVar(Tensor x, int correction) {
        return x.var(new int[] {0, 2, 3}, correction, false).toDoubleArray();
    }

    private static BatchNorm2d.Builder float64(int channels) {
        return BatchNorm2d.builder(channels).dtype(DType.FLOAT64);
    }

    @Test
    void numBatchesTrackedCountsTrainingForwardsOnly() {
        BatchNorm2d bn = float64(C).build();

        bn.forward(batch(1, 0));
        bn.forward(batch(2, 1));
        assertEquals(2, bn.numBatchesTracked());

        bn.eval();
        bn.forward(batch(1, 0));
        assertEquals(2, bn.numBatchesTracked());
    }

    @Test
    void runningStatisticsMoveByMomentumTowardsTheBatchMeanAndUnbiasedVariance() {
        BatchNorm2d bn = float64(C).momentum(0.1).build();
        Tensor x = batch(2, 0.5);

        bn.forward(x);

        double[] mean = channelMean(x);
        double[] unbiased = channelVar(x, 1);
        for (int c = 0; c < C; c++) {
            assertEquals(0.9 * 0 + 0.1 * mean[c], bn.runningMean().get(c), TOLERANCE);
            assertEquals(0.9 * 1 + 0.1 * unbiased[c], bn.runningVar().get(c), TOLERANCE);
        }
    }

    @Test
    void nullMomentumKeepsTheCumulativeAverageOfTheBatchStatistics() {
        BatchNorm2d bn = float64(C).momentum(null).build();
        Tensor first = batch(2, 0.5);
        Tensor second = batch(0.5, -3);
        Tensor third = batch(1, 7);

        bn.forward(first);
        // The first batch replaces the initial 0/1 statistics entirely.
        assertArrayEquals(channelMean(first), bn.runningMean().toDoubleArray(), TOLERANCE);
        assertArrayEquals(channelVar(first, 1), bn.runningVar().toDoubleArray(), TOLERANCE);

        bn.forward(second);
        bn.forward(third);
        for (int c = 0; c < C; c++) {
            double meanOfMeans = (channelMean(first)[c] + channelMean(second)[c] + channelMean(third)[c]) / 3;
            double meanOfVars = (channelVar(first, 1)[c] + channelVar(second, 1)[c] + channelVar(third, 1)[c]) / 3;
            assertEquals(meanOfMeans, bn.runningMean().get(c), TOLERANCE);
            assertEquals(meanOfVars, bn.runningVar().get(c), TOLERANCE);
        }
    }

    @Test
    void trainingNormalisesWithTheBatchStatistics() {
        BatchNorm2d bn = float64(C).build();
        Tensor x = batch(3, 2);

        Tensor y = bn.forward(x);

        double[] mean = channelMean(x);
        double[] var = channelVar(x, 0);
        double eps = bn.options().eps();
        for (int c = 0; c < C; c++) {
            double expected = (x.get(1, c, 1, 2) - mean[c]) / Math.sqrt(var[c] + eps);
            assertEquals(expected, y.get(1, c, 1, 2), 1e-10);
        }
    }

    @Test
    void evalNormalisesWithTheRunningStatisticsAndAffineParameters() {
        BatchNorm2d bn = float64(C).build();
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            bn.runningMean().copyFrom(Tensor.of(new double[] {0.5, -1}, C));
            bn.runningVar().copyFrom(Tensor.of(new double[] {4, 0.25}, C));
            bn.weight().copyFrom(Tensor.of(new double[] {2, 3}, C));
            bn.bias().copyFrom(Tensor.of(new double[] {0.1, -0.2}, C));
        }
        bn.eval();
        Tensor x = batch(1, 0);

        Tensor y = bn.forward(x);

        double eps = bn.options().eps();
        double[] rm = {0.5, -1};
        double[] rv = {4, 0.25};
        double[] gamma = {2, 3};
        double[] beta = {0.1, -0.2};
        for (int c = 0; c < C; c++) {
            double expected = (x.get(0, c, 1, 1) - rm[c]) / Math.sqrt(rv[c] + eps) * gamma[c] + beta[c];
            assertEquals(expected, y.get(0, c, 1, 1), TOLERANCE);
        }
        assertArrayEquals(rm, bn.runningMean().toDoubleArray(), 0.0);
    }

    @Test
    void withoutRunningStatisticsEvalStillUsesTheBatchStatistics() {
        BatchNorm2d bn = float64(C).trackRunningStats(false).build();
        Tensor x = batch(3, 2);
        Tensor training = bn.forward(x);

        bn.eval();
        Tensor eval = bn.forward(x);

        assertArrayEquals(training.toDoubleArray(), eval.toDoubleArray(), TOLERANCE);
        assertArrayEquals(new double[C], channelMean(eval), 1e-12);
        assertNull(bn.runningMean());
        assertEquals(0, bn.numBatchesTracked());
        assertEquals(List.of("weight", "bias"), List.copyOf(bn.stateDict().keySet()));
    }

    @Test
    void gradientsReachGammaAndBetaButNotTheRunningStatistics() {
        BatchNorm2d bn = float64(C).build();
        Tensor x = batch(1, 0).requiresGrad(true);

        bn.forward(x).mul(batch(0.7, 0.2)).sum().backward();

        assertTrue(bn.weight().grad() != null && bn.bias().grad() != null && x.grad() != null);
        assertTrue(!bn.runningMean().requiresGrad() && bn.runningMean().grad() == null);
    }

    @Test
    void numBatchesTrackedIsSavedAsInt64AndRestored() throws IOException {
        Sequential model = new Sequential(float64(C).build());
        for (int i = 0; i < 3; i++) {
            model.forward(batch(1 + i, i));
        }
        Path file = directory.resolve("bn.npz");

        model.save(file);

        NpyArray saved = Npz.read(file).get("0.num_batches_tracked");
        assertEquals(NpyType.INT64, saved.type());
        assertArrayEquals(new long[] {3}, saved.toLongArray());
        Sequential restored = new Sequential(float64(C).build());
        restored.load(file);
        assertEquals(3, ((BatchNorm2d) restored.get(0)).numBatchesTracked());
        assertArrayEquals(((BatchNorm2d) model.get(0)).runningVar().toDoubleArray(),
                ((BatchNorm2d) restored.get(0)).runningVar().toDoubleArray(), 0.0);
    }
}
