package org.tapegrad.autograd;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.tapegrad.autograd.ops.Matmul;

/**
 * Every kind of bad input is refused with an exception whose message names the operation and the
 * shapes or values involved (never an ArrayIndexOutOfBoundsException or a silent wrong answer).
 */
class BadInputMessagesTest {

    private static Tensor t(int... shape) {
        return Tensor.zeros(DType.FLOAT64, shape);
    }

    /** Runs {@code bad}, expects {@code type}, and checks that its message contains every fragment. */
    private static <E extends Throwable> void assertRefused(Class<E> type, Executable bad, String... fragments) {
        E e = assertThrows(type, bad);
        assertTrue(!(e instanceof ArrayIndexOutOfBoundsException), "an internal index error escaped: " + e);
        String message = e.getMessage();
        for (String fragment : fragments) {
            assertTrue(message != null && message.contains(fragment),
                    "message should contain \"" + fragment + "\" but was: " + message);
        }
    }

    // ------------------------------------------------------------------ shape mismatches

    @Test
    void binaryOpsWhoseShapesDoNotBroadcastNameTheOpAndBothShapes() {
        assertRefused(ShapeException.class, () -> t(2, 3).add(t(4)), "add:", "[2, 3]", "[4]", "cannot be broadcast");
        assertRefused(ShapeException.class, () -> t(2, 3).sub(t(3, 2)), "sub:", "[2, 3]", "[3, 2]");
        assertRefused(ShapeException.class, () -> t(5).mul(t(4)), "mul:", "[5]", "[4]");
        assertRefused(ShapeException.class, () -> t(2, 1, 3).div(t(2, 2)), "div:", "[2, 1, 3]", "[2, 2]");
    }

    @Test
    void matmulWithMismatchedInnerDimensionsNamesBothShapesAndSizes() {
        assertRefused(ShapeException.class, () -> t(2, 3).matmul(t(4, 5)), "matmul:", "[2, 3]", "[4, 5]", "3 != 4");
        assertRefused(ShapeException.class, () -> t(3).matmul(t(2)), "matmul:", "[3]", "[2]", "3 != 2");
        assertRefused(ShapeException.class, () -> t(2, 2, 3).matmul(t(2)), "matmul:", "[2, 2, 3]", "[2]");
        assertRefused(ShapeException.class, () -> t().matmul(t(2)), "matmul:", "at least 1D", "[]", "[2]");
    }

    @Test
    void matmulWithBatchDimensionsThatDoNotBroadcastNamesBothShapes() {
        assertRefused(ShapeException.class, () -> t(2, 3, 4).matmul(t(3, 4, 5)), "matmul:", "[2, 3, 4]",
                "[3, 4, 5]");
    }

    @Test
    void linearWithMismatchedShapesNamesInputAndWeightShapes() {
        assertRefused(ShapeException.class, () -> Matmul.linear(t(2, 3), t(4, 5), null), "linear:", "[2, 3]",
                "[4, 5]", "3 != 5");
        assertRefused(ShapeException.class, () -> Matmul.linear(t(2, 5), t(4, 5), t(3)), "linear:", "bias",
                "[4]", "[3]");
        assertRefused(ShapeException.class, () -> Matmul.linear(t(2, 5), t(5), null), "linear:", "2-D", "[5]");
    }

    @Test
    void catWithMismatchedSizesNamesTheDimensionAndShapes() {
        assertRefused(ShapeException.class, () -> Tensor.cat(List.of(t(2, 3), t(2, 4)), 0), "cat:", "dimension 0",
                "[2, 3]", "[2, 4]");
        assertRefused(ShapeException.class, () -> Tensor.cat(List.of(t(2, 3), t(3)), 0), "cat:", "[3]");
        assertRefused(IllegalArgumentException.class, () -> Tensor.cat(List.of(), 0), "cat:", "non-empty");
    }

    @Test
    void stackWithMismatchedShapesNamesBothShapes() {
        assertRefused(ShapeException.class, () -> Tensor.stack(List.of(t(2, 3), t(2, 3), t(3, 2)), 0), "stack:",
                "[2, 3]", "[3, 2]", "entry 2");
    }

    @Test
    void expandToAnIncompatibleShapeNamesTargetAndTensorSizes() {
        assertRefused(ShapeException.class, () -> t(2, 3).expand(2, 5), "expand:", "[2, 5]", "[2, 3]");
        assertRefused(ShapeException.class, () -> t(2, 3).expand(3), "expand:", "[3]", "[2, 3]");
    }

    // ------------------------------------------------------------------ dimensions out of range

    @Test
    void dimensionOutOfRangeNamesTheOpTheDimensionAndTheValidRange() {
        Tensor x = t(2, 3);
        assertRefused(IndexOutOfBoundsException.class, () -> x.sum(2, false), "sum:", "[-2, 1]", "got 2");
        assertRefused(IndexOutOfBoundsException.class, () -> x.mean(-3, false), "mean:", "got -3");
        assertRefused(IndexOutOfBoundsException.class, () -> x.softmax(2), "softmax:", "[-2, 1]", "got 2");
        assertRefused(IndexOutOfBoundsException.class, () -> x.logSoftmax(-3), "logSoftmax:", "got -3");
        assertRefused(IndexOutOfBoundsException.class, () -> x.transpose(0, 2), "transpose:", "got 2");
        assertRefused(IndexOutOfBoundsException.class, () -> x.squeeze(5), "squeeze:", "got 5");
        assertRefused(IndexOutOfBoundsException.class, () -> x.unsqueeze(3), "unsqueeze:", "[-3, 2]", "got 3");
        assertRefused(IndexOutOfBoundsException.class, () -> x.max(2, false), "max:", "got 2");
        assertRefused(IndexOutOfBoundsException.class, () -> x.narrow(2, 0, 1), "narrow:", "got 2");
        assertRefused(IndexOutOfBoundsException.class, () -> x.size(2), "size:", "got 2");
    }

    @Test
    void zeroDimensionalTensorsHaveNoDimensionToIndexOrNarrow() {
        Tensor s = t();
        assertRefused(IndexOutOfBoundsException.class, () -> s.size(0), "size:", "no dimensions");
        assertRefused(IllegalArgumentException.class, () -> s.narrow(0, 0, 1), "narrow:", "0-d");
        assertRefused(IndexOutOfBoundsException.class, () -> s.sum(1, false), "sum:", "got 1");
    }

    @Test
    void narrowPastTheEndNamesStartLengthAndSize() {
        assertRefused(IndexOutOfBoundsException.class, () -> t(2, 3).narrow(1, 2, 2), "narrow:", "start (2)",
                "length (2)", "size 3");
    }

    // ------------------------------------------------------------------ invalid reshapes

    @Test
    void reshapeToTheWrongNumberOfElementsNamesTheShapeAndTheSize() {
        assertRefused(ShapeException.class, () -> t(2, 3).reshape(4, 2), "reshape:", "[4, 2]", "size 6", "[2, 3]");
        assertRefused(ShapeException.class, () -> t(2, 3).view(7), "view:", "[7]", "size 6");
        assertRefused(ShapeException.class, () -> t(2, 3).reshape(-1, 4), "reshape:", "[-1, 4]", "size 6");
    }

    @Test
    void reshapeWithTwoInferredDimensionsIsRefused() {
        assertRefused(ShapeException.class, () -> t(2, 3).reshape(-1, -1), "reshape:", "only one dimension",
                "[-1, -1]");
        assertRefused(ShapeException.class, () -> t(2, 3).reshape(-2, 3), "reshape:", "-2");
    }

    @Test
    void reducingOverTheSameDimensionTwiceIsRefused() {
        assertRefused(IllegalArgumentException.class, () -> t(2, 3).sum(new int[] {1, -1}, false), "sum:",
                "dim 1 appears multiple times", "[1, -1]");
    }

    @Test
    void permuteWithAWrongOrderIsRefused() {
        assertRefused(ShapeException.class, () -> t(2, 3).permute(0), "permute:", "[2, 3]", "[0]");
        assertRefused(IllegalArgumentException.class, () -> t(2, 3).permute(0, 0), "permute:", "multiple times");
    }

    // ------------------------------------------------------------------ dtype mixes

    @Test
    void mixingFloat32AndFloat64NamesBothTypesAndShapes() {
        Tensor f = Tensor.zeros(DType.FLOAT32, 2);
        Tensor d = Tensor.zeros(DType.FLOAT64, 2);
        assertRefused(IllegalArgumentException.class, () -> f.add(d), "add:", "float32 [2]", "float64 [2]", "to(dtype)");
        assertRefused(IllegalArgumentException.class, () -> d.mul(f), "mul:", "float64", "float32");
        assertRefused(IllegalArgumentException.class, () -> Tensor.zeros(DType.FLOAT32, 2, 2).matmul(
                Tensor.zeros(DType.FLOAT64, 2, 2)), "matmul:", "float32 [2, 2]", "float64 [2, 2]");
        assertRefused(IllegalArgumentException.class, () -> Tensor.cat(List.of(f, d), 0), "cat:", "float32",
                "float64", "position 1");
        assertRefused(IllegalArgumentException.class, () -> Matmul.linear(t(2), Tensor.zeros(DType.FLOAT32, 3, 2),
                null), "linear:", "float64", "float32");
    }

    // ------------------------------------------------------------------ values

    @Test
    void itemOnAMultiElementTensorNamesTheCountAndShape() {
        assertRefused(IllegalStateException.class, () -> t(2, 3).item(), "item:", "6 elements", "[2, 3]");
    }

    @Test
    void negativeSizesAndCorrectionsAreRefused() {
        assertRefused(IllegalArgumentException.class, () -> Tensor.zeros(2, -1), "full:", "negative size -1",
                "[2, -1]");
        assertRefused(IllegalArgumentException.class, () -> t(3).var(null, -1, false), "var:", "correction", "-1");
    }

    @Test
    void getWithABadIndexNamesTheIndexAndTheDimension() {
        assertRefused(IndexOutOfBoundsException.class, () -> t(2, 3).get(1, 3), "get:", "index 3", "dimension 1",
                "size 3");
        assertRefused(IllegalArgumentException.class, () -> t(2, 3).get(1), "get:", "1 indices", "[2, 3]");
    }

    // ------------------------------------------------------------------ backward misuse

    @Test
    void backwardMisuseNamesWhatIsWrong() {
        Tensor x = t(3).requiresGrad(true);
        assertRefused(IllegalArgumentException.class, () -> x.mul(2).backward(), "backward:", "scalar outputs",
                "[3]");
        assertRefused(ShapeException.class, () -> x.mul(2).backward(t(1)), "backward:", "[1]", "[3]");
        assertRefused(IllegalStateException.class, () -> t(3).sum().backward(), "backward:",
                "does not require grad");
        assertRefused(IllegalStateException.class, () -> t(3).retainGrad(), "retainGrad:");
        assertRefused(IllegalStateException.class, () -> t(3).registerHook(g -> g), "registerHook:");
        assertRefused(ShapeException.class, () -> x.setGrad(t(2)), "setGrad:", "[2]", "[3]");
    }

    @Test
    void writingInPlaceIntoAnExpandedViewIsRefused() {
        Tensor expanded = Tensor.zeros(DType.FLOAT64, 1, 3).expand(4, 3);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> expanded.fill(1.0));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("fill")
                && e.getMessage().contains("[4, 3]") && e.getMessage().contains("single memory location"),
                e.getMessage());
    }

    @Test
    void aGradientOfAnotherDtypeIsRefused() {
        Tensor x = Tensor.zeros(DType.FLOAT64, 2);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> x.setGrad(Tensor.zeros(DType.FLOAT32, 2)));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("float32")
                && e.getMessage().contains("float64"), e.getMessage());
    }
}
