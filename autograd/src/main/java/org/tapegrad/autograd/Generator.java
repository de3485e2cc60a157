package org.tapegrad.autograd;

import org.apache.commons.math3.random.MersenneTwister;

/**
 * A seedable source of random numbers, like {@code torch.Generator}: every random factory and
 * initialiser takes one, or uses the {@linkplain #defaultGenerator() default generator} that
 * {@link #manualSeed(long)} resets. Backed by Commons Math's Mersenne Twister (the same algorithm as
 * PyTorch's CPU generator, though the streams of transformed values differ, so draws are reproducible
 * within tapegrad, not bit-identical to PyTorch's).
 *
 * <h2>Normal draws: the ziggurat</h2>
 * {@link #nextGaussian()} uses Marsaglia and Tsang's ziggurat method (J. Stat. Softw. 5(8), 2000) with
 * 256 layers. The area under the density {@code f(x) = exp(−x²/2)} (x ≥ 0) is covered by 255 rectangles
 * and a base strip with its tail beyond {@code R}, all of area {@code V}; one 64-bit draw picks a layer
 * i (its low 8 bits) and a signed uniform u in [−1, 1) (its high 53 bits), and {@code z = u·x_i} is
 * returned at once when it lies inside the part of the layer that is wholly under the curve
 * ({@code |z| < x_{i+1}}): about 99% of draws cost one table lookup and one multiplication. Otherwise z
 * is accepted with probability {@code (f(z) − f(x_i)) / (f(x_{i+1}) − f(x_i))} (the wedge), or, in the
 * base layer, a value is drawn from the tail with Marsaglia's exponential method. Tables and the rare
 * exponentials use {@link StrictMath}, so a seed gives the same stream on every JVM and platform.
 *
 * <p>Not thread-safe: give each thread its own generator.
 */
public final class Generator {
    /** The seed of the default generator before any {@link #manualSeed(long)}, PyTorch's default. */
    public static final long DEFAULT_SEED = 67280421310721L;

    private static final Generator DEFAULT = new Generator(DEFAULT_SEED);

    /** Number of ziggurat layers. */
    private static final int LAYERS = 256;
    /** Start of the tail: the right edge of the lowest rectangle (Marsaglia and Tsang's value for 256 layers). */
    private static final double R = 3.6541528853610088;
    /** The common area of every layer. */
    private static final double V = 4.92867323399e-3;
    /** Right edges: x[0] = V/f(R) (the base strip's equivalent width), x[1] = R, …, x[256] = 0. */
    private static final double[] X = new double[LAYERS + 1];
    /** f(x[i]), with f(x) = exp(−x²/2). */
    private static final double[] F = new double[LAYERS + 1];

    static {
        double f = StrictMath.exp(-0.5 * R * R);
        X[0] = V / f;
        X[1] = R;
        F[0] = f;
        F[1] = f;
        for (int i = 2; i < LAYERS; i++) {
            // rectangle i−1 spans [0, x[i−1]] × [f(x[i−1]), f(x[i])] with area V
            X[i] = StrictMath.sqrt(-2 * StrictMath.log(V / X[i - 1] + F[i - 1]));
            F[i] = StrictMath.exp(-0.5 * X[i] * X[i]);
        }
        X[LAYERS] = 0;
        F[LAYERS] = 1;
    }

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

    /** A standard normal draw, N(0, 1), by the ziggurat method (see the class documentation). */
    public double nextGaussian() {
        while (true) {
            long bits = twister.nextLong();
            int i = (int) bits & (LAYERS - 1);
            double u = (bits >> 11) * 0x1.0p-52; // the high 53 bits as a signed uniform in [−1, 1)
            double z = u * X[i];
            if (Math.abs(z) < X[i + 1]) {
                return z;
            }
            if (i == 0) {
                return u < 0 ? -tail() : tail();
            }
            // the wedge between the rectangle's inner edge and the curve
            if (F[i] + twister.nextDouble() * (F[i + 1] - F[i]) < StrictMath.exp(-0.5 * z * z)) {
                return z;
            }
        }
    }

    /** A draw from the normal tail beyond R (Marsaglia 1964): R + x with x exponential, accepted by rejection. */
    private double tail() {
        double x;
        double y;
        do {
            x = -StrictMath.log(1.0 - twister.nextDouble()) / R;
            y = -StrictMath.log(1.0 - twister.nextDouble());
        } while (y + y < x * x);
        return R + x;
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
