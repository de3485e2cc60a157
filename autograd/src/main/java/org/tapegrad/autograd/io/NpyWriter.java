package org.tapegrad.autograd.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/** Writes one array in the {@code .npy} format, version 1.0, to a stream. See {@link NpyHeader}. */
final class NpyWriter {

    /** Bytes encoded (and written) at a time. A multiple of every item size. */
    private static final int CHUNK_BYTES = 1 << 16;

    private NpyWriter() {
    }

    /** Writes the header and the data; does not flush or close {@code out}. */
    static void write(NpyArray array, OutputStream out) throws IOException {
        NpyType type = array.type();
        out.write(NpyHeader.encode(type, array.shape()));

        int elementCount = array.numel();
        long dataLength = (long) elementCount * type.itemSize();
        byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, dataLength)];
        ByteBuffer buffer = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        int elementsPerChunk = CHUNK_BYTES / type.itemSize();
        int done = 0;
        while (done < elementCount) {
            int count = Math.min(elementCount - done, elementsPerChunk);
            buffer.clear();
            encode(array, buffer, done, count);
            out.write(chunk, 0, count * type.itemSize());
            done += count;
        }
    }

    /** The number of bytes {@link #write} produces for {@code array}. */
    static long encodedLength(NpyArray array) {
        NpyType type = array.type();
        return NpyHeader.encode(type, array.shape()).length + (long) array.numel() * type.itemSize();
    }

    /** Encodes elements {@code offset .. offset+count-1} little-endian at the start of {@code bytes}. */
    private static void encode(NpyArray array, ByteBuffer bytes, int offset, int count) {
        double[] doubles = array.internalDoubles();
        long[] longs = array.internalLongs();
        switch (array.type()) {
            case FLOAT64 -> bytes.asDoubleBuffer().put(doubles, offset, count);
            case FLOAT32 -> {
                FloatBuffer floats = bytes.asFloatBuffer();
                for (int i = 0; i < count; i++) {
                    floats.put(i, (float) doubles[offset + i]);
                }
            }
            case INT64 -> bytes.asLongBuffer().put(longs, offset, count);
            case INT32 -> {
                IntBuffer ints = bytes.asIntBuffer();
                for (int i = 0; i < count; i++) {
                    ints.put(i, (int) longs[offset + i]);
                }
            }
            case BOOL -> {
                for (int i = 0; i < count; i++) {
                    bytes.put(i, (byte) longs[offset + i]);
                }
            }
            default -> throw new IllegalStateException("unknown type " + array.type());
        }
    }
}
