package org.tapegrad.autograd.io;

import java.io.IOException;

/**
 * Thrown when bytes that should hold a NumPy {@code .npy} file or {@code .npz} archive do not: a
 * wrong magic string, an unsupported version or dtype, a malformed header, data of the wrong length,
 * a corrupt zip archive. The message says what is wrong and, when reading a file, which file (and
 * which archive entry).
 *
 * <p>Other {@link IOException}s thrown by this package are ordinary input/output failures, such as
 * a missing file or a full disk.
 */
public final class NpyFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with the given message.
     *
     * @param message what is wrong, including where
     */
    public NpyFormatException(String message) {
        super(message);
    }

    /**
     * Creates an exception with the given message and cause.
     *
     * @param message what is wrong, including where
     * @param cause the lower-level exception that revealed the problem
     */
    public NpyFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
