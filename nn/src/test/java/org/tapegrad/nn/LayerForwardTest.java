package org.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.functional.Reduction;

/**
 * Each layer computes its documented formula with its own settings, checked against direct loops
 * written from the formula.
 */
class LayerForwardTest {
    private static final double TOLERANCE = 1e-12;

    private static Tensor ramp(DType dtype, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.sin(1.7 * i + 0.3);
        }
        return Tensor.of(dtype, v, shape);
    }

    @Test
    void linearComputesXTimesWeightTransposedPlusBias() {
        Linear linear = Linear.builder(3, 2).dtype(DType.FLOAT64).generator(new Generator(1)).build();
        Tensor x = ramp(DType.FLOAT64, 4, 3);

        Tensor y = linear.forward(x);

        assertArrayEquals(new int[] {4, 2}, y.shape());
        for (int n = 0; n < 4; n++) {
            for (int o = 0; o < 2; o++) {
                double expected = linear.bias().get(o);
                for (int i = 0; i < 3; i++) {
                    expected += x.get(n, i) * linear.weight().get(o, i);
                }
                assertEquals(expected, y.get(n, o), TOLERANCE);
            }
        }
    }

    @Test
    void linearWithoutBiasAcceptsLeadingDimensions() {
        Linear linear = Linear.builder(3, 2).bias(false).dtype(DType.FLOAT64).generator(new Generator(2)).build();
        Tensor x = ramp(DType.FLOAT64, 2, 5, 3);

        Tensor y = linear.forward(x);

        assertArrayEquals(new int[] {2, 5, 2}, y.shape());
        double expected = 0;
        for (int i = 0; i < 3; i++) {
            expected += x.get(1, 4, i) * linear.weight().get(1, i);
        }
        assertEquals(expected, y.get(1, 4, 1), TOLERANCE);
    }

    /** Direct cross-correlation from SPEC §3.3 with zero padding. */
    private static double conv(Tensor x, Tensor w, Tensor b, Conv2d.Options o, int n, int out, int i, int j) {
        int groups = o.groups();
        int inPerGroup = o.inChannels() / groups;
        int group = out / (o.outChannels() / groups);
        double sum = b == null ? 0 : b.get(out);
        for (int c = 0; c < inPerGroup; c++) {
            for (int u = 0; u < o.kernelSize().height(); u++) {
                for (int v = 0; v < o.kernelSize().width(); v++) {
                    int row = i * o.stride().height() + u * o.dilation().height() - o.padding().amounts().height();
                    int col = j * o.stride().width() + v * o.dilation().width() - o.padding().amounts().width();
                    if (row >= 0 && row < x.size(2) && col >= 0 && col < x.size(3)) {
                        sum += w.get(out, c, u, v) * x.get(n, group * inPerGroup + c, row, col);
                    }
                }
            }
        }
        return sum;
    }

    @Test
    void conv2dAppliesItsStridePaddingDilationAndGroups() {
        Conv2d conv = Conv2d.builder(4, 6, IntPair.of(3, 2)).stride(IntPair.of(2, 1)).padding(1, 2).dilation(
                IntPair.of(1, 2)).groups(2).dtype(DType.FLOAT64).generator(new Generator(3)).build();
        Tensor x = ramp(DType.FLOAT64, 2, 4, 7, 5);

        Tensor y = conv.forward(x);

        // H_out = ⌊(7 + 2 − 2 − 1)/2⌋ + 1 = 4; W_out = ⌊(5 + 4 − 2 − 1)/1⌋ + 1 = 7
        assertArrayEquals(new int[] {2, 6, 4, 7}, y.shape());
        for (int n = 0; n < 2; n++) {
            for (int o = 0; o < 6; o++) {
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 7; j++) {
                        assertEquals(conv(x, conv.weight(), conv.bias(), conv.options(), n, o, i, j), y.get(n, o, i, j),
                                TOLERANCE);
                    }
                }
            }
        }
    }

    @Test
    void conv2dSamePaddingKeepsTheSpatialSize() {
        Conv2d conv = Conv2d.builder(2, 3, 4).padding("same").dtype(DType.FLOAT64).generator(new Generator(4)).build();

        assertArrayEquals(new int[] {1, 3, 6, 5}, conv.forward(ramp(DType.FLOAT64, 1, 2, 6, 5)).shape());
        assertArrayEquals(new int[] {1, 3, 3, 2},
                Conv2d.builder(2, 3, 4).padding("valid").generator(new Generator(4)).build()
                        .forward(ramp(DType.FLOAT32, 1, 2, 6, 5)).shape());
    }

    @Test
    void maxPoolTakesTheMaximumOfEachWindow() {
        Tensor x = ramp(DType.FLOAT64, 1, 2, 5, 5);

        Tensor y = new MaxPool2d(3, 2, 1).forward(x);

        // H_out = ⌊(5 + 2 − 3)/2⌋ + 1 = 3
        assertArrayEquals(new int[] {1, 2, 3, 3}, y.shape());
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int r = 2 * i - 1; r <= 2 * i + 1; r++) {
                        for (int s = 2 * j - 1; s <= 2 * j + 1; s++) {
                            if (r >= 0 && r < 5 && s >= 0 && s < 5) {
                                max = Math.max(max, x.get(0, c, r, s));
                            }
                        }
                    }
                    assertEquals(max, y.get(0, c, i, j));
                }
            }
        }
    }

    @Test
    void avgPoolAveragesEachWindowCountingThePadding() {
        Tensor x = ramp(DType.FLOAT64, 1, 1, 4, 4);

        Tensor y = new AvgPool2d(IntPair.of(2), IntPair.of(2), IntPair.of(1)).forward(x);

        // H_out = ⌊(4 + 2 − 2)/2⌋ + 1 = 3; the corner window holds one real value and three zeros.
        assertArrayEquals(new int[] {1, 1, 3, 3}, y.shape());
        assertEquals(x.get(0, 0, 0, 0) / 4, y.get(0, 0, 0, 0), TOLERANCE);
        assertEquals((x.get(0, 0, 1, 1) + x.get(0, 0, 1, 2) + x.get(0, 0, 2, 1) + x.get(0, 0, 2, 2)) / 4,
                y.get(0, 0, 1, 1), TOLERANCE);
    }

    @Test
    void activationsApplyTheirFunctionElementwise() {
        Tensor x = Tensor.of(new double[] {-2.0, -0.5, 0.25, 3.0}, 4);

        assertArrayEquals(new double[] {0, 0, 0.25, 3}, new ReLU().forward(x).toDoubleArray());
        assertArrayEquals(new double[] {-0.02, -0.005, 0.25, 3}, new LeakyReLU().forward(x).toDoubleArray(), TOLERANCE);
        assertArrayEquals(new double[] {-0.4, -0.1, 0.25, 3}, new LeakyReLU(0.2).forward(x).toDoubleArray(), TOLERANCE);
        double[] tanh = new double[4];
        double[] sigmoid = new double[4];
        for (int i = 0; i < 4; i++) {
            tanh[i] = Math.tanh(x.get(i));
            sigmoid[i] = 1 / (1 + Math.exp(-x.get(i)));
        }
        assertArrayEquals(tanh, new Tanh().forward(x).toDoubleArray(), TOLERANCE);
        assertArrayEquals(sigmoid, new Sigmoid().forward(x).toDoubleArray(), TOLERANCE);
    }

    @Test
    void flattenKeepsTheBatchDimensionByDefault() {
        Tensor x = ramp(DType.FLOAT32, 2, 3, 4, 5);

        assertArrayEquals(new int[] {2, 60}, new Flatten().forward(x).shape());
        assertArrayEquals(new int[] {24, 5}, new Flatten(0, 2).forward(x).shape());
        assertArrayEquals(x.toDoubleArray(), new Flatten().forward(x).toDoubleArray());
    }

    @Test
    void crossEntropyIsTheMeanNegativeLogSoftmaxOfTheTargetClass() {
        Tensor logits = ramp(DType.FLOAT64, 3, 4);
        Tensor target = Tensor.ofIndices(new long[] {2, 0, 3}, 3);

        double expected = 0;
        for (int n = 0; n < 3; n++) {
            double sumExp = 0;
            for (int c = 0; c < 4; c++) {
                sumExp += Math.exp(logits.get(n, c));
            }
            expected -= logits.get(n, (int) target.get(n)) - Math.log(sumExp);
        }

        assertEquals(expected / 3, new CrossEntropyLoss().forward(logits, target).item(), TOLERANCE);
        assertEquals(expected, new CrossEntropyLoss(Reduction.SUM).forward(logits, target).item(), TOLERANCE);
    }

    @Test
    void crossEntropyPassesWeightIgnoreIndexAndSmoothingThrough() {
        Tensor logits = ramp(DType.FLOAT64, 3, 2);
        Tensor target = Tensor.ofIndices(new long[] {1, -1, 0}, 3);
        Tensor weight = Tensor.of(new double[] {2.0, 0.5}, 2);

        double lossSum = 0;
        double weightSum = 0;
        for (int n : new int[] {0, 2}) {
            int y = (int) target.get(n);
            double logSumExp = Math.log(Math.exp(logits.get(n, 0)) + Math.exp(logits.get(n, 1)));
            lossSum -= weight.get(y) * (logits.get(n, y) - logSumExp);
            weightSum += weight.get(y);
        }
        CrossEntropyLoss loss = new CrossEntropyLoss(new CrossEntropyLoss.Options(weight, -1, Reduction.MEAN, 0.0));

        assertEquals(lossSum / weightSum, loss.forward(logits, target).item(), TOLERANCE);
    }
}
