package org.tapegrad.autograd.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapegrad.autograd.testing.TensorArbitraries.broadcastPairs;
import static org.tapegrad.autograd.testing.TensorArbitraries.layouts;
import static org.tapegrad.autograd.testing.TensorArbitraries.shapes;
import static org.tapegrad.autograd.testing.TensorArbitraries.tensors;
import static org.tapegrad.autograd.testing.TensorArbitraries.tensorsInAnyLayout;
import static org.tapegrad.autograd.testing.TensorArbitraries.values;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Gradcheck;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.testing.Tolerances;

/**
 * The shape operations (reshape, view, flatten, transpose, permute, expand, squeeze, unsqueeze, narrow,
 * contiguous) and the dtype round trip: each moves elements exactly where its definition says, and its
 * gradient passes gradcheck on inputs in every memory layout.
 */
class ViewGradientProperties {
    record Permutation(Tensor x, int[] order) {
    }

    record Expansion(Tensor x, int[] target) {
    }

    /** to(float32) keeps values that are multiples of 2^-QUANTUM_BITS (|x| ≤ 3) exactly. */
    private static final int QUANTUM_BITS = 10;
    /** A finite-difference step that moves such values to neighbours still exact in float32. */
    private static final double ROUND_TRIP_EPS = 0x1p-6;

    @Property(tries = 50)
    void reshapeKeepsRowMajorOrderAndGradchecks(@ForAll("anyLayout") Tensor x, @ForAll boolean inferOne) {
        int[] target = reversed(x.shape());
        int[] requested = target.clone();
        if (inferOne) {
            requested[0] = -1;
        }
        Tensor y = x.reshape(requested);
        assertArrayEquals(target, y.shape());
        assertArrayEquals(x.toDoubleArray(), y.toDoubleArray());
        Gradcheck.check(in -> in[0].reshape(requested), x);
    }

    @Property(tries = 30)
    void viewOfAContiguousTensorSharesStorageAndGradchecks(@ForAll("contiguous") Tensor x) {
        int[] target = {x.numel()};
        Tensor y = x.view(target);
        assertTrue(y.sharesStorageWith(x));
        assertArrayEquals(x.toDoubleArray(), y.toDoubleArray());
        Gradcheck.check(in -> in[0].view(reversed(in[0].shape())), x);
        Gradcheck.check(in -> in[0].view(target), x);
    }

    @Property(tries = 50)
    void flattenMergesTheChosenDimensionsAndGradchecks(@ForAll("anyLayout") Tensor x, @ForAll("choices") int a,
            @ForAll("choices") int b) {
        int start = Math.min(a % x.dim(), b % x.dim());
        int end = Math.max(a % x.dim(), b % x.dim());
        Tensor y = x.flatten(start, end);
        assertEquals(x.dim() - (end - start), y.dim());
        assertArrayEquals(x.toDoubleArray(), y.toDoubleArray());
        Gradcheck.check(in -> in[0].flatten(start, end), x);
        Gradcheck.check(in -> in[0].flatten(), x);
    }

    @Property(tries = 50)
    void transposeSwapsIndicesAndGradchecks(@ForAll("anyLayout") Tensor x, @ForAll("choices") int a,
            @ForAll("choices") int b) {
        int d0 = a % x.dim();
        int d1 = b % x.dim() - x.dim();
        Tensor y = x.transpose(d0, d1);
        int[] order = identity(x.dim());
        swap(order, d0, d1 + x.dim());
        assertPermuted(x, y, order);
        Gradcheck.check(in -> in[0].transpose(d0, d1), x);
    }

    @Property(tries = 50)
    void permuteReordersIndicesAndGradchecks(@ForAll("permutations") Permutation p) {
        Tensor y = p.x().permute(p.order());
        assertPermuted(p.x(), y, p.order());
        Gradcheck.check(in -> in[0].permute(p.order()), p.x());
    }

    @Property(tries = 50)
    void expandRepeatsAlongBroadcastDimensionsWithoutCopyingAndGradchecks(@ForAll("expansions") Expansion e) {
        Tensor x = e.x();
        int[] target = e.target();
        Tensor y = x.expand(target);
        assertArrayEquals(target, y.shape());
        assertTrue(y.sharesStorageWith(x));
        Tolerances.assertClose(Reference.broadcastBinary(x, Tensor.zeros(DType.FLOAT64, target), (p, q) -> p),
                y.toDoubleArray(), 0, 0);
        Gradcheck.check(in -> in[0].expand(target), x);

        int[] keeping = target.clone();
        int lead = target.length - x.dim();
        for (int d = 0; d < x.dim(); d++) {
            if (x.size(d) == target[lead + d]) {
                keeping[lead + d] = -1;
            }
        }
        assertArrayEquals(target, x.expand(keeping).shape());
    }

    @Property(tries = 50)
    void squeezeAndUnsqueezeMoveOnlySizeOneDimensionsAndGradcheck(@ForAll("withOnes") Tensor x,
            @ForAll("choices") int choice) {
        int dim = choice % (x.dim() + 1);
        Tensor u = x.unsqueeze(dim);
        assertEquals(1, u.size(dim));
        assertEquals(x.dim() + 1, u.dim());
        assertArrayEquals(x.toDoubleArray(), u.toDoubleArray());
        Gradcheck.check(in -> in[0].unsqueeze(dim), x);
        Gradcheck.check(in -> in[0].unsqueeze(-1), x);

        int d = choice % x.dim();
        int[] expected = x.size(d) == 1 ? Shapes.remove(x.shape(), d) : x.shape();
        assertArrayEquals(expected, x.squeeze(d).shape());
        Gradcheck.check(in -> in[0].squeeze(d), x);
        int[] noOnes = Arrays.stream(x.shape()).filter(s -> s != 1).toArray();
        assertArrayEquals(noOnes, x.squeeze().shape());
        assertArrayEquals(x.toDoubleArray(), x.squeeze().toDoubleArray());
        Gradcheck.check(in -> in[0].squeeze(), x);
    }

    @Property(tries = 50)
    void narrowSelectsASliceAndGradchecks(@ForAll("anyLayout") Tensor x, @ForAll("choices") int a,
            @ForAll("choices") int b, @ForAll("choices") int c) {
        int dim = a % x.dim();
        int size = x.size(dim);
        int start = b % size;
        int length = 1 + c % (size - start);
        Tensor y = x.narrow(dim, start, length);
        assertTrue(y.sharesStorageWith(x));
        int[] shape = y.shape();
        assertEquals(length, shape[dim]);
        int[] index = new int[shape.length];
        for (int flat = 0; flat < y.numel(); flat++) {
            int[] source = index.clone();
            source[dim] += start;
            assertEquals(x.get(source), y.get(index));
            Reference.increment(index, shape);
        }
        Gradcheck.check(in -> in[0].narrow(dim, start, length), x);
    }

    @Property(tries = 40)
    void contiguousCopiesOnlyNonContiguousInputsAndGradchecks(@ForAll("anyLayout") Tensor x) {
        Tensor y = x.contiguous();
        assertTrue(y.isContiguous());
        assertArrayEquals(x.toDoubleArray(), y.toDoubleArray());
        if (x.isContiguous()) {
            assertSame(x, y);
        } else {
            assertNotSame(x, y);
            assertFalse(y.sharesStorageWith(x));
        }
        Gradcheck.check(in -> in[0].contiguous().mul(in[0].contiguous()), x);
    }

    @Property(tries = 40)
    void roundTripThroughFloat32GradchecksAndKeepsTheGradientFloat64(@ForAll("float32Exact") Tensor x) {
        Tensor y = x.to(DType.FLOAT32).to(DType.FLOAT64);
        assertEquals(DType.FLOAT64, y.dtype());
        assertArrayEquals(x.toDoubleArray(), y.toDoubleArray());
        Gradcheck.check(in -> in[0].to(DType.FLOAT32).to(DType.FLOAT64).mul(in[0]), ROUND_TRIP_EPS,
                Gradcheck.ATOL, Gradcheck.RTOL, x);
        x.to(DType.FLOAT32).sum().backward();
        assertEquals(DType.FLOAT64, x.grad().dtype());
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<Tensor> anyLayout() {
        return tensorsInAnyLayout(values());
    }

    @Provide
    Arbitrary<Tensor> contiguous() {
        return shapes().flatMap(s -> tensors(s, values()));
    }

    @Provide
    Arbitrary<Integer> choices() {
        return Arbitraries.integers().between(0, 23);
    }

    /** Shapes that contain some dimensions of size 1, in either layout. */
    @Provide
    Arbitrary<Tensor> withOnes() {
        return Combinators.combine(shapes(1, 4, 1, 2), layouts())
                .flatAs((shape, layout) -> tensors(shape, values(), layout));
    }

    @Provide
    Arbitrary<Permutation> permutations() {
        return tensorsInAnyLayout(values()).flatMap(x -> {
            List<Integer> dims = new ArrayList<>();
            for (int d = 0; d < x.dim(); d++) {
                dims.add(d);
            }
            return Arbitraries.shuffle(dims).map(order -> new Permutation(x,
                    order.stream().mapToInt(Integer::intValue).toArray()));
        });
    }

    /** A leaf of the first shape of a broadcast pair, expanded to the broadcast shape of the pair. */
    @Provide
    Arbitrary<Expansion> expansions() {
        return Combinators.combine(broadcastPairs(), layouts()).flatAs((pair, layout) ->
                tensors(pair[0], values(), layout).map(x -> new Expansion(x,
                        Shapes.broadcast("test", pair[0], pair[1]))));
    }

    /** Values in [-3, 3] that are multiples of 2^-10, so x ± 2^-6 are exact float32 numbers too. */
    @Provide
    Arbitrary<Tensor> float32Exact() {
        Arbitrary<Double> quantised = Arbitraries.integers().between(-3 << QUANTUM_BITS, 3 << QUANTUM_BITS)
                .map(i -> Math.scalb((double) i, -QUANTUM_BITS));
        return tensorsInAnyLayout(quantised);
    }

    // ------------------------------------------------------------------ helpers

    private static int[] reversed(int[] shape) {
        int[] r = shape.clone();
        for (int i = 0; i < r.length / 2; i++) {
            swap(r, i, r.length - 1 - i);
        }
        return r;
    }

    private static int[] identity(int rank) {
        int[] order = new int[rank];
        for (int d = 0; d < rank; d++) {
            order[d] = d;
        }
        return order;
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /** y[i_0, …] == x[j] where j[order[d]] = i_d, and y is a view of x's memory. */
    private static void assertPermuted(Tensor x, Tensor y, int[] order) {
        assertTrue(y.sharesStorageWith(x));
        int[] shape = y.shape();
        for (int d = 0; d < order.length; d++) {
            assertEquals(x.size(order[d]), shape[d]);
        }
        int[] index = new int[shape.length];
        for (int flat = 0; flat < y.numel(); flat++) {
            int[] source = new int[shape.length];
            for (int d = 0; d < order.length; d++) {
                source[order[d]] = index[d];
            }
            assertEquals(x.get(source), y.get(index));
            Reference.increment(index, shape);
        }
    }
}
