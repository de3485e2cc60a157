package org.tapegrad.examples.bench;

import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.init.FanMode;
import org.tapegrad.init.Init;
import org.tapegrad.nn.Linear;
import org.tapegrad.nn.ReLU;
import org.tapegrad.nn.Sequential;

/**
 * Workload 3: {@code depth} × (Linear(width, width, bias=False) → ReLU) with Kaiming normal weights
 * (fan_in, relu), an input of (batch, width) standard normals; one run is forward, {@code sum()} and
 * backward (the gradients are cleared first, so each run computes the same thing).
 */
final class MlpWorkload {
    private MlpWorkload() {
    }

    static Runnable prepare(BenchSizes sizes, long seed) {
        Generator generator = new Generator(seed);
        int width = sizes.mlpWidth();
        Sequential model = new Sequential();
        for (int i = 0; i < sizes.mlpDepth(); i++) {
            Linear layer = Linear.builder(width, width).bias(false).generator(generator).build();
            try (GradMode.NoGrad ignored = GradMode.noGrad()) {
                Init.kaimingNormal_(layer.weight(), 0, FanMode.FAN_IN, "relu", generator);
            }
            model.append(layer);
            model.append(new ReLU());
        }
        Tensor input = Tensor.randn(generator, DType.FLOAT32, sizes.mlpBatch(), width);
        return () -> {
            model.zeroGrad();
            Tensor loss = model.forward(input).sum();
            loss.backward();
            Sink.consume(loss);
        };
    }
}
