package org.tapegrad.autograd.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads one {@code .npy} file from a stream: the preamble, the header and the data. See
 * {@link NpyHeader} for the layout.
 *
 * <p>Nothing is allocated from an untrusted length before it is checked: the header length is
 * checked against {@link NpyHeader#MAX_HEADER_LENGTH}; the data is read in chunks of
 * {@link #CHUNK_BYTES} and the element array grows only as data actually arrives, unless the
 * caller knows the stream's length and it matches the header exactly.
 */
final class NpyReader {

    /** Bytes read (and decoded) at a time. A multiple of every item size. */
    static final int CHUNK_BYTES = 1 << 16;

    /** After the array, at most this many extra bytes are counted for the error message. */
    private static final int MAX_TRAILING_BYTES_COUNTED = 1 << 20;

    private NpyReader() {
    }

    /**
     * Reads one {@code .npy} file from {@code in}, which must end right after the array's data.
     *
     * @param in the stream, read to its end and not closed
     * @param source where the bytes come from, for error messages, e.g. "file x.npy"
     * @param streamLength the number of bytes left in {@code in}, or -1 if unknown
     * @return the array
     * @throws NpyFormatException if the bytes are not a supported {@code .npy} file
     * @throws IOException if reading fails
     */
    static NpyArray read(InputStream in, String source, long streamLength) throws IOException {
        byte[] magic = in.readNBytes(NpyHeader.MAGIC.length);
        if (!Arrays.equals(magic, NpyHeader.MAGIC)) {
            throw new NpyFormatException(source + ": not a .npy file: wrong magic string (expected the bytes "
                    + toHex(NpyHeader.MAGIC) + ", i.e. \\x93NUMPY, but found " + toHex(magic) + ")");
        }

        byte[] version = readExactly(in, 2, source, "the format version");
        int major = version[0] & 0xFF;
        int minor = version[1] & 0xFF;
        int lengthFieldSize;
        if (major == 1 && minor == 0) {
            lengthFieldSize = 2;
        } else if ((major == 2 || major == 3) && minor == 0) {
            lengthFieldSize = 4;
        } else {
            throw new NpyFormatException(source + ": unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }

        byte[] lengthField = readExactly(in, lengthFieldSize, source, "the header length");
        long headerLength = 0;
        for (int i = lengthFieldSize - 1; i >= 0; i--) {
            headerLength = (headerLength << 8) | (lengthField[i] & 0xFF);
        }
        if (headerLength > NpyHeader.MAX_HEADER_LENGTH) {
            throw new NpyFormatException(source + ": header length " + headerLength
                    + " bytes is larger than the limit of " + NpyHeader.MAX_HEADER_LENGTH + " bytes");
        }

        byte[] headerBytes = readExactly(in, (int) headerLength, source, "the header");
        Charset charset = major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
        NpyHeader header = NpyHeader.parse(new String(headerBytes, charset), source);

        long headerEnd = NpyHeader.MAGIC.length + 2 + lengthFieldSize + headerLength;
        long knownDataLength = streamLength < 0 ? -1 : streamLength - headerEnd;
        return readData(in, header, source, knownDataLength);
    }

    private static NpyArray readData(InputStream in, NpyHeader header, String source, long knownDataLength)
            throws IOException {
        NpyType type = header.type();
        int elementCount = header.elementCount();
        long neededBytes = header.dataLength();
        if (knownDataLength >= 0 && knownDataLength != neededBytes) {
            throw wrongDataLength(header, knownDataLength, false, source);
        }

        int elementsPerChunk = CHUNK_BYTES / type.itemSize();
        // When the length is known and right, allocate everything at once; otherwise grow as data arrives.
        int capacity = knownDataLength >= 0 ? elementCount : Math.min(elementCount, elementsPerChunk);
        double[] doubles = type.isFloatingPoint() ? new double[capacity] : null;
        long[] longs = type.isFloatingPoint() ? null : new long[capacity];

        byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, neededBytes)];
        ByteBuffer buffer = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        while (done < elementCount) {
            int count = Math.min(elementCount - done, elementsPerChunk);
            int byteCount = count * type.itemSize();
            int received = in.readNBytes(chunk, 0, byteCount);
            if (received < byteCount) {
                long found = (long) done * type.itemSize() + received;
                throw wrongDataLength(header, found, false, source);
            }
            if (done + count > capacity) {
                capacity = (int) Math.min(elementCount, Math.max(2L * capacity, done + count));
                if (doubles != null) {
                    doubles = Arrays.copyOf(doubles, capacity);
                } else {
                    longs = Arrays.copyOf(longs, capacity);
                }
            }
            buffer.clear().limit(byteCount);
            decode(buffer, type, doubles, longs, done, count, source);
            done += count;
        }

        long extraBytes = countRemainingBytes(in);
        if (extraBytes > 0) {
            boolean countStopped = extraBytes >= MAX_TRAILING_BYTES_COUNTED;
            throw wrongDataLength(header, neededBytes + extraBytes, countStopped, source);
        }

        int[] shape = header.shape();
        return doubles != null ? NpyArray.wrapDoubles(type, doubles, shape) : NpyArray.wrapLongs(type, longs, shape);
    }

    /** Decodes {@code count} little-endian elements from {@code bytes} into the array at {@code offset}. */
    private static void decode(ByteBuffer bytes, NpyType type, double[] doubles, long[] longs,
                               int offset, int count, String source) throws NpyFormatException {
        switch (type) {
            case FLOAT64 -> bytes.asDoubleBuffer().get(doubles, offset, count);
            case FLOAT32 -> {
                FloatBuffer floats = bytes.asFloatBuffer();
                for (int i = 0; i < count; i++) {
                    doubles[offset + i] = floats.get(i);
                }
            }
            case INT64 -> bytes.asLongBuffer().get(longs, offset, count);
            case INT32 -> {
                IntBuffer ints = bytes.asIntBuffer();
                for (int i = 0; i < count; i++) {
                    longs[offset + i] = ints.get(i);
                }
            }
            case BOOL -> {
                for (int i = 0; i < count; i++) {
                    byte value = bytes.get(i);
                    if (value != 0 && value != 1) {
                        throw new NpyFormatException(source + ": bool element " + (offset + i)
                                + " has the byte value " + (value & 0xFF) + ", but a bool must be 0 or 1");
                    }
                    longs[offset + i] = value;
                }
            }
            default -> throw new IllegalStateException("unknown type " + type);
        }
    }

    private static NpyFormatException wrongDataLength(NpyHeader header, long foundBytes, boolean atLeast,
                                                      String source) {
        long neededBytes = header.dataLength();
        String problem = foundBytes < neededBytes
                ? "truncated data: " + header.describe() + " needs " + neededBytes
                        + " bytes but the data has only " + foundBytes
                : "extra data: " + header.describe() + " needs " + neededBytes + " bytes but the data has "
                        + (atLeast ? "at least " : "") + foundBytes;
        return new NpyFormatException(source + ": " + problem);
    }

    /** Reads and discards what is left of {@code in}, counting at most about MAX_TRAILING_BYTES_COUNTED bytes. */
    private static long countRemainingBytes(InputStream in) throws IOException {
        byte[] scratch = new byte[8192];
        long count = 0;
        int read;
        while (count < MAX_TRAILING_BYTES_COUNTED && (read = in.read(scratch)) != -1) {
            count += read;
        }
        return count;
    }

    private static byte[] readExactly(InputStream in, int length, String source, String what) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new NpyFormatException(source + ": truncated file: expected " + length + " bytes for " + what
                    + " but found only " + bytes.length);
        }
        return bytes;
    }

    private static String toHex(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (byte b : bytes) {
            hex.append(hex.length() > 0 ? " " : "").append(String.format("%02x", b & 0xFF));
        }
        return bytes.length == 0 ? "nothing" : hex.toString();
    }
}
