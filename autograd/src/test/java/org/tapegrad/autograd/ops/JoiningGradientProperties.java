package org.tapegrad.autograd.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tapegrad.autograd.testing.TensorArbitraries.layouts;
import static org.tapegrad.autograd.testing.TensorArbitraries.shapes;
import static org.tapegrad.autograd.testing.TensorArbitraries.tensors;
import static org.tapegrad.autograd.testing.TensorArbitraries.values;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tapegrad.autograd.Gradcheck;
import org.tapegrad.autograd.Tensor;

/**
 * cat and stack of 1–3 tensors (each in a random memory layout) along a random dimension: every input
 * appears unchanged in its slice of the result, and gradients pass gradcheck for all inputs at once.
 */
class JoiningGradientProperties {
    /** Tensors to join along {@code dim}. */
    record Joined(List<Tensor> parts, int dim) {
        Tensor[] array() {
            return parts.toArray(new Tensor[0]);
        }
    }

    @Property(tries = 50)
    void catPlacesEachInputInItsSliceAndGradchecks(@ForAll("catInputs") Joined j) {
        Tensor y = Tensor.cat(j.parts(), j.dim());
        int d = j.dim() < 0 ? j.dim() + y.dim() : j.dim();
        int start = 0;
        for (Tensor part : j.parts()) {
            Tensor slice = y.narrow(d, start, part.size(d));
            assertArrayEquals(part.shape(), slice.shape());
            assertArrayEquals(part.toDoubleArray(), slice.toDoubleArray());
            start += part.size(d);
        }
        assertEquals(start, y.size(d));
        Gradcheck.check(in -> Tensor.cat(List.of(in), j.dim()), j.array());
    }

    @Property(tries = 50)
    void stackInsertsANewDimensionAndGradchecks(@ForAll("stackInputs") Joined j) {
        Tensor y = Tensor.stack(j.parts(), j.dim());
        int d = j.dim() < 0 ? j.dim() + y.dim() : j.dim();
        assertEquals(j.parts().size(), y.size(d));
        assertEquals(j.parts().get(0).dim() + 1, y.dim());
        for (int i = 0; i < j.parts().size(); i++) {
            Tensor slice = y.narrow(d, i, 1).squeeze(d);
            assertArrayEquals(j.parts().get(i).toDoubleArray(), slice.toDoubleArray());
        }
        Gradcheck.check(in -> Tensor.stack(List.of(in), j.dim()), j.array());
    }

    @Provide
    Arbitrary<Joined> catInputs() {
        return Combinators.combine(shapes(), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(1, 4).list().ofMinSize(1).ofMaxSize(3),
                layouts().list().ofSize(3), Arbitraries.of(false, true))
                .flatAs((shape, dimChoice, sizes, layout, negative) -> {
                    int dim = dimChoice % shape.length;
                    List<Arbitrary<Tensor>> parts = new ArrayList<>();
                    for (int i = 0; i < sizes.size(); i++) {
                        int[] s = shape.clone();
                        s[dim] = sizes.get(i);
                        parts.add(tensors(s, values(), layout.get(i)));
                    }
                    int d = negative ? dim - shape.length : dim;
                    return Combinators.combine(parts).as(list -> new Joined(List.copyOf(list), d));
                });
    }

    @Provide
    Arbitrary<Joined> stackInputs() {
        return Combinators.combine(shapes(1, 3, 1, 4), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(1, 3), layouts().list().ofSize(3))
                .flatAs((shape, dimChoice, count, layout) -> {
                    int dim = dimChoice % (shape.length + 1);
                    List<Arbitrary<Tensor>> parts = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        parts.add(tensors(shape, values(), layout.get(i)));
                    }
                    return Combinators.combine(parts).as(list -> new Joined(List.copyOf(list), dim));
                });
    }
}
