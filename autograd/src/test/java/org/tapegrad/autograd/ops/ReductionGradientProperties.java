package org.tapegrad.autograd.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapegrad.autograd.testing.TensorArbitraries.distinctTensors;
import static org.tapegrad.autograd.testing.TensorArbitraries.inLayout;
import static org.tapegrad.autograd.testing.TensorArbitraries.layouts;
import static org.tapegrad.autograd.testing.TensorArbitraries.shapes;
import static org.tapegrad.autograd.testing.TensorArbitraries.tensorsInAnyLayout;
import static org.tapegrad.autograd.testing.TensorArbitraries.values;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tapegrad.autograd.Gradcheck;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.testing.Tolerances;

/**
 * sum, mean, var, std, max and min: over all elements and over random sets of dimensions, with and
 * without keepDim. Values agree with a definition built from other ops (or with the elements
 * themselves for max/min) and gradients pass gradcheck. max/min see distinct values (no ties), std sees
 * values at least {@code DISTINCT_GAP} apart so that it stays away from its kink at 0.
 */
class ReductionGradientProperties {

    /** A tensor and a non-empty set of its dimensions (negative indices mixed in). */
    record Reduced(Tensor x, int[] dims, boolean keepDim) {
        int count() {
            int n = 1;
            int[] shape = x.shape();
            for (int d : dims) {
                n *= shape[d < 0 ? d + shape.length : d];
            }
            return n;
        }
    }

    @Property(tries = 40)
    void sumOfAllElementsIsZeroDimensionalAndGradchecks(@ForAll("anyLayout") Tensor x) {
        Tensor s = x.sum();
        assertArrayEquals(new int[0], s.shape());
        double expected = 0;
        for (double v : x.toDoubleArray()) {
            expected += v;
        }
        assertEquals(expected, s.item(), Tolerances.FLOAT64_TIGHT);
        Gradcheck.check(in -> in[0].sum(), x);
    }

    @Property(tries = 60)
    void sumOverDimsEqualsSuccessiveSingleDimSumsAndGradchecks(@ForAll("reductions") Reduced r) {
        Tensor expected = r.x().detach();
        int[] sorted = normalisedDescending(r.dims(), r.x().dim());
        for (int d : sorted) {
            expected = expected.sum(d, r.keepDim());
        }
        Tensor actual = r.x().sum(r.dims(), r.keepDim());
        assertArrayEquals(expected.shape(), actual.shape());
        Tolerances.assertClose(expected.toDoubleArray(), actual.toDoubleArray(), Tolerances.FLOAT64_TIGHT, 0);
        Gradcheck.check(in -> in[0].sum(r.dims(), r.keepDim()), r.x());
    }

    @Property(tries = 60)
    void meanIsSumOverCountAndGradchecks(@ForAll("reductions") Reduced r) {
        Tensor expected = r.x().detach().sum(r.dims(), r.keepDim()).div(r.count());
        Tensor actual = r.x().mean(r.dims(), r.keepDim());
        assertArrayEquals(expected.shape(), actual.shape());
        Tolerances.assertClose(expected.toDoubleArray(), actual.toDoubleArray(), Tolerances.FLOAT64_TIGHT, 0);
        assertEquals(r.x().detach().sum().item() / r.x().numel(), r.x().mean().item(), Tolerances.FLOAT64_TIGHT);
        Gradcheck.check(in -> in[0].mean(r.dims(), r.keepDim()), r.x());
        Gradcheck.check(in -> in[0].mean(), r.x());
    }

    @Property(tries = 60)
    void varIsMeanSquaredDeviationWithCorrectionAndGradchecks(@ForAll("spreadReductions") Reduced r,
            @ForAll("corrections") int correction) {
        int c = Math.min(correction, r.count() - 1);
        Tensor x = r.x().detach();
        Tensor deviation = x.sub(x.mean(r.dims(), true));
        Tensor expected = deviation.mul(deviation).sum(r.dims(), r.keepDim()).div(r.count() - c);
        Tensor actual = r.x().var(r.dims(), c, r.keepDim());
        assertArrayEquals(expected.shape(), actual.shape());
        Tolerances.assertClose(expected.toDoubleArray(), actual.toDoubleArray(), Tolerances.FLOAT64_TIGHT,
                Tolerances.FLOAT64_TIGHT);
        Gradcheck.check(in -> in[0].var(r.dims(), c, r.keepDim()), r.x());
    }

    @Property(tries = 60)
    void stdIsSquareRootOfVarAndGradchecks(@ForAll("spreadReductions") Reduced r, @ForAll("corrections") int correction) {
        int c = Math.min(correction, r.count() - 1);
        Tensor expected = r.x().detach().var(r.dims(), c, r.keepDim()).sqrt();
        Tensor actual = r.x().std(r.dims(), c, r.keepDim());
        Tolerances.assertClose(expected.toDoubleArray(), actual.toDoubleArray(), 0, Tolerances.FLOAT64_TIGHT);
        Gradcheck.check(in -> in[0].std(r.dims(), c, r.keepDim()), r.x());
    }

    @Property(tries = 40)
    void varAndStdOfAllElementsAreUnbiasedByDefault(@ForAll("spreadReductions") Reduced r) {
        Tensor x = r.x();
        int n = x.numel();
        double mean = x.detach().mean().item();
        double squares = 0;
        for (double v : x.toDoubleArray()) {
            squares += (v - mean) * (v - mean);
        }
        assertEquals(squares / (n - 1), x.var().item(), Tolerances.FLOAT64_TIGHT * Math.max(1, squares));
        assertEquals(Math.sqrt(squares / (n - 1)), x.std().item(), Tolerances.FLOAT64_TIGHT * Math.max(1, squares));
        Gradcheck.check(in -> in[0].var(), x);
        Gradcheck.check(in -> in[0].std(), x);
    }

    @Property(tries = 60)
    void maxOverADimPicksTheLargestElementAndGradchecks(@ForAll("distinct") Tensor x, @ForAll("dimChoice") int choice,
            @ForAll boolean keepDim) {
        int dim = choice % x.dim();
        assertExtreme(x, x.max(dim, keepDim), dim, keepDim, true);
        Gradcheck.check(in -> in[0].max(dim, keepDim).values(), x);
        Gradcheck.check(in -> in[0].max(), x);
    }

    @Property(tries = 60)
    void minOverADimPicksTheSmallestElementAndGradchecks(@ForAll("distinct") Tensor x, @ForAll("dimChoice") int choice,
            @ForAll boolean keepDim) {
        int dim = choice % x.dim() - x.dim(); // negative dims count from the end
        assertExtreme(x, x.min(dim, keepDim), dim + x.dim(), keepDim, false);
        Gradcheck.check(in -> in[0].min(dim, keepDim).values(), x);
        Gradcheck.check(in -> in[0].min(), x);
    }

    @Provide
    Arbitrary<Tensor> anyLayout() {
        return tensorsInAnyLayout(values());
    }

    @Provide
    Arbitrary<Reduced> reductions() {
        return reduced(tensorsInAnyLayout(values()));
    }

    /** Distinct values, so that the deviations are never all 0 and std stays off its kink. */
    @Provide
    Arbitrary<Reduced> spreadReductions() {
        return reduced(distinct()).filter(r -> r.count() >= 2);
    }

    @Provide
    Arbitrary<Tensor> distinct() {
        return Combinators.combine(shapes(), layouts()).flatAs(
                (shape, layout) -> distinctTensors(shape).map(t -> inLayout(t, layout)));
    }

    @Provide
    Arbitrary<Integer> corrections() {
        return Arbitraries.integers().between(0, 2);
    }

    @Provide
    Arbitrary<Integer> dimChoice() {
        return Arbitraries.integers().between(0, 11);
    }

    private static Arbitrary<Reduced> reduced(Arbitrary<Tensor> tensors) {
        return tensors.flatMap(x -> {
            int rank = x.dim();
            List<Integer> all = new ArrayList<>();
            for (int d = 0; d < rank; d++) {
                all.add(d);
            }
            return Combinators.combine(Arbitraries.subsetOf(all).ofMinSize(1),
                    Arbitraries.of(true, false).list().ofSize(rank), Arbitraries.of(true, false))
                    .as((Set<Integer> dims, List<Boolean> negative, Boolean keepDim) -> {
                        int[] chosen = new int[dims.size()];
                        int i = 0;
                        for (int d : dims) {
                            chosen[i++] = negative.get(d) ? d - rank : d;
                        }
                        return new Reduced(x, chosen, keepDim);
                    });
        });
    }

    private static int[] normalisedDescending(int[] dims, int rank) {
        return Arrays.stream(dims).map(d -> d < 0 ? d + rank : d).boxed()
                .sorted(Comparator.reverseOrder()).mapToInt(Integer::intValue).toArray();
    }

    /** Values are elements of x at the returned indices, and no element along the dim beats them. */
    private static void assertExtreme(Tensor x, ValuesAndIndices result, int dim, boolean keepDim, boolean largest) {
        int[] shape = x.shape();
        int[] kept = shape.clone();
        kept[dim] = 1;
        Tensor values = result.values().reshape(kept);
        Tensor indices = result.indices().reshape(kept);
        if (keepDim) {
            assertArrayEquals(kept, result.values().shape());
        } else {
            assertEquals(shape.length - 1, result.values().dim());
        }
        int[] index = new int[shape.length];
        for (int flat = 0; flat < values.numel(); flat++) {
            double best = values.get(index);
            int at = (int) indices.get(index);
            int[] probe = index.clone();
            probe[dim] = at;
            assertEquals(x.get(probe), best);
            for (int k = 0; k < shape[dim]; k++) {
                probe[dim] = k;
                assertTrue(largest ? x.get(probe) <= best : x.get(probe) >= best);
            }
            Reference.increment(index, kept);
        }
    }
}
