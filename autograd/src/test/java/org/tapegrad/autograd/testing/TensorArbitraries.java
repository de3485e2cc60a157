package org.tapegrad.autograd.testing;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Tensor;

/**
 * jqwik generators for shapes and float64 tensors, shared by the property tests of every module.
 * Values are uniform with a fixed scale; {@link #awayFromKinks} keeps them at least {@link #KINK_MARGIN}
 * from 0 so that finite differences never straddle the kink of relu or abs.
 */
public final class TensorArbitraries {
    /** Minimum distance of generated values from a kink at 0. */
    public static final double KINK_MARGIN = 1e-3;

    private TensorArbitraries() {
    }

    /** Shapes of 1–4 dimensions with sizes 1–4. */
    public static Arbitrary<int[]> shapes() {
        return shapes(1, 4, 1, 4);
    }

    /** Shapes with a rank in [minRank, maxRank] and sizes in [minSize, maxSize]. */
    public static Arbitrary<int[]> shapes(int minRank, int maxRank, int minSize, int maxSize) {
        return Arbitraries.integers().between(minSize, maxSize).array(int[].class).ofMinSize(minRank).ofMaxSize(maxRank);
    }

    /** Values uniform in [-3, 3]. */
    public static Arbitrary<Double> values() {
        return Arbitraries.doubles().between(-3, 3).ofScale(6);
    }

    /** Values uniform in ±[KINK_MARGIN, 3]. */
    public static Arbitrary<Double> awayFromKinks() {
        return Combinators.combine(Arbitraries.doubles().between(KINK_MARGIN, 3).ofScale(6), Arbitraries.of(-1.0, 1.0))
                .as((magnitude, sign) -> magnitude * sign);
    }

    /** A float64 leaf of the given shape whose elements come from {@code elements}; requires grad. */
    public static Arbitrary<Tensor> tensors(int[] shape, Arbitrary<Double> elements) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return elements.list().ofSize(n).map(list -> {
            double[] data = new double[list.size()];
            for (int i = 0; i < data.length; i++) {
                data[i] = list.get(i);
            }
            return Tensor.of(DType.FLOAT64, data, shape).requiresGrad(true);
        });
    }

    /** Float64 leaves of random shape (1–4 dims, sizes 1–4) with values in [-3, 3]. */
    public static Arbitrary<Tensor> tensors() {
        return shapes().flatMap(s -> tensors(s, values()));
    }

    /**
     * Pairs of shapes that broadcast together: the second is derived from the first by dropping leading
     * dimensions and setting some sizes to 1, and the pair is randomly swapped.
     */
    public static Arbitrary<int[][]> broadcastPairs() {
        return shapes().flatMap(full -> Combinators.combine(
                Arbitraries.integers().between(0, full.length - 1),
                Arbitraries.of(true, false).list().ofSize(full.length),
                Arbitraries.of(true, false),
                Arbitraries.of(true, false).list().ofSize(full.length))
                .as((drop, ones, swap, onesInFirst) -> {
                    int[] small = new int[full.length - drop];
                    int[] big = full.clone();
                    for (int i = 0; i < small.length; i++) {
                        small[i] = ones.get(i + drop) ? 1 : full[i + drop];
                    }
                    for (int i = drop; i < big.length; i++) {
                        // A size-1 entry in the first shape is fine where the second keeps the full size.
                        if (onesInFirst.get(i) && small[i - drop] == full[i]) {
                            big[i] = 1;
                        }
                    }
                    return swap ? new int[][] {small, big} : new int[][] {big, small};
                }));
    }
}
