package org.tapegrad.examples.run;

/** Seeds for independent random streams of one run, derived from the run's {@code --seed}. */
public final class Seeds {
    private Seeds() {
    }

    /**
     * The seed of stream {@code index} of a run seeded with {@code seed}: SplitMix64's mixing of
     * {@code seed + φ·(index+1)}, so nearby seeds and indices give unrelated streams.
     */
    public static long derive(long seed, int index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
