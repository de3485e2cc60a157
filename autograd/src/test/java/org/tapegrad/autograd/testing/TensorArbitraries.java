package org.tapegrad.autograd.testing;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Tensor;

/**
 * jqwik generators for shapes and float64 tensors, shared by the property tests of every module.
 * Values are uniform with a fixed scale; {@link #awayFromKinks} keeps them at least {@link #KINK_MARGIN}
 * from 0 so that finite differences never straddle the kink of relu or abs; {@link #between} gives
 * positive inputs for log, sqrt and pow and divisors bounded away from 0; {@link #distinctTensors} has no
 * ties for max and min; {@link #inLayout} lays a leaf out in memory as a transposed, offset or strided
 * view, so that kernels see non-contiguous inputs.
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

    /** Minimum gap between two values of a {@link #distinctTensors} tensor. */
    public static final double DISTINCT_GAP = 0.03;

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
        return broadcastPairs(shapes());
    }

    /** Values uniform in [lo, hi]. */
    public static Arbitrary<Double> between(double lo, double hi) {
        return Arbitraries.doubles().between(lo, hi).ofScale(6);
    }

    /** Values uniform in ±[min, max]: divisors bounded away from 0. */
    public static Arbitrary<Double> awayFromZero(double min, double max) {
        return Combinators.combine(between(min, max), Arbitraries.of(-1.0, 1.0)).as((magnitude, sign) -> magnitude * sign);
    }

    /**
     * A float64 leaf like {@link #tensors(int[], Arbitrary)}, stored column-major (a transposed view) when
     * {@code columnMajor} is set.
     */
    public static Arbitrary<Tensor> tensors(int[] shape, Arbitrary<Double> elements, boolean columnMajor) {
        return tensors(shape, elements).map(t -> columnMajor ? columnMajor(t) : t);
    }

    /** How a generated leaf lies in memory. */
    public enum Layout {
        /** Row-major from offset 0. */
        CONTIGUOUS,
        /** A transposed view: see {@link #columnMajor}. */
        COLUMN_MAJOR,
        /** Row-major, but starting at a non-zero storage offset (a slice along the first dimension). */
        OFFSET,
        /** Every stride doubled and offset 1: every other element of a larger tensor. */
        STRIDED
    }

    /**
     * Float64 leaves of random shape (1–4 dims, sizes 1–4) with elements from {@code elements}, in a
     * random {@link Layout}; require grad.
     */
    public static Arbitrary<Tensor> tensorsInAnyLayout(Arbitrary<Double> elements) {
        return Combinators.combine(shapes(), layouts()).flatAs((shape, layout) -> tensors(shape, elements, layout));
    }

    /** Every {@link Layout}, uniformly. */
    public static Arbitrary<Layout> layouts() {
        return Arbitraries.of(Layout.class);
    }

    /** A float64 leaf like {@link #tensors(int[], Arbitrary)}, laid out as {@code layout}. */
    public static Arbitrary<Tensor> tensors(int[] shape, Arbitrary<Double> elements, Layout layout) {
        return tensors(shape, elements).map(t -> inLayout(t, layout));
    }

    /** A leaf with the values, shape and requiresGrad flag of {@code t}, laid out as {@code layout}. */
    public static Tensor inLayout(Tensor t, Layout layout) {
        int[] shape = t.shape();
        switch (layout) {
            case COLUMN_MAJOR:
                return columnMajor(t);
            case OFFSET: {
                int[] bigger = shape.clone();
                bigger[0] += 1;
                Tensor view = Tensor.zeros(t.dtype(), bigger).narrow(0, 1, shape[0]);
                return view.copyFrom(t.detach()).requiresGrad(t.requiresGrad());
            }
            case STRIDED: {
                int[] bigger = java.util.Arrays.copyOf(shape, shape.length + 1);
                bigger[shape.length] = 2;
                Tensor view = Tensor.zeros(t.dtype(), bigger).narrow(shape.length, 1, 1).squeeze(shape.length);
                return view.copyFrom(t.detach()).requiresGrad(t.requiresGrad());
            }
            default:
                return t;
        }
    }

    /**
     * A leaf with the same shape, values and requiresGrad flag as {@code t} whose memory is column-major:
     * a permuted view of a tensor of the reversed shape. It is non-contiguous as soon as two dimensions
     * exceed 1.
     */
    public static Tensor columnMajor(Tensor t) {
        int rank = t.dim();
        int[] reversed = new int[rank];
        for (int d = 0; d < rank; d++) {
            reversed[d] = rank - 1 - d;
        }
        Tensor plain = t.detach();
        Tensor view = plain.permute(reversed).copy().permute(reversed);
        return view.requiresGrad(t.requiresGrad());
    }

    /**
     * Float64 leaves whose elements are pairwise at least {@link #DISTINCT_GAP} apart (no ties for max,
     * min or a standard deviation near 0), in random order; requires grad.
     */
    public static Arbitrary<Tensor> distinctTensors(int[] shape) {
        int n = numel(shape);
        List<Integer> ranks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ranks.add(i);
        }
        return Combinators.combine(Arbitraries.shuffle(ranks), between(0, 0.5 * DISTINCT_GAP).list().ofSize(n),
                between(-1, 1)).as((order, jitter, shift) -> {
                    double[] data = new double[n];
                    for (int i = 0; i < n; i++) {
                        data[i] = (order.get(i) - n / 2.0) * 1.5 * DISTINCT_GAP + jitter.get(i) + shift;
                    }
                    return Tensor.of(DType.FLOAT64, data, shape).requiresGrad(true);
                });
    }

    /**
     * Pairs of shapes that broadcast together: the second is derived from one of {@code fullShapes} by
     * dropping leading dimensions and setting some sizes to 1, and the pair is randomly swapped.
     */
    public static Arbitrary<int[][]> broadcastPairs(Arbitrary<int[]> fullShapes) {
        return fullShapes.flatMap(full -> Combinators.combine(
                Arbitraries.integers().between(0, Math.max(full.length - 1, 0)),
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

    /** The number of elements of a shape. */
    public static int numel(int[] shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }
}
