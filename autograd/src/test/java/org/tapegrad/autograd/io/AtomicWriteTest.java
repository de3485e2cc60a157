package org.tapegrad.autograd.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriteTest {

    private static final NpyArray OLD = NpyArray.ofInt64(new long[] {1, 2, 3}, 3);
    private static final NpyArray NEW = NpyArray.ofFloat64(new double[] {4, 5}, 2, 1);

    @TempDir
    Path directory;

    @Test
    void createsANewFile() throws IOException {
        Path file = directory.resolve("new.npy");

        Npy.write(NEW, file);

        assertEquals(NEW, Npy.read(file));
        assertEquals(List.of("new.npy"), fileNames());
    }

    @Test
    void replacesAnExistingFile() throws IOException {
        Path file = directory.resolve("array.npy");
        Npy.write(OLD, file);

        Npy.write(NEW, file);

        assertEquals(NEW, Npy.read(file));
        assertEquals(List.of("array.npy"), fileNames());
    }

    @Test
    void relativePathsWork() throws IOException {
        Path file = directory.resolve("relative.npy");
        Path relative = Path.of("").toAbsolutePath().relativize(file);

        Npy.write(NEW, relative);

        assertEquals(NEW, Npy.read(file));
    }

    @Test
    void failureWhileWritingLeavesThePreviousFileAndNoTemporaryFile() throws IOException {
        Path file = directory.resolve("array.npy");
        Npy.write(OLD, file);
        byte[] before = Files.readAllBytes(file);

        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(file, out -> {
            out.write(new byte[100_000]);
            throw new IOException("disk full (simulated)");
        }));

        assertEquals("disk full (simulated)", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(List.of("array.npy"), fileNames());
    }

    @Test
    void runtimeFailureWhileWritingAlsoCleansUp() throws IOException {
        Path file = directory.resolve("array.npy");
        Npy.write(OLD, file);

        assertThrows(IllegalStateException.class, () -> AtomicFile.write(file, out -> {
            out.write(1);
            throw new IllegalStateException("bug in the writer (simulated)");
        }));

        assertEquals(OLD, Npy.read(file));
        assertEquals(List.of("array.npy"), fileNames());
    }

    @Test
    void missingDirectoryFailsAndCreatesNothing() {
        Path file = directory.resolve("no-such-directory").resolve("array.npy");

        IOException e = assertThrows(IOException.class, () -> Npy.write(NEW, file));

        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertFalse(Files.exists(file.getParent()));
    }

    @Test
    void failedRenameLeavesNoTemporaryFile() throws IOException {
        // The target is a non-empty directory, so the final rename must fail.
        Path target = directory.resolve("occupied");
        Files.createDirectory(target);
        Files.writeString(target.resolve("keep.txt"), "keep");

        assertThrows(IOException.class, () -> Npy.write(NEW, target));

        assertEquals(List.of("occupied"), fileNames());
        assertEquals("keep", Files.readString(target.resolve("keep.txt")));
    }

    private List<String> fileNames() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
