package org.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.io.NpyArray;
import org.tapegrad.autograd.io.NpyType;
import org.tapegrad.autograd.io.Npz;
import org.tapegrad.nn.TestModules.Affine;

class StateDictTest {
    @TempDir
    Path directory;

    private static Sequential model(double offset) {
        return new Sequential(new Affine(new double[] {1 + offset, 2 + offset}, new double[] {3 + offset, 4 + offset}),
                new ReLU(), new Affine(new double[] {5 + offset}, new double[] {6 + offset}));
    }

    private static Map<String, Tensor> copyOf(Map<String, Tensor> state) {
        Map<String, Tensor> copy = new LinkedHashMap<>();
        state.forEach((k, v) -> copy.put(k, v.copy()));
        return copy;
    }

    @Test
    void loadStateDictCopiesValuesIntoTheModule() {
        Sequential source = model(0.5);
        Sequential target = model(0);

        LoadResult result = target.loadStateDict(copyOf(source.stateDict()), true);

        assertTrue(result.isClean());
        source.stateDict().forEach((k, v) -> assertArrayEquals(v.toDoubleArray(),
                target.stateDict().get(k).toDoubleArray(), k));
        assertTrue(target.parameters().stream().allMatch(p -> p.requiresGrad() && p.isLeaf()));
    }

    @Test
    void loadingConvertsTheElementTypeToTheModules() {
        Affine target = new Affine(1);
        Map<String, Tensor> state = copyOf(target.stateDict());
        state.put("scale", Tensor.of(DType.FLOAT32, new double[] {0.1}, 1));

        target.loadStateDict(state, true);

        assertEquals(DType.FLOAT64, target.scale.dtype());
        assertEquals((double) 0.1f, target.scale.get(0));
    }

    @Test
    void strictLoadListsEveryMissingUnexpectedAndMismatchedKeyInOneMessage() {
        Sequential target = model(0);
        Map<String, Tensor> state = copyOf(model(10).stateDict());
        state.remove("0.shift");
        state.remove("2.calls");
        state.put("1.weight", Tensor.zeros(DType.FLOAT64, 2));
        state.put("0.scale", Tensor.zeros(DType.FLOAT64, 3));
        state.put("2.scale", Tensor.zeros(DType.FLOAT64, 1, 1));

        String message = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(state, true))
                .getMessage();

        assertEquals("Error(s) in loading state_dict for Sequential:\n"
                + "\tMissing key(s) in state_dict: \"0.shift\", \"2.calls\".\n"
                + "\tUnexpected key(s) in state_dict: \"1.weight\".\n"
                + "\tsize mismatch for 0.scale: copying a param with shape [3] from checkpoint, the shape in current "
                + "model is [2].\n"
                + "\tsize mismatch for 2.scale: copying a param with shape [1, 1] from checkpoint, the shape in "
                + "current model is [1].", message);
        // Nothing was loaded, not even the keys that matched.
        assertArrayEquals(new double[] {6}, target.namedParameters().get("2.shift").toDoubleArray());
    }

    @Test
    void nonStrictLoadLoadsWhatMatchesAndReportsTheRest() {
        Sequential source = model(10);
        Sequential target = model(0);
        Map<String, Tensor> state = copyOf(source.stateDict());
        state.remove("0.shift");
        state.put("extra", Tensor.zeros(DType.FLOAT64, 1));
        state.put("2.scale", Tensor.zeros(DType.FLOAT64, 4));

        LoadResult result = target.loadStateDict(state, false);

        assertEquals(List.of("0.shift"), result.missingKeys());
        assertEquals(List.of("extra"), result.unexpectedKeys());
        assertEquals(List.of(new LoadResult.ShapeMismatch("2.scale", List.of(4), List.of(1))), result.shapeMismatches());
        assertArrayEquals(new double[] {11, 12}, target.namedParameters().get("0.scale").toDoubleArray());
        assertArrayEquals(new double[] {3, 4}, target.namedParameters().get("0.shift").toDoubleArray());
        assertArrayEquals(new double[] {5}, target.namedParameters().get("2.scale").toDoubleArray());
        assertArrayEquals(new double[] {16}, target.namedParameters().get("2.shift").toDoubleArray());
    }

    // ------------------------------------------------------------------ files

    @Test
    void saveThenLoadRoundTripsExactly() throws IOException {
        Sequential source = model(0.1);
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            source.namedBuffers().get("0.calls").fill(7);
        }
        Path file = directory.resolve("model.npz");
        source.save(file);
        Sequential target = model(0);

        target.load(file);

        source.stateDict().forEach((k, v) -> assertArrayEquals(v.toDoubleArray(),
                target.stateDict().get(k).toDoubleArray(), 0.0, k));
    }

    @Test
    void savedFileHoldsOneArrayPerKeyWithIntegerBuffersAsInt64() throws IOException {
        Sequential source = model(0);
        Path file = directory.resolve("model.npz");

        source.save(file);
        Map<String, NpyArray> arrays = Npz.read(file);

        assertEquals(List.copyOf(source.stateDict().keySet()), List.copyOf(arrays.keySet()));
        assertEquals(NpyType.FLOAT64, arrays.get("0.scale").type());
        assertArrayEquals(new int[] {2}, arrays.get("0.scale").shape());
        assertEquals(NpyType.INT64, arrays.get("0.calls").type());
        assertArrayEquals(new int[0], arrays.get("0.calls").shape());
    }

    @Test
    void loadingAFileWithOtherKeysFailsNamingTheFileAndTheKeys() throws IOException {
        Path file = directory.resolve("other.npz");
        new Sequential(new Affine(1)).save(file);
        Sequential target = model(0);

        String message = assertThrows(IllegalArgumentException.class, () -> target.load(file)).getMessage();

        assertTrue(message.startsWith("Error(s) in loading state_dict for Sequential from " + file + ":\n"), message);
        assertTrue(message.contains("Missing key(s) in state_dict: \"2.scale\", \"2.shift\", \"2.calls\"."), message);
        assertTrue(message.contains("size mismatch for 0.scale: copying a param with shape [1] from checkpoint, "
                + "the shape in current model is [2]."), message);
    }

    @Test
    void corruptFileGivesAnIOExceptionNamingTheFile() throws IOException {
        Path file = directory.resolve("corrupt.npz");
        Files.writeString(file, "this is not a zip archive");

        IOException e = assertThrows(IOException.class, () -> model(0).load(file));

        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not a valid .npz"), e.getMessage());
    }

    @Test
    void truncatedFileGivesAnIOExceptionNamingTheFile() throws IOException {
        Path file = directory.resolve("truncated.npz");
        model(0).save(file);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));

        IOException e = assertThrows(IOException.class, () -> model(0).load(file));

        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void missingFileGivesAnIOExceptionNamingTheFile() {
        Path file = directory.resolve("absent.npz");

        IOException e = assertThrows(IOException.class, () -> model(0).load(file));

        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void aFailedSaveLeavesThePreviousFileIntact() throws IOException {
        Path file = directory.resolve("model.npz");
        model(0).save(file);
        byte[] before = Files.readAllBytes(file);
        Sequential broken = model(1);
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            broken.namedBuffers().get("0.calls").fill(0.5); // not a whole number: cannot be written as int64
        }

        String message = assertThrows(IllegalStateException.class, () -> broken.save(file)).getMessage();

        assertEquals("save: integer buffer '0.calls' holds 0.5, which is not a whole number", message);
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(List.of(file), files.toList());
        }
    }
}
