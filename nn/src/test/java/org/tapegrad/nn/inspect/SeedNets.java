package org.tapegrad.nn.inspect;

import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.init.FanMode;
import org.tapegrad.init.Init;
import org.tapegrad.nn.BatchNorm2d;
import org.tapegrad.nn.Conv2d;
import org.tapegrad.nn.CrossEntropyLoss;
import org.tapegrad.nn.Linear;
import org.tapegrad.nn.Module;
import org.tapegrad.nn.ReLU;

/** Small versions of the seed models, with named layers, for the inspector's tests. */
final class SeedNets {
    private SeedNets() {
    }

    /** Fills a weight in place from a generator. */
    interface Fill extends BiConsumer<Tensor, Generator> {
    }

    static final Fill ZEROS = (w, g) -> Init.zeros_(w);
    static final Fill CONST5 = (w, g) -> Init.constant_(w, 5.0);
    static final Fill NORMAL = (w, g) -> Init.normal_(w, 0.0, 1.0, g);
    static final Fill SCALED001 = (w, g) -> Init.normal_(w, 0.0, 0.01, g);
    static final Fill UNIFORM01 = (w, g) -> Init.uniform_(w, 0.0, 1.0, g);
    static final Fill KAIMING = (w, g) -> Init.kaimingNormal_(w, 0.0, FanMode.FAN_IN, "relu", g);

    /** Children run in registration order, under the names given. */
    static final class Chain extends Module {
        Chain add(String name, Module module) {
            registerModule(name, module);
            return this;
        }

        @Override
        protected Tensor compute(Tensor input) {
            Tensor x = input;
            for (Module m : namedChildren().values()) {
                x = m.forward(x);
            }
            return x;
        }
    }

    static Conv2d conv(Fill fill, DType dtype, Generator g) {
        Conv2d conv = Conv2d.builder(3, 3, 3).padding(1).bias(false).dtype(dtype).build();
        fill.accept(conv.weight(), g);
        return conv;
    }

    static BatchNorm2d bn(DType dtype) {
        return BatchNorm2d.builder(3).dtype(dtype).build();
    }

    /** conv1 → bn1 → relu1 → conv2 → bn2 → relu2, the conv seed. */
    static Chain convSeed(Fill fill, DType dtype, Generator g) {
        return new Chain().add("conv1", conv(fill, dtype, g)).add("bn1", bn(dtype)).add("relu1", new ReLU())
                .add("conv2", conv(fill, dtype, g)).add("bn2", bn(dtype)).add("relu2", new ReLU());
    }

    /** An image randn(1, 3, size, size). */
    static Tensor image(int size, DType dtype, Generator g) {
        return Tensor.randn(g, dtype, 1, 3, size, size);
    }

    /** Class 2 at every pixel, shape (1, size, size). */
    static Tensor labelTwo(int size) {
        long[] labels = new long[size * size];
        Arrays.fill(labels, 2);
        return Tensor.ofIndices(labels, 1, size, size);
    }

    /** {@code depth × [Linear(width, width, no bias) → activation]} named fc0, act0, fc1, …; activation may be null. */
    static Chain mlp(int depth, int width, Supplier<Module> activation, Fill fill, DType dtype, Generator g) {
        Chain chain = new Chain();
        for (int i = 0; i < depth; i++) {
            Linear fc = Linear.builder(width, width).bias(false).dtype(dtype).build();
            fill.accept(fc.weight(), g);
            chain.add("fc" + i, fc);
            if (activation != null) {
                chain.add("act" + i, activation.get());
            }
        }
        return chain;
    }

    /** Uniform random class indices in [0, classes), shape (batch). */
    static Tensor labels(int batch, int classes, Generator g) {
        long[] labels = new long[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = g.nextInt(classes);
        }
        return Tensor.ofIndices(labels, batch);
    }

    static final LossFunction CROSS_ENTROPY = new CrossEntropyLoss()::forward;
}
