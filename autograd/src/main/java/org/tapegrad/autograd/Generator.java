package org.tapegrad.autograd;

import org.apache.commons.math3.random.MersenneTwister;

/**
 * A seedable source of random numbers, like {@code torch.Generator}: every random factory and
 * initialiser takes one, or uses the {@linkplain #defaultGenerator() default generator} that
 * {@link #manualSeed(long)} resets. Backed by Commons Math's Mersenne Twister (the same algorithm as
 * PyTorch's CPU generator, though the streams of transformed values differ, so draws are reproducible
 * within tapegrad, not bit-identical to PyTorch's).
 *
 * <p>Not thread-safe: give each thread its own generator.
 */
public final class Generator {
    /** The seed of the default generator before any {@link #manualSeed(long)}, PyTorch's default. */
    public static final long DEFAULT_SEED = 67280421310721L;

    private static final Generator DEFAULT = new Generator(DEFAULT_SEED);

    private final MersenneTwister twister;
    private long seed;

    /** A generator seeded with {@code seed}. */
    public Generator(long seed) {
        this.twister = new MersenneTwister(seed);
        this.seed = seed;
    }

    /** The generator used when none is passed. */
    public static Generator defaultGenerator() {
        return DEFAULT;
    }

    /** Re-seeds the default generator, as {@code torch.manual_seed} does. */
    public static void manualSeed(long seed) {
        DEFAULT.seed(seed);
    }

    /** Re-seeds this generator; the following draws repeat those after any earlier seeding with the same seed. */
    public Generator seed(long newSeed) {
        twister.setSeed(newSeed);
        this.seed = newSeed;
        return this;
    }

    /** The seed this generator was last seeded with. */
    public long initialSeed() {
        return seed;
    }

    /** A uniform draw from [0, 1). */
    public double nextDouble() {
        return twister.nextDouble();
    }

    /** A standard normal draw, N(0, 1). */
    public double nextGaussian() {
        return twister.nextGaussian();
    }

    /** A uniform integer draw from [0, bound). */
    public int nextInt(int bound) {
        return twister.nextInt(bound);
    }

    /** A uniform long draw from [low, high). */
    public long nextLong(long low, long high) {
        if (high <= low) {
            throw new IllegalArgumentException("random: empty range [" + low + ", " + high + ")");
        }
        long span = high - low;
        if (span <= Integer.MAX_VALUE) {
            return low + twister.nextInt((int) span);
        }
        long r;
        long bits;
        do {
            bits = twister.nextLong() >>> 1;
            r = bits % span;
        } while (bits - r + (span - 1) < 0);
        return low + r;
    }
}
