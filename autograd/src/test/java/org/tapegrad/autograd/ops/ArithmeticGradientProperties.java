package org.tapegrad.autograd.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.tapegrad.autograd.testing.TensorArbitraries.awayFromZero;
import static org.tapegrad.autograd.testing.TensorArbitraries.broadcastPairs;
import static org.tapegrad.autograd.testing.TensorArbitraries.layouts;
import static org.tapegrad.autograd.testing.TensorArbitraries.tensors;
import static org.tapegrad.autograd.testing.TensorArbitraries.tensorsInAnyLayout;
import static org.tapegrad.autograd.testing.TensorArbitraries.values;

import java.util.function.DoubleBinaryOperator;
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
 * add, sub, mul and div: values equal an element-by-element reference and gradients pass gradcheck, for
 * random broadcast-compatible shape pairs, operands in every memory layout and expanded operands, 0-d tensor
 * operands and plain double operands. Divisors are kept at least {@link #MIN_DIVISOR} from 0.
 */
class ArithmeticGradientProperties {
    /** Smallest magnitude of a divisor: 1/b and its derivatives stay moderate. */
    static final double MIN_DIVISOR = 0.5;

    private static final double MAX_VALUE = 3;

    // ------------------------------------------------------------------ tensor ⊕ tensor, broadcasting

    @Property(tries = 60)
    void addMatchesReferenceAndGradcheckUnderBroadcasting(@ForAll("operands") Tensor[] ab) {
        assertMatchesReference(ab[0].add(ab[1]), ab, Double::sum);
        Gradcheck.check(in -> in[0].add(in[1]), ab);
    }

    @Property(tries = 60)
    void subMatchesReferenceAndGradcheckUnderBroadcasting(@ForAll("operands") Tensor[] ab) {
        assertMatchesReference(ab[0].sub(ab[1]), ab, (x, y) -> x - y);
        Gradcheck.check(in -> in[0].sub(in[1]), ab);
    }

    @Property(tries = 60)
    void mulMatchesReferenceAndGradcheckUnderBroadcasting(@ForAll("operands") Tensor[] ab) {
        assertMatchesReference(ab[0].mul(ab[1]), ab, (x, y) -> x * y);
        Gradcheck.check(in -> in[0].mul(in[1]), ab);
    }

    @Property(tries = 60)
    void divMatchesReferenceAndGradcheckUnderBroadcasting(@ForAll("operandsWithDivisor") Tensor[] ab) {
        assertMatchesReference(ab[0].div(ab[1]), ab, (x, y) -> x / y);
        Gradcheck.check(in -> in[0].div(in[1]), ab);
    }

    // ------------------------------------------------------------------ expanded (stride 0) operands

    @Property(tries = 40)
    void everyBinaryOpGradchecksOnExpandedOperands(@ForAll("operandsWithDivisor") Tensor[] ab) {
        int[] out = Shapes.broadcast("test", ab[0].shape(), ab[1].shape());
        Gradcheck.check(in -> in[0].expand(out).add(in[1].expand(out)), ab);
        Gradcheck.check(in -> in[0].expand(out).sub(in[1].expand(out)), ab);
        Gradcheck.check(in -> in[0].expand(out).mul(in[1].expand(out)), ab);
        Gradcheck.check(in -> in[0].expand(out).div(in[1].expand(out)), ab);
    }

    // ------------------------------------------------------------------ tensor ⊕ scalar

    @Property(tries = 40)
    void tensorScalarOpsMatchReferenceAndGradcheck(@ForAll("anyLayout") Tensor x,
            @ForAll("divisors") double c) {
        Tensor s = Tensor.scalar(c, DType.FLOAT64);
        assertMatchesReference(x.add(c), new Tensor[] {x, s}, Double::sum);
        assertMatchesReference(x.sub(c), new Tensor[] {x, s}, (p, q) -> p - q);
        assertMatchesReference(x.mul(c), new Tensor[] {x, s}, (p, q) -> p * q);
        assertMatchesReference(x.div(c), new Tensor[] {x, s}, (p, q) -> p / q);
        Gradcheck.check(in -> in[0].add(c), x);
        Gradcheck.check(in -> in[0].sub(c), x);
        Gradcheck.check(in -> in[0].mul(c), x);
        Gradcheck.check(in -> in[0].div(c), x);
    }

    @Property(tries = 40)
    void zeroDimensionalOperandsReceiveTheSummedGradient(@ForAll("anyLayout") Tensor x, @ForAll("divisors") double c) {
        Tensor s = Tensor.scalar(c, DType.FLOAT64).requiresGrad(true);
        Gradcheck.check(in -> in[0].add(in[1]), x, s);
        Gradcheck.check(in -> in[1].sub(in[0]), x, s);
        Gradcheck.check(in -> in[0].mul(in[1]), x, s);
        Gradcheck.check(in -> in[0].div(in[1]), x, s);
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<Tensor[]> operands() {
        return operands(values());
    }

    @Provide
    Arbitrary<Tensor[]> operandsWithDivisor() {
        return operands(awayFromZero(MIN_DIVISOR, MAX_VALUE));
    }

    @Provide
    Arbitrary<Tensor> anyLayout() {
        return tensorsInAnyLayout(values());
    }

    @Provide
    Arbitrary<Double> divisors() {
        return awayFromZero(MIN_DIVISOR, MAX_VALUE);
    }

    /** Two leaves of broadcast-compatible shapes, each in a random memory layout. */
    private static Arbitrary<Tensor[]> operands(Arbitrary<Double> second) {
        return Combinators.combine(broadcastPairs(), layouts(), layouts())
                .flatAs((shapes, aLayout, bLayout) -> Combinators.combine(
                        tensors(shapes[0], values(), aLayout), tensors(shapes[1], second, bLayout))
                        .as((a, b) -> new Tensor[] {a, b}));
    }

    private static void assertMatchesReference(Tensor actual, Tensor[] ab, DoubleBinaryOperator f) {
        double[] expected = Reference.broadcastBinary(ab[0], ab[1], f);
        assertArrayEquals(Shapes.broadcast("test", ab[0].shape(), ab[1].shape()), actual.shape());
        Tolerances.assertClose(expected, actual.toDoubleArray(), 0, 0);
    }
}
