package org.tapegrad.autograd.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Reads and writes single arrays in NumPy's {@code .npy} format.
 *
 * <p>A {@code .npy} file is the 6-byte magic string {@code \x93NUMPY}, a two-byte format version,
 * a little-endian header length (2 bytes in version 1.0, 4 bytes in 2.0 and 3.0), a header that is a
 * Python dict literal such as {@code {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }}
 * padded with spaces and a newline to a multiple of 64 bytes, and then the elements in C order,
 * little-endian.
 *
 * <p>Reading accepts format versions 1.0, 2.0 and 3.0, the types in {@link NpyType}, and C order
 * only. Writing produces version 1.0 with a header byte-identical to the one NumPy writes for the
 * same array. Every problem with the bytes is reported as an {@link NpyFormatException} whose
 * message says what is wrong and where; a hostile header cannot make the reader allocate more memory
 * than the data that is actually present (headers are limited to 1 MiB).
 *
 * <p>This class only has static methods.
 */
public final class Npy {

    private Npy() {
    }

    /**
     * Reads one array from a stream that holds exactly one {@code .npy} file. The stream is read to
     * its end (bytes after the array are an error) and is not closed.
     *
     * @param in the stream to read; not closed
     * @return the array
     * @throws NpyFormatException if the bytes are not a supported {@code .npy} file: wrong magic
     *     string, unsupported version, header too long or malformed, unsupported dtype, Fortran
     *     order, a shape with too many elements, or data shorter or longer than the shape needs
     * @throws IOException if reading the stream fails
     * @throws NullPointerException if {@code in} is null
     */
    public static NpyArray read(InputStream in) throws IOException {
        Objects.requireNonNull(in, "in");
        return NpyReader.read(in, "input stream", -1);
    }

    /**
     * Reads one array from a {@code .npy} file. The file's size is checked against the header
     * before the data is read, so a corrupt header fails fast.
     *
     * @param path the file to read; not modified
     * @return the array
     * @throws NpyFormatException if the file is not a supported {@code .npy} file (see
     *     {@link #read(InputStream)}); the message names the file
     * @throws IOException if the file cannot be opened or read
     * @throws NullPointerException if {@code path} is null
     */
    public static NpyArray read(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
             InputStream in = Channels.newInputStream(channel)) {
            return NpyReader.read(in, "file " + path, channel.size());
        }
    }

    /**
     * Writes an array to a stream in the {@code .npy} format, version 1.0. The stream is flushed but
     * not closed.
     *
     * @param array the array to write
     * @param out the stream to write to; not closed
     * @throws IOException if writing to the stream fails
     * @throws NullPointerException if an argument is null
     */
    public static void write(NpyArray array, OutputStream out) throws IOException {
        Objects.requireNonNull(array, "array");
        Objects.requireNonNull(out, "out");
        NpyWriter.write(array, out);
        out.flush();
    }

    /**
     * Writes an array to a {@code .npy} file, format version 1.0, replacing the file if it exists.
     * The write is atomic: the data goes to a temporary file in the same directory, which is then
     * renamed over {@code path}. If anything fails, {@code path} keeps its previous content (or still
     * does not exist) and the temporary file is deleted.
     *
     * @param array the array to write
     * @param path the file to create or replace; its directory must exist
     * @throws IOException if the file cannot be written, e.g. the directory does not exist
     * @throws NullPointerException if an argument is null
     */
    public static void write(NpyArray array, Path path) throws IOException {
        Objects.requireNonNull(array, "array");
        AtomicFile.write(path, out -> NpyWriter.write(array, out));
    }
}
