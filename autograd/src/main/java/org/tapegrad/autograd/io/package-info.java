/**
 * Reading and writing NumPy's {@code .npy} files ({@link org.tapegrad.autograd.io.Npy}) and
 * {@code .npz} archives ({@link org.tapegrad.autograd.io.Npz}) as immutable
 * {@link org.tapegrad.autograd.io.NpyArray} values.
 *
 * <p>Supported: the types in {@link org.tapegrad.autograd.io.NpyType} (little-endian float32,
 * float64, int32, int64 and bool), C order, format versions 1.0 to 3.0 on read and 1.0 on write.
 * Malformed input is reported as an {@link org.tapegrad.autograd.io.NpyFormatException}; files are
 * written atomically.
 */
package org.tapegrad.autograd.io;
