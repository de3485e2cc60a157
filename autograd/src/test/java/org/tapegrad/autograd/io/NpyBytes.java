package org.tapegrad.autograd.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Builds {@code .npy} files byte by byte for the tests, independently of the code under test. */
final class NpyBytes {

    /** The magic string, version 1.0, header length 118 (0x76): what NumPy writes for small arrays. */
    static final byte[] NUMPY_PREAMBLE_118 = hex("93 4e 55 4d 50 59 01 00 76 00");

    /** The data of np.arange(6, dtype='<f8'): 0.0 .. 5.0, little-endian. */
    static final byte[] ARANGE_6_F8 = hex(
            "0000000000000000 000000000000f03f 0000000000000040"
            + "0000000000000840 0000000000001040 0000000000001440");

    private NpyBytes() {
    }

    /** Parses hex digits; spaces are ignored. */
    static byte[] hex(String digits) {
        String compact = digits.replace(" ", "");
        byte[] bytes = new byte[compact.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(compact.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    /** The exact header NumPy writes: the dict, {@code spaces} spaces, a newline. */
    static String numpyHeader(String dict, int spaces) {
        return dict + " ".repeat(spaces) + "\n";
    }

    /** A .npy file: magic, version major.0, little-endian header length (2 bytes for 1.0, else 4), header, data. */
    static byte[] npyFile(int major, String header, byte[] data) {
        byte[] headerBytes = header.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(hex("93 4e 55 4d 50 59"));
        out.write(major);
        out.write(0);
        int length = headerBytes.length;
        out.write(length & 0xFF);
        out.write((length >>> 8) & 0xFF);
        if (major != 1) {
            out.write((length >>> 16) & 0xFF);
            out.write((length >>> 24) & 0xFF);
        }
        out.writeBytes(headerBytes);
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** A version 1.0 file whose header is {@code dict} followed by a newline (no alignment padding). */
    static byte[] npyFile(String dict, byte[] data) {
        return npyFile(1, dict + "\n", data);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] toBytes(NpyArray array) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(array, out);
        return out.toByteArray();
    }

    static NpyArray fromBytes(byte[] bytes) throws IOException {
        return Npy.read(new ByteArrayInputStream(bytes));
    }
}
