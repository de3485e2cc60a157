package org.tapegrad.autograd.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes NumPy's {@code .npz} archives: zip files holding one {@code .npy} file per array,
 * named {@code <key>.npy}, as written by {@code np.savez} (entries stored uncompressed) and
 * {@code np.savez_compressed} (entries deflated).
 *
 * <p>Reading accepts stored and deflated entries, checks each entry's CRC-32, and reports every
 * problem as an {@link NpyFormatException} naming the archive and the entry. Writing is atomic, as
 * for {@link Npy#write(NpyArray, Path)}: a failure leaves the previous file untouched. Entries get
 * a fixed timestamp (1980-01-01), so writing the same arrays twice gives identical files.
 *
 * <p>This class only has static methods.
 */
public final class Npz {

    private static final String NPY_SUFFIX = ".npy";

    /** The earliest time a zip entry can hold; used for every entry so that archives are reproducible. */
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private Npz() {
    }

    /**
     * Reads every array in a {@code .npz} archive.
     *
     * @param path the archive to read; not modified
     * @return a new, modifiable map from key (entry name without {@code .npy}) to array, in the order
     *     the entries appear in the archive
     * @throws NpyFormatException if the file is not a valid zip archive, an entry's name does not end
     *     in {@code .npy}, two entries give the same key, an entry is corrupt (CRC mismatch) or an
     *     entry is not a supported {@code .npy} file; the message names the file and the entry
     * @throws IOException if the file cannot be opened or read
     * @throws NullPointerException if {@code path} is null
     */
    public static Map<String, NpyArray> read(Path path) throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (ZipException e) {
            throw new NpyFormatException("file " + path + ": not a valid .npz (zip) archive: " + e.getMessage(), e);
        }
        try (zip) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String source = "file " + path + ", entry '" + entry.getName() + "'";
                String name = entry.getName();
                if (!name.endsWith(NPY_SUFFIX)) {
                    throw new NpyFormatException(source + ": the entry name does not end in .npy");
                }
                String key = name.substring(0, name.length() - NPY_SUFFIX.length());
                if (arrays.containsKey(key)) {
                    throw new NpyFormatException(source + ": the archive has more than one entry for key '" + key + "'");
                }
                arrays.put(key, readEntry(zip, entry, source));
            }
        }
        return arrays;
    }

    private static NpyArray readEntry(ZipFile zip, ZipEntry entry, String source) throws IOException {
        CRC32 checksum = new CRC32();
        try (InputStream in = new CheckedInputStream(zip.getInputStream(entry), checksum)) {
            NpyArray array = NpyReader.read(in, source, -1);
            // The reader has read the entry to its end, so the checksum covers all of it.
            if (entry.getCrc() != -1 && checksum.getValue() != entry.getCrc()) {
                throw new NpyFormatException(source + ": corrupt zip entry: CRC-32 is "
                        + Long.toHexString(checksum.getValue()) + " but the archive says "
                        + Long.toHexString(entry.getCrc()));
            }
            return array;
        } catch (NpyFormatException e) {
            throw e;
        } catch (ZipException e) {
            throw new NpyFormatException(source + ": corrupt zip entry: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes arrays to a {@code .npz} archive with uncompressed (stored) entries, like
     * {@code np.savez}, replacing the file if it exists. Each array becomes the entry
     * {@code <key>.npy}, in the map's iteration order. The write is atomic: if anything fails,
     * {@code path} keeps its previous content and no temporary file is left behind.
     *
     * @param arrays the arrays by key; not modified
     * @param path the file to create or replace; its directory must exist
     * @throws IOException if the file cannot be written
     * @throws NullPointerException if an argument, a key or an array is null
     */
    public static void write(Map<String, NpyArray> arrays, Path path) throws IOException {
        checkNoNulls(arrays);
        AtomicFile.write(path, out -> writeEntries(arrays, out, false));
    }

    /**
     * Writes arrays to a {@code .npz} archive with deflated entries, like
     * {@code np.savez_compressed}; otherwise the same as {@link #write(Map, Path)}.
     *
     * @param arrays the arrays by key; not modified
     * @param path the file to create or replace; its directory must exist
     * @throws IOException if the file cannot be written
     * @throws NullPointerException if an argument, a key or an array is null
     */
    public static void writeCompressed(Map<String, NpyArray> arrays, Path path) throws IOException {
        checkNoNulls(arrays);
        AtomicFile.write(path, out -> writeEntries(arrays, out, true));
    }

    private static void checkNoNulls(Map<String, NpyArray> arrays) {
        Objects.requireNonNull(arrays, "arrays");
        for (Map.Entry<String, NpyArray> entry : arrays.entrySet()) {
            Objects.requireNonNull(entry.getKey(), "a key in arrays is null");
            Objects.requireNonNull(entry.getValue(), "the array for key '" + entry.getKey() + "' is null");
        }
    }

    private static void writeEntries(Map<String, NpyArray> arrays, OutputStream out, boolean compress)
            throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        for (Map.Entry<String, NpyArray> item : arrays.entrySet()) {
            NpyArray array = item.getValue();
            ZipEntry entry = new ZipEntry(item.getKey() + NPY_SUFFIX);
            entry.setTimeLocal(ENTRY_TIME);
            if (compress) {
                entry.setMethod(ZipEntry.DEFLATED);
            } else {
                // A stored entry's size and CRC go before its data, so compute them first.
                long length = NpyWriter.encodedLength(array);
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(length);
                entry.setCompressedSize(length);
                entry.setCrc(checksumOf(array));
            }
            zip.putNextEntry(entry);
            NpyWriter.write(array, zip);
            zip.closeEntry();
        }
        // finish() writes the zip's central directory; the caller closes the underlying stream.
        zip.finish();
    }

    /** The CRC-32 of the array's {@code .npy} encoding, computed by encoding it without storing it. */
    private static long checksumOf(NpyArray array) throws IOException {
        CRC32 checksum = new CRC32();
        NpyWriter.write(array, new CheckedOutputStream(OutputStream.nullOutputStream(), checksum));
        return checksum.getValue();
    }
}
