package org.tapegrad.examples.conformance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.io.NpyArray;
import org.tapegrad.autograd.io.Npz;
import org.tapegrad.autograd.io.TensorIO;

/**
 * One reference case exported from PyTorch: a name, whose prefix says what to compute, and named
 * arrays holding the inputs and the expected results. This class is immutable.
 */
public final class ReferenceCase {
    private final String name;
    private final Map<String, NpyArray> arrays;

    public ReferenceCase(String name, Map<String, NpyArray> arrays) {
        this.name = name;
        this.arrays = Map.copyOf(arrays);
    }

    /** Reads a case from an {@code .npz} file; the case name is the file name without extension. */
    public static ReferenceCase read(Path file) throws IOException {
        String fileName = file.getFileName().toString();
        String caseName = fileName.endsWith(".npz") ? fileName.substring(0, fileName.length() - 4) : fileName;
        return new ReferenceCase(caseName, Npz.read(file));
    }

    public String name() {
        return name;
    }

    public Set<String> keys() {
        return arrays.keySet();
    }

    public boolean has(String key) {
        return arrays.containsKey(key);
    }

    /** The raw array; an error naming the case and the key when it is missing. */
    public NpyArray array(String key) {
        NpyArray a = arrays.get(key);
        if (a == null) {
            throw new IllegalArgumentException("case " + name + ": no array named '" + key + "' (has " + keys() + ")");
        }
        return a;
    }

    /** The array as a float64 tensor (a fresh leaf). */
    public Tensor tensor(String key) {
        return tensor(key, DType.FLOAT64);
    }

    /** The array as a tensor of {@code dtype} (values rounded to it). */
    public Tensor tensor(String key, DType dtype) {
        return TensorIO.toTensor(array(key)).to(dtype).detach();
    }

    /** A 0-d (or single-element) array as a double. */
    public double scalar(String key) {
        double[] values = array(key).toDoubleArray();
        if (values.length != 1) {
            throw new IllegalArgumentException("case " + name + ": '" + key + "' has " + values.length
                    + " elements, expected one");
        }
        return values[0];
    }

    /** A 0-d array as an int. */
    public int integer(String key) {
        return (int) scalar(key);
    }

    /** A flag stored as a 0-d array (nonzero means true). */
    public boolean flag(String key) {
        return scalar(key) != 0;
    }

    /** A small integer array, such as a (height, width) pair. */
    public int[] ints(String key) {
        double[] values = array(key).toDoubleArray();
        int[] out = new int[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) values[i];
        }
        return out;
    }
}
