package org.tapegrad.autograd.io;

/**
 * The element types that {@link Npy} and {@link Npz} can read and write.
 *
 * <p>Each type has a NumPy <em>descr</em> string, as found in the {@code 'descr'} entry of a
 * {@code .npy} header. The string is a byte-order character followed by a kind letter and the item
 * size in bytes: {@code <f8} is a little-endian 8-byte float. All supported types are stored
 * little-endian; 1-byte types have no byte order, which NumPy writes as {@code |}.
 *
 * <p>When reading, the byte-order characters {@code <} (little-endian) and {@code =} (native, which
 * this library takes to mean little-endian, the byte order of every platform NumPy commonly runs on)
 * are accepted for every type, and {@code |} ("not applicable") only for the 1-byte {@link #BOOL}.
 * Big-endian ({@code >}) data is not supported.
 */
public enum NpyType {
    /** 32-bit IEEE float, {@code <f4}; held in memory as {@code double} values that are exactly floats. */
    FLOAT32("<f4", 4),
    /** 64-bit IEEE float, {@code <f8}. */
    FLOAT64("<f8", 8),
    /** 32-bit signed integer, {@code <i4}; held in memory as {@code long} values. */
    INT32("<i4", 4),
    /** 64-bit signed integer, {@code <i8}. */
    INT64("<i8", 8),
    /** Boolean, one byte per element holding 0 or 1, {@code |b1}; held in memory as {@code long} 0 or 1. */
    BOOL("|b1", 1);

    private final String descr;
    private final int itemSize;

    NpyType(String descr, int itemSize) {
        this.descr = descr;
        this.itemSize = itemSize;
    }

    /**
     * Returns the descr string that is written into a header for this type, exactly as NumPy writes
     * it, e.g. {@code "<f8"} or {@code "|b1"}.
     *
     * @return the descr string, never null
     */
    public String descr() {
        return descr;
    }

    /**
     * Returns the number of bytes one element takes in a {@code .npy} file.
     *
     * @return 1, 4 or 8
     */
    public int itemSize() {
        return itemSize;
    }

    /**
     * Tells whether this is a floating-point type, whose values {@link NpyArray} holds as
     * {@code double}s. The other types hold their values as {@code long}s.
     *
     * @return true for {@link #FLOAT32} and {@link #FLOAT64}
     */
    public boolean isFloatingPoint() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /**
     * Finds the type a descr string from a {@code .npy} header stands for.
     *
     * @param descr a descr string such as {@code "<f8"}, {@code "=i4"} or {@code "|b1"}
     * @return the matching type
     * @throws IllegalArgumentException if the string is not one of the supported types (the message
     *     names the string, and says so when it is big-endian)
     * @throws NullPointerException if {@code descr} is null
     */
    public static NpyType fromDescr(String descr) {
        if (descr.length() < 2) {
            throw new IllegalArgumentException("unsupported dtype '" + descr + "'");
        }
        char byteOrder = descr.charAt(0);
        String kindAndSize = descr.substring(1);
        if (byteOrder == '>') {
            throw new IllegalArgumentException("unsupported dtype '" + descr
                    + "': big-endian data is not supported, only little-endian");
        }
        for (NpyType type : values()) {
            boolean sameKindAndSize = type.descr.substring(1).equals(kindAndSize);
            boolean byteOrderAllowed = byteOrder == '<' || byteOrder == '='
                    || (byteOrder == '|' && type.itemSize == 1);
            if (sameKindAndSize && byteOrderAllowed) {
                return type;
            }
        }
        throw new IllegalArgumentException("unsupported dtype '" + descr
                + "' (supported: <f4, <f8, <i4, <i8, |b1)");
    }
}
