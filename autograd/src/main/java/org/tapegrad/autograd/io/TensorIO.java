package org.tapegrad.autograd.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Tensor;

/**
 * Converts between {@link Tensor}s and NumPy arrays, and saves or loads tensors as {@code .npy} /
 * {@code .npz} files that NumPy and PyTorch ({@code torch.from_numpy(np.load(...))}) read directly.
 *
 * <p>float32 tensors are written as {@code <f4}, float64 as {@code <f8}. Reading converts integer and
 * bool arrays to float64 tensors (integers up to 2^53 are exact).
 */
public final class TensorIO {
    private TensorIO() {
    }

    /** The tensor's values as a NumPy array of the matching float type. */
    public static NpyArray toNpy(Tensor tensor) {
        double[] data = tensor.toDoubleArray();
        return tensor.dtype() == DType.FLOAT32 ? NpyArray.ofFloat32(data, tensor.shape())
                : NpyArray.ofFloat64(data, tensor.shape());
    }

    /** A new tensor holding the array's values: float32 arrays become float32 tensors, all others float64. */
    public static Tensor toTensor(NpyArray array) {
        DType dtype = array.type() == NpyType.FLOAT32 ? DType.FLOAT32 : DType.FLOAT64;
        return Tensor.wrap(array.toDoubleArray(), dtype, array.shape());
    }

    /** Writes one tensor as a {@code .npy} file, atomically. */
    public static void save(Tensor tensor, Path path) throws IOException {
        Npy.write(toNpy(tensor), path);
    }

    /** Reads one tensor from a {@code .npy} file. */
    public static Tensor load(Path path) throws IOException {
        return toTensor(Npy.read(path));
    }

    /** Writes named tensors as an uncompressed {@code .npz} archive, atomically, in map order. */
    public static void saveAll(Map<String, Tensor> tensors, Path path) throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        tensors.forEach((name, tensor) -> arrays.put(name, toNpy(tensor)));
        Npz.write(arrays, path);
    }

    /** Reads every array of a {@code .npz} archive as a tensor, in archive order. */
    public static Map<String, Tensor> loadAll(Path path) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Npz.read(path).forEach((name, array) -> out.put(name, toTensor(array)));
        return out;
    }
}
