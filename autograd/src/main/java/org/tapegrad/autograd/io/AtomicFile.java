package org.tapegrad.autograd.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Writes a file so that readers see either the old content or the complete new content, never a
 * half-written file.
 *
 * <p>The content goes to a new temporary file in the same directory (a hidden name such as
 * {@code .x.npy.<random>.tmp}), which is flushed to the disk and then renamed over the target with
 * {@link StandardCopyOption#ATOMIC_MOVE}. Where the file system cannot rename atomically, it is
 * moved with {@link StandardCopyOption#REPLACE_EXISTING} instead. If anything fails before the
 * rename, the temporary file is deleted and the target is left as it was.
 */
final class AtomicFile {

    /** Writes the content of a file to a stream. */
    @FunctionalInterface
    interface Content {
        /** Writes everything to {@code out}; must not close it. */
        void writeTo(OutputStream out) throws IOException;
    }

    private static final int BUFFER_BYTES = 1 << 16;

    private AtomicFile() {
    }

    /**
     * Replaces (or creates) {@code target} with what {@code content} writes.
     *
     * @throws IOException if the temporary file cannot be created or written, or the rename fails;
     *     the target is then unchanged and no temporary file is left behind
     */
    static void write(Path target, Content content) throws IOException {
        Path absoluteTarget = target.toAbsolutePath();
        Path directory = absoluteTarget.getParent();
        Path temporary = directory.resolve("." + absoluteTarget.getFileName() + "." + UUID.randomUUID() + ".tmp");
        FileChannel channel;
        try {
            // CREATE_NEW, unlike Files.createTempFile, gives the file the usual permissions (umask).
            channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": cannot create a temporary file in "
                    + directory + " (" + e + ")", e);
        }
        try {
            try (channel; OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES)) {
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            moveIntoPlace(temporary, absoluteTarget);
        } catch (Throwable failure) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException deleteFailure) {
                failure.addSuppressed(deleteFailure);
            }
            throw failure;
        }
    }

    private static void moveIntoPlace(Path temporary, Path target) throws IOException {
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
