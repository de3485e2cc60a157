package org.tapegrad.autograd.io;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * The header of a {@code .npy} file: the element type and the shape. It knows how to check a
 * parsed header dict and how to write a header exactly as NumPy does.
 *
 * <p>The file layout is:
 * <ol>
 *   <li>the 6-byte magic string {@code \x93NUMPY};</li>
 *   <li>two bytes, the major and minor format version: 1.0, 2.0 or 3.0;</li>
 *   <li>the header length in bytes, little-endian unsigned: 2 bytes in version 1.0, 4 bytes in
 *       versions 2.0 and 3.0;</li>
 *   <li>the header: a Python dict literal with the keys {@code descr}, {@code fortran_order} and
 *       {@code shape}, padded with spaces and ended by a newline so that the data starts at a
 *       multiple of 64 bytes. Versions 1.0 and 2.0 encode it in Latin-1, version 3.0 in UTF-8;</li>
 *   <li>the data: the elements in C order, each {@link NpyType#itemSize()} bytes, little-endian.</li>
 * </ol>
 */
final class NpyHeader {

    /** The first six bytes of every {@code .npy} file. */
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** Headers longer than this are rejected before any memory is allocated for them. */
    static final int MAX_HEADER_LENGTH = 1 << 20;

    /** NumPy pads so that the data starts at a multiple of this many bytes. */
    private static final int ALIGNMENT = 64;

    /** Magic string, two version bytes and the 2-byte header length of version 1.0. */
    private static final int VERSION_1_PREAMBLE_LENGTH = 10;

    /** The largest header length that fits the 2-byte length field of version 1.0. */
    private static final int VERSION_1_MAX_HEADER_LENGTH = 0xFFFF;

    /**
     * NumPy leaves room after the dict for the first dimension to grow to this many digits, so that
     * a file can be appended to in place. We add the same spaces to write byte-identical headers.
     */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;

    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

    private final NpyType type;
    private final int[] shape;
    private final int elementCount;

    private NpyHeader(NpyType type, int[] shape, int elementCount) {
        this.type = type;
        this.shape = shape;
        this.elementCount = elementCount;
    }

    NpyType type() {
        return type;
    }

    int[] shape() {
        return shape.clone();
    }

    int elementCount() {
        return elementCount;
    }

    /** The number of data bytes that must follow the header. */
    long dataLength() {
        return (long) elementCount * type.itemSize();
    }

    /** Describes the header for error messages, e.g. "shape (2, 3) with dtype '<f8'". */
    String describe() {
        return "shape " + NpyArray.shapeToString(shape) + " with dtype '" + type.descr() + "'";
    }

    /**
     * Parses and checks the header text of a {@code .npy} file.
     *
     * @param text the header text, padding included
     * @param source where the header comes from, for error messages
     * @return the checked header
     * @throws NpyFormatException if the dict is malformed, has missing or extra keys, names an
     *     unsupported dtype, asks for Fortran order, or has a shape that is too large
     */
    static NpyHeader parse(String text, String source) throws NpyFormatException {
        Map<String, Object> dict = HeaderDictParser.parse(text, source);
        for (String key : KEYS) {
            if (!dict.containsKey(key)) {
                throw new NpyFormatException(source + ": malformed header: no '" + key + "' key in "
                        + HeaderDictParser.quoteForMessage(text));
            }
        }
        for (String key : dict.keySet()) {
            if (!KEYS.contains(key)) {
                throw new NpyFormatException(source + ": malformed header: unexpected key '" + key
                        + "' in " + HeaderDictParser.quoteForMessage(text));
            }
        }

        Object descr = dict.get("descr");
        if (!(descr instanceof String)) {
            throw new NpyFormatException(source + ": malformed header: 'descr' must be a string such as '<f8' in "
                    + HeaderDictParser.quoteForMessage(text));
        }
        NpyType type;
        try {
            type = NpyType.fromDescr((String) descr);
        } catch (IllegalArgumentException e) {
            throw new NpyFormatException(source + ": " + e.getMessage(), e);
        }

        Object fortranOrder = dict.get("fortran_order");
        if (!(fortranOrder instanceof Boolean)) {
            throw new NpyFormatException(source + ": malformed header: 'fortran_order' must be True or False in "
                    + HeaderDictParser.quoteForMessage(text));
        }
        if ((Boolean) fortranOrder) {
            throw new NpyFormatException(source + ": Fortran order (fortran_order: True) is not supported;"
                    + " only C-order arrays can be read (in NumPy, save np.ascontiguousarray(a))");
        }

        Object shapeValue = dict.get("shape");
        if (!(shapeValue instanceof long[])) {
            throw new NpyFormatException(source + ": malformed header: 'shape' must be a tuple of integers in "
                    + HeaderDictParser.quoteForMessage(text));
        }
        int[] shape = toIntShape((long[]) shapeValue, source);
        try {
            int elementCount = NpyArray.checkShape(shape);
            return new NpyHeader(type, shape, elementCount);
        } catch (IllegalArgumentException e) {
            throw new NpyFormatException(source + ": " + e.getMessage(), e);
        }
    }

    private static int[] toIntShape(long[] dimensions, String source) throws NpyFormatException {
        int[] shape = new int[dimensions.length];
        for (int i = 0; i < dimensions.length; i++) {
            if (dimensions[i] > Integer.MAX_VALUE) {
                throw new NpyFormatException(source + ": shape " + tupleToString(dimensions)
                        + " has a dimension larger than " + Integer.MAX_VALUE + ", too many elements for an array");
            }
            shape[i] = (int) dimensions[i];
        }
        return shape;
    }

    private static String tupleToString(long[] values) {
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < values.length; i++) {
            text.append(i > 0 ? ", " : "").append(values[i]);
        }
        return text.append(values.length == 1 ? ",)" : ")").toString();
    }

    /**
     * Encodes the preamble and header of a version 1.0 {@code .npy} file for the given type and
     * C-order shape, byte for byte as NumPy writes it: magic string, version, header length, the dict
     * with its keys in sorted order, spaces and a final newline. The total length is a multiple of
     * 64 (NumPy adds a full 64 spaces when it already is one without padding).
     *
     * @throws IllegalArgumentException if the header would not fit version 1.0 (cannot happen for
     *     shapes of at most {@link NpyArray#MAX_DIMS} dimensions)
     */
    static byte[] encode(NpyType type, int[] shape) {
        StringBuilder header = new StringBuilder();
        header.append("{'descr': '").append(type.descr()).append("', ")
                .append("'fortran_order': False, ")
                .append("'shape': ").append(NpyArray.shapeToString(shape)).append(", }");
        if (shape.length > 0) {
            int firstDimensionDigits = String.valueOf(shape[0]).length();
            header.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - firstDimensionDigits));
        }
        int lengthWithNewline = header.length() + 1;
        int padding = ALIGNMENT - (VERSION_1_PREAMBLE_LENGTH + lengthWithNewline) % ALIGNMENT;
        header.append(" ".repeat(padding)).append('\n');

        int headerLength = header.length();
        if (headerLength > VERSION_1_MAX_HEADER_LENGTH) {
            throw new IllegalArgumentException("header of " + headerLength + " bytes is too long for format version 1.0");
        }
        byte[] headerBytes = header.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] encoded = new byte[VERSION_1_PREAMBLE_LENGTH + headerBytes.length];
        System.arraycopy(MAGIC, 0, encoded, 0, MAGIC.length);
        encoded[6] = 1; // major version
        encoded[7] = 0; // minor version
        encoded[8] = (byte) (headerLength & 0xFF); // header length, little-endian
        encoded[9] = (byte) (headerLength >>> 8);
        System.arraycopy(headerBytes, 0, encoded, VERSION_1_PREAMBLE_LENGTH, headerBytes.length);
        return encoded;
    }
}
