package org.tapegrad.autograd.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.tapegrad.autograd.io.NpyMalformedInputTest.assertMessageContains;

import org.junit.jupiter.api.Test;

class NpyTypeTest {

    @Test
    void descrAndItemSize() {
        assertEquals("<f4", NpyType.FLOAT32.descr());
        assertEquals("<f8", NpyType.FLOAT64.descr());
        assertEquals("<i4", NpyType.INT32.descr());
        assertEquals("<i8", NpyType.INT64.descr());
        assertEquals("|b1", NpyType.BOOL.descr());
        assertEquals(4, NpyType.FLOAT32.itemSize());
        assertEquals(8, NpyType.INT64.itemSize());
        assertEquals(1, NpyType.BOOL.itemSize());
    }

    @Test
    void acceptsLittleEndianAndNativeByteOrder() {
        for (NpyType type : NpyType.values()) {
            assertEquals(type, NpyType.fromDescr(type.descr()));
            String kindAndSize = type.descr().substring(1);
            assertEquals(type, NpyType.fromDescr("<" + kindAndSize));
            assertEquals(type, NpyType.fromDescr("=" + kindAndSize));
        }
    }

    @Test
    void notApplicableByteOrderOnlyForOneByteTypes() {
        assertEquals(NpyType.BOOL, NpyType.fromDescr("|b1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NpyType.fromDescr("|i4"));
        assertMessageContains(e, "'|i4'");
    }

    @Test
    void rejectsBigEndianAndUnknownTypes() {
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> NpyType.fromDescr(">f8")),
                "'>f8'", "big-endian");
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> NpyType.fromDescr("<u2")), "'<u2'");
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> NpyType.fromDescr("f8")), "'f8'");
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> NpyType.fromDescr("")), "''");
    }
}
