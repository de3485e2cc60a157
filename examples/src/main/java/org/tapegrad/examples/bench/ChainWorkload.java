package org.tapegrad.examples.bench;

import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.init.FanMode;
import org.tapegrad.init.Init;

/**
 * Workload 2: {@code x ← relu(W_i·x)} for i = 1..depth, with the width×width matrices {@code W_i}
 * drawn once from Kaiming's normal (fan_in, relu) and x a vector of width standard normals. Forward
 * only, without recording (PyTorch: {@code torch.no_grad()}). Every matrix is read once per run, so
 * the run streams all the weights from memory: at depth 100 and width 512, 200 MB of doubles.
 */
final class ChainWorkload {
    private ChainWorkload() {
    }

    static Runnable prepare(BenchSizes sizes, long seed) {
        Generator generator = new Generator(seed);
        int width = sizes.chainWidth();
        Tensor[] weights = new Tensor[sizes.chainDepth()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = Tensor.empty(DType.FLOAT32, width, width);
            Init.kaimingNormal_(weights[i], 0, FanMode.FAN_IN, "relu", generator);
        }
        Tensor input = Tensor.randn(generator, DType.FLOAT32, width);
        return () -> {
            try (GradMode.NoGrad ignored = GradMode.noGrad()) {
                Tensor x = input;
                for (Tensor w : weights) {
                    x = w.matmul(x).relu();
                }
                Sink.consume(x);
            }
        };
    }
}
