package org.tapegrad.nn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.io.NpyArray;
import org.tapegrad.autograd.io.Npz;
import org.tapegrad.autograd.io.TensorIO;

/**
 * Converts state dicts to and from NumPy {@code .npz} archives: float32 tensors become {@code <f4}
 * arrays, float64 tensors {@code <f8}, integer buffers {@code <i8}. Reading gives float32 tensors for
 * {@code <f4} arrays and float64 tensors for every other type (integers are exact up to 2^53).
 */
final class StateDictFiles {
    private StateDictFiles() {
    }

    static void write(List<Module.StateEntry> entries, Path path) throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        for (Module.StateEntry entry : entries) {
            arrays.put(entry.key(), toArray(entry));
        }
        Npz.write(arrays, path);
    }

    private static NpyArray toArray(Module.StateEntry entry) {
        Tensor t = entry.tensor();
        if (entry.integer()) {
            double[] values = t.toDoubleArray();
            long[] integers = new long[values.length];
            for (int i = 0; i < values.length; i++) {
                integers[i] = (long) values[i];
                if (integers[i] != values[i]) {
                    throw new IllegalStateException("save: integer buffer '" + entry.key() + "' holds " + values[i]
                            + ", which is not a whole number");
                }
            }
            return NpyArray.ofInt64(integers, t.shape());
        }
        return TensorIO.toNpy(t);
    }

    static Map<String, Tensor> read(Path path) throws IOException {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (Map.Entry<String, NpyArray> entry : Npz.read(path).entrySet()) {
            state.put(entry.getKey(), TensorIO.toTensor(entry.getValue()));
        }
        return state;
    }
}
