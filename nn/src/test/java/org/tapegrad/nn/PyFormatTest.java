package org.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PyFormatTest {
    @Test
    void floatsPrintAsPythonsRepr() {
        assertEquals("1e-05", PyFormat.repr(1e-5));
        assertEquals("0.0001", PyFormat.repr(1e-4));
        assertEquals("0.1", PyFormat.repr(0.1));
        assertEquals("-0.1", PyFormat.repr(-0.1));
        assertEquals("2.0", PyFormat.repr(2.0));
        assertEquals("100.0", PyFormat.repr(100.0));
        assertEquals("0.30000000000000004", PyFormat.repr(0.1 + 0.2));
        assertEquals("1e+16", PyFormat.repr(1e16));
        assertEquals("1234567890123456.0", PyFormat.repr(1234567890123456.0));
        assertEquals("1.5e-07", PyFormat.repr(1.5e-7));
        assertEquals("0.0", PyFormat.repr(0.0));
        assertEquals("-0.0", PyFormat.repr(-0.0));
        assertEquals("nan", PyFormat.repr(Double.NaN));
        assertEquals("-inf", PyFormat.repr(Double.NEGATIVE_INFINITY));
    }

    @Test
    void noneAndBooleansPrintAsPython() {
        assertEquals("None", PyFormat.repr((Double) null));
        assertEquals("0.9", PyFormat.repr(Double.valueOf(0.9)));
        assertEquals("True", PyFormat.repr(true));
        assertEquals("False", PyFormat.repr(false));
    }
}
