package org.tapegrad.examples.conformance;

import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.init.Fans;
import org.tapegrad.init.Init;

/**
 * {@code init_fans_and_gains}: fan_in/fan_out of each {@code shape<i>} and {@code calculate_gain} for
 * linear, conv2d, sigmoid, tanh, relu, leaky_relu, selu, leaky_relu(0.2), leaky_relu(√5).
 */
final class InitFamily implements CaseFamily {
    @Override
    public String id() {
        return "init_fans_and_gains";
    }

    @Override
    public boolean handles(String caseName) {
        return caseName.equals("init_fans_and_gains");
    }

    @Override
    public void check(ReferenceCase c, CaseReport report) {
        int count = 0;
        while (c.has("shape" + count)) {
            count++;
        }
        double[] fans = new double[2 * count];
        for (int i = 0; i < count; i++) {
            Fans f = Init.fans(Tensor.zeros(DType.FLOAT64, c.ints("shape" + i)));
            fans[2 * i] = f.fanIn();
            fans[2 * i + 1] = f.fanOut();
        }
        report.check("fans", Tensor.of(fans, count, 2));
        double[] gains = {
            Init.calculateGain("linear", null),
            Init.calculateGain("conv2d", null),
            Init.calculateGain("sigmoid", null),
            Init.calculateGain("tanh", null),
            Init.calculateGain("relu", null),
            Init.calculateGain("leaky_relu", null),
            Init.calculateGain("selu", null),
            Init.calculateGain("leaky_relu", 0.2),
            Init.calculateGain("leaky_relu", Math.sqrt(5)),
        };
        report.check("gains", Tensor.of(gains, gains.length));
    }
}
