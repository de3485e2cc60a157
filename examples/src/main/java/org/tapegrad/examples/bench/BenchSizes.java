package org.tapegrad.examples.bench;

/**
 * The problem sizes of the benchmark's workloads. {@link #full()} are the sizes the JSON keys name and
 * PyTorch was measured at; {@link #quick()} shrinks every workload so that a test can run them all in a
 * fraction of a second (the keys stay the same, the numbers then mean nothing).
 *
 * @param seedEpochs epochs of the conv seed experiment
 * @param seedSize   side of its image
 * @param chainDepth number of weight matrices in the matrix–vector chain
 * @param chainWidth their side
 * @param mlpDepth   Linear + ReLU layers of the deep MLP
 * @param mlpWidth   their width
 * @param mlpBatch   rows of its input
 * @param cnnBatch   images per CNN training step
 * @param cnnSide    side of those (one-channel) images
 * @param cnnSteps   training steps per CNN run
 * @param matmulSize side of the square matrices multiplied
 */
public record BenchSizes(int seedEpochs, int seedSize, int chainDepth, int chainWidth, int mlpDepth, int mlpWidth,
        int mlpBatch, int cnnBatch, int cnnSide, int cnnSteps, int matmulSize) {

    /** The sizes of the workloads (and of PyTorch's reference figures). */
    public static BenchSizes full() {
        return new BenchSizes(40, 224, 100, 512, 100, 256, 16, 64, 28, 10, 1024);
    }

    /** Tiny sizes for tests of the command itself. */
    public static BenchSizes quick() {
        return new BenchSizes(2, 8, 3, 16, 3, 16, 4, 2, 6, 2, 32);
    }
}
