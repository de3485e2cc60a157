package org.tapegrad.autograd.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapegrad.autograd.io.NpyBytes.ARANGE_6_F8;
import static org.tapegrad.autograd.io.NpyBytes.npyFile;
import static org.tapegrad.autograd.io.NpyMalformedInputTest.assertMessageContains;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzTest {

    private static final byte[] ARANGE_NPY =
            npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", ARANGE_6_F8);
    private static final NpyArray ARANGE = NpyArray.ofFloat64(new double[] {0, 1, 2, 3, 4, 5}, 2, 3);

    @TempDir
    Path directory;

    @Test
    void storedArchiveRoundTripsEveryTypeInOrder() throws IOException {
        Path file = directory.resolve("arrays.npz");
        Map<String, NpyArray> arrays = sampleArrays();

        Npz.write(arrays, file);
        Map<String, NpyArray> read = Npz.read(file);

        assertEquals(arrays, read);
        assertEquals(List.copyOf(arrays.keySet()), List.copyOf(read.keySet()));
        assertEquals(List.of(ZipEntry.STORED), entryMethods(file));
    }

    @Test
    void compressedArchiveRoundTrips() throws IOException {
        Path file = directory.resolve("arrays.npz");
        Map<String, NpyArray> arrays = sampleArrays();

        Npz.writeCompressed(arrays, file);

        assertEquals(arrays, Npz.read(file));
        assertEquals(List.of(ZipEntry.DEFLATED), entryMethods(file));
    }

    @Test
    void entriesAreNumpysNpyBytesNamedKeyDotNpy() throws IOException {
        Path file = directory.resolve("one.npz");

        Npz.write(Map.of("x", ARANGE), file);

        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = zip.getEntry("x.npy");
            byte[] content = zip.getInputStream(entry).readAllBytes();
            assertEquals(128 + 48, content.length);
            assertArrayEquals(NpyBytes.toBytes(ARANGE), content);
        }
    }

    @Test
    void readsHandBuiltArchiveWithStoredAndDeflatedEntries() throws IOException {
        Path file = directory.resolve("mixed.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            addEntry(zip, "b.npy", ARANGE_NPY, ZipEntry.STORED);
            addEntry(zip, "a.npy", ARANGE_NPY, ZipEntry.DEFLATED);
        }

        Map<String, NpyArray> read = Npz.read(file);

        assertEquals(List.of("b", "a"), List.copyOf(read.keySet()));
        assertEquals(ARANGE, read.get("a"));
        assertEquals(ARANGE, read.get("b"));
    }

    @Test
    void writingTheSameArraysTwiceGivesIdenticalFiles() throws IOException {
        Path first = directory.resolve("first.npz");
        Path second = directory.resolve("second.npz");

        Npz.write(sampleArrays(), first);
        Npz.write(sampleArrays(), second);

        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
    }

    @Test
    void emptyArchiveRoundTrips() throws IOException {
        Path file = directory.resolve("empty.npz");

        Npz.write(Map.of(), file);

        assertEquals(Map.of(), Npz.read(file));
    }

    @Test
    void notAZipFile() throws IOException {
        Path file = directory.resolve("garbage.npz");
        Files.writeString(file, "this is not a zip archive at all");

        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(file));
        assertMessageContains(e, "file " + file, "zip");
    }

    @Test
    void truncatedZipFile() throws IOException {
        Path file = directory.resolve("cut.npz");
        Npz.write(sampleArrays(), file);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));

        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(file));
        assertMessageContains(e, "file " + file, "zip");
    }

    @Test
    void corruptedEntryDataFailsTheChecksum() throws IOException {
        Path file = directory.resolve("flipped.npz");
        Npz.write(Map.of("x", ARANGE), file);
        byte[] bytes = Files.readAllBytes(file);
        int dataStart = indexOf(bytes, ARANGE_6_F8);
        bytes[dataStart + 20] ^= 0x01;
        Files.write(file, bytes);

        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(file));
        assertMessageContains(e, "file " + file, "entry 'x.npy'", "CRC");
    }

    @Test
    void badNpyEntryNamesFileAndEntry() throws IOException {
        Path file = directory.resolve("bad-entry.npz");
        byte[] badMagic = ARANGE_NPY.clone();
        badMagic[0] = 0;
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            addEntry(zip, "good.npy", ARANGE_NPY, ZipEntry.STORED);
            addEntry(zip, "bad.npy", badMagic, ZipEntry.DEFLATED);
        }

        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(file));
        assertMessageContains(e, "file " + file, "entry 'bad.npy'", "magic");
    }

    @Test
    void entryThatIsNotNpyIsRejected() throws IOException {
        Path file = directory.resolve("text.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            addEntry(zip, "notes.txt", "hello".getBytes(), ZipEntry.STORED);
        }

        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(file));
        assertMessageContains(e, "entry 'notes.txt'", "does not end in .npy");
    }

    @Test
    void missingFileIsAnIOException() {
        assertThrows(IOException.class, () -> Npz.read(directory.resolve("missing.npz")));
    }

    @Test
    void failureInTheMiddleOfAnArchiveLeavesThePreviousFile() throws IOException {
        Path file = directory.resolve("arrays.npz");
        Npz.write(Map.of("old", ARANGE), file);
        byte[] before = Files.readAllBytes(file);

        assertThrows(IllegalStateException.class, () -> Npz.write(new FailingMap(), file));

        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(List.of("arrays.npz"), fileNames());
    }

    @Test
    void missingDirectoryFails() {
        Path file = directory.resolve("absent").resolve("arrays.npz");

        assertThrows(IOException.class, () -> Npz.write(sampleArrays(), file));
    }

    @Test
    void nullKeysAndArraysAreRejectedBeforeWriting() {
        Map<String, NpyArray> withNull = new LinkedHashMap<>();
        withNull.put("a", null);
        Path file = directory.resolve("null.npz");

        assertThrows(NullPointerException.class, () -> Npz.write(withNull, file));
        assertTrue(Files.notExists(file));
    }

    private static Map<String, NpyArray> sampleArrays() {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("z_float64", ARANGE);
        arrays.put("a_float32", NpyArray.ofFloat32(new double[] {0.1, -2}, 2));
        arrays.put("m_int32", NpyArray.ofInt32(new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE}, 3, 1));
        arrays.put("int64_scalar", NpyArray.ofInt64(new long[] {Long.MIN_VALUE}));
        arrays.put("bool", NpyArray.ofBool(new boolean[] {true, false}, 1, 2));
        arrays.put("empty", NpyArray.ofFloat64(new double[0], 0, 3));
        return arrays;
    }

    private static void addEntry(ZipOutputStream zip, String name, byte[] content, int method) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(method);
        if (method == ZipEntry.STORED) {
            CRC32 crc = new CRC32();
            crc.update(content);
            entry.setSize(content.length);
            entry.setCompressedSize(content.length);
            entry.setCrc(crc.getValue());
        }
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
    }

    private static List<Integer> entryMethods(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return zip.stream().map(ZipEntry::getMethod).distinct().collect(Collectors.toList());
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("bytes not found");
    }

    private List<String> fileNames() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    /** A map whose iteration yields one array, then fails: a failure halfway through writing an archive. */
    private static final class FailingMap extends AbstractMap<String, NpyArray> {
        private int iterations;

        @Override
        public Set<Entry<String, NpyArray>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, NpyArray>> iterator() {
                    // The first pass (the null check) sees a normal map; the writing pass fails after one entry.
                    boolean failAfterFirst = iterations++ > 0;
                    return new Iterator<>() {
                        private int index;

                        @Override
                        public boolean hasNext() {
                            return index < 2;
                        }

                        @Override
                        public Entry<String, NpyArray> next() {
                            if (index++ == 1 && failAfterFirst) {
                                throw new IllegalStateException("failure in the middle of the archive (simulated)");
                            }
                            return Map.entry("entry" + index, ARANGE);
                        }
                    };
                }

                @Override
                public int size() {
                    return 2;
                }
            };
        }
    }
}
