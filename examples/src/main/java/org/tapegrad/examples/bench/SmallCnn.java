package org.tapegrad.examples.bench;

import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.nn.BatchNorm2d;
import org.tapegrad.nn.Conv2d;
import org.tapegrad.nn.CrossEntropyLoss;
import org.tapegrad.nn.Flatten;
import org.tapegrad.nn.Linear;
import org.tapegrad.nn.ReLU;
import org.tapegrad.nn.Sequential;
import org.tapegrad.nn.optim.SGD;

/**
 * Workload 4: a small CNN trained on one fixed batch of one-channel images, float32:
 * <pre>
 *   Conv2d(1, c1, 3, padding 1) → BatchNorm2d → ReLU → Conv2d(c1, c2, 3, padding 1, stride 2) → BatchNorm2d
 *   → ReLU → Flatten → Linear(c2·h·h, classes)                    h = ⌈side / 2⌉
 *   loss = CrossEntropyLoss(logits, labels); SGD(lr 0.01, momentum 0.9); zeroGrad before every step
 * </pre>
 * With c1 = 16, c2 = 32, 10 classes, 28×28 images in batches of 64 this is the benchmark's MNIST-sized
 * CNN (Linear(6272, 10)). The layers keep their default (PyTorch) initialisation.
 *
 * <p>Not thread-safe.
 */
public final class SmallCnn {
    private final Sequential model;
    private final CrossEntropyLoss criterion = new CrossEntropyLoss();
    private final SGD optimizer;
    private final Tensor images;
    private final Tensor labels;

    /**
     * @param batch   images per step
     * @param side    their height and width
     * @param c1      channels of the first conv
     * @param c2      channels of the second conv
     * @param classes number of classes
     * @param seed    seeds the weights, the images (standard normal) and the labels (uniform classes)
     */
    public SmallCnn(int batch, int side, int c1, int c2, int classes, long seed) {
        Generator generator = new Generator(seed);
        int half = (side - 1) / 2 + 1;
        model = new Sequential(
                Conv2d.builder(1, c1, 3).padding(1).generator(generator).build(),
                new BatchNorm2d(c1),
                new ReLU(),
                Conv2d.builder(c1, c2, 3).padding(1).stride(2).generator(generator).build(),
                new BatchNorm2d(c2),
                new ReLU(),
                new Flatten(),
                Linear.builder(c2 * half * half, classes).generator(generator).build());
        optimizer = new SGD(model.parameters(), 0.01, 0.9);
        images = Tensor.randn(generator, DType.FLOAT32, batch, 1, side, side);
        labels = Tensor.randint(generator, 0, classes, DType.FLOAT64, batch);
    }

    /** The benchmark's CNN at the given sizes; one run is {@code sizes.cnnSteps()} training steps. */
    static Runnable trainingRun(BenchSizes sizes, long seed) {
        SmallCnn cnn = new SmallCnn(sizes.cnnBatch(), sizes.cnnSide(), 16, 32, 10, seed);
        return () -> {
            for (int s = 0; s < sizes.cnnSteps(); s++) {
                cnn.step();
            }
        };
    }

    /** One training step: zeroGrad, forward, loss, backward, SGD step. Returns the loss before the step. */
    public double step() {
        return trainingStep().value();
    }

    /**
     * One training step, returning the loss tensor itself (with its now released graph) for tests that
     * check the tape is let go.
     */
    Step trainingStep() {
        optimizer.zeroGrad();
        Tensor loss = criterion.forward(model.forward(images), labels);
        loss.backward();
        optimizer.step();
        return new Step(loss, loss.item());
    }

    /** A step's loss tensor and its value. */
    record Step(Tensor loss, double value) {
    }

    /** The network. */
    public Sequential model() {
        return model;
    }
}
