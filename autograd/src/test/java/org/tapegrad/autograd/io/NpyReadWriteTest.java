package org.tapegrad.autograd.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.tapegrad.autograd.io.NpyBytes.ARANGE_6_F8;
import static org.tapegrad.autograd.io.NpyBytes.NUMPY_PREAMBLE_118;
import static org.tapegrad.autograd.io.NpyBytes.concat;
import static org.tapegrad.autograd.io.NpyBytes.fromBytes;
import static org.tapegrad.autograd.io.NpyBytes.hex;
import static org.tapegrad.autograd.io.NpyBytes.npyFile;
import static org.tapegrad.autograd.io.NpyBytes.numpyHeader;
import static org.tapegrad.autograd.io.NpyBytes.toBytes;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyReadWriteTest {

    /** The file NumPy writes for np.arange(6, dtype='<f8').reshape(2, 3), byte for byte. */
    private static final byte[] NUMPY_ARANGE_2X3 = concat(
            NUMPY_PREAMBLE_118,
            numpyHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", 58)
                    .getBytes(StandardCharsets.US_ASCII),
            ARANGE_6_F8);

    private static final List<int[]> SHAPES = List.of(
            new int[] {}, new int[] {1}, new int[] {4}, new int[] {2, 3}, new int[] {0}, new int[] {0, 3},
            new int[] {2, 0, 3}, new int[] {2, 1, 3, 1}, new int[] {3, 2, 2, 2, 1});

    @TempDir
    Path directory;

    @Test
    void readsTheBytesNumpyWritesForArange() throws IOException {
        NpyArray array = fromBytes(NUMPY_ARANGE_2X3);

        assertEquals(NpyArray.ofFloat64(new double[] {0, 1, 2, 3, 4, 5}, 2, 3), array);
    }

    @Test
    void writesTheBytesNumpyWritesForArange() throws IOException {
        assertArrayEquals(NUMPY_ARANGE_2X3, toBytes(NpyArray.ofFloat64(new double[] {0, 1, 2, 3, 4, 5}, 2, 3)));
    }

    @Test
    void writesNumpysBytesForEveryType() throws IOException {
        assertWritesAndReads(NpyArray.ofFloat32(new double[] {1.5, -2.25}, 2),
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 60, "0000c03f 000010c0");
        assertWritesAndReads(NpyArray.ofInt32(new int[] {1, -2, 3, 4, 5}, 5),
                "{'descr': '<i4', 'fortran_order': False, 'shape': (5,), }", 60,
                "01000000 feffffff 03000000 04000000 05000000");
        assertWritesAndReads(NpyArray.ofInt64(new long[] {-1, 1L << 40}, 2),
                "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", 60,
                "ffffffffffffffff 0000000000010000");
        assertWritesAndReads(NpyArray.ofBool(new boolean[] {true, false, true}, 1, 3),
                "{'descr': '|b1', 'fortran_order': False, 'shape': (1, 3), }", 58, "010001");
        assertWritesAndReads(NpyArray.ofFloat64(new double[] {3.5}),
                "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", 62, "0000000000000c40");
        assertWritesAndReads(NpyArray.ofBool(new boolean[0], 0, 3),
                "{'descr': '|b1', 'fortran_order': False, 'shape': (0, 3), }", 58, "");
    }

    @Test
    void headerMatchesNumpyWhenTheGrowthPaddingCrossesA64ByteBoundary() throws IOException {
        // NumPy leaves 21 - digits(shape[0]) spare spaces after the dict; here that pushes the header to 192 bytes.
        int[] shape = {1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
        NpyArray array = NpyArray.ofFloat64(new double[1 << 14], shape);
        byte[] expectedHeader = concat(
                hex("93 4e 55 4d 50 59 01 00 b6 00"),
                numpyHeader("{'descr': '<f8', 'fortran_order': False, "
                        + "'shape': (1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2), }", 83)
                        .getBytes(StandardCharsets.US_ASCII));

        byte[] written = toBytes(array);

        assertEquals(192, expectedHeader.length);
        assertArrayEquals(expectedHeader, Arrays.copyOf(written, expectedHeader.length));
        assertEquals(array, fromBytes(written));
    }

    @Test
    void everyTypeAndShapeRoundTripsThroughAStream() throws IOException {
        for (NpyType type : NpyType.values()) {
            for (int[] shape : SHAPES) {
                NpyArray array = sampleArray(type, shape);
                byte[] bytes = toBytes(array);
                assertEquals(0, (bytes.length - array.numel() * type.itemSize()) % 64, "data starts 64-byte aligned");
                assertEquals(array, fromBytes(bytes), type + " " + Arrays.toString(shape));
            }
        }
    }

    @Test
    void everyTypeRoundTripsThroughAFile() throws IOException {
        Path file = directory.resolve("array.npy");
        for (NpyType type : NpyType.values()) {
            NpyArray array = sampleArray(type, new int[] {3, 2});
            Npy.write(array, file);
            assertEquals(array, Npy.read(file));
            assertArrayEquals(toBytes(array), Files.readAllBytes(file));
        }
    }

    @Test
    void arraysLargerThanOneChunkRoundTrip() throws IOException {
        double[] values = new double[100_000];
        long[] integers = new long[100_003];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.sin(i);
        }
        for (int i = 0; i < integers.length; i++) {
            integers[i] = i * 1_000_003L;
        }
        NpyArray doubles = NpyArray.ofFloat64(values, 1000, 100);
        NpyArray longs = NpyArray.ofInt64(integers, integers.length);
        Path file = directory.resolve("big.npy");

        assertEquals(doubles, fromBytes(toBytes(doubles)));
        assertEquals(longs, fromBytes(toBytes(longs)));
        Npy.write(doubles, file);
        assertEquals(doubles, Npy.read(file));
    }

    @Test
    void float32IsStoredAsFloats() throws IOException {
        NpyArray array = NpyArray.ofFloat32(new double[] {0.1, 1e-50, 1e300, Double.NaN}, 4);
        NpyArray read = fromBytes(toBytes(array));

        assertEquals(array, read);
        assertArrayEquals(new double[] {(float) 0.1, 0.0, Double.POSITIVE_INFINITY, Double.NaN}, read.toDoubleArray());
    }

    @Test
    void readsFormatVersions2And3() throws IOException {
        String header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\n";
        NpyArray expected = NpyArray.ofFloat64(new double[] {0, 1, 2, 3, 4, 5}, 2, 3);

        assertEquals(expected, fromBytes(npyFile(2, header, ARANGE_6_F8)));
        assertEquals(expected, fromBytes(npyFile(3, header, ARANGE_6_F8)));
    }

    @Test
    void acceptsOtherSpellingsOfTheSameHeader() throws IOException {
        NpyArray expected = NpyArray.ofFloat64(new double[] {0, 1, 2, 3, 4, 5}, 2, 3);
        List<String> headers = List.of(
                "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f8'}",
                "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (2,3)}",
                "  {\t'descr' : '=f8' ,\n 'fortran_order':False,'shape':( 2 , 3 , ) , }  \r\n  ",
                "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }");
        for (String header : headers) {
            assertEquals(expected, fromBytes(npyFile(header, ARANGE_6_F8)), header);
        }
        assertEquals(NpyArray.ofBool(new boolean[] {true}, 1),
                fromBytes(npyFile("{'descr': '<b1', 'fortran_order': False, 'shape': (1,)}", hex("01"))));
    }

    @Test
    void streamsAreNeitherClosedNorReadPastTheirEnd() throws IOException {
        boolean[] closed = {false};
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        Npy.write(NpyArray.ofInt32(new int[] {7}, 1), out);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray()) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        assertEquals(NpyArray.ofInt32(new int[] {7}, 1), Npy.read(in));
        assertFalse(closed[0]);
    }

    /** An array of the given type and shape with varied, type-appropriate values. */
    static NpyArray sampleArray(NpyType type, int[] shape) {
        int count = 1;
        for (int dimension : shape) {
            count *= dimension;
        }
        double[] doubles = new double[count];
        long[] longs = new long[count];
        int[] ints = new int[count];
        boolean[] bools = new boolean[count];
        for (int i = 0; i < count; i++) {
            doubles[i] = (i - 2.5) * 1.1e-3 * (i % 2 == 0 ? 1 : 1e40);
            longs[i] = (i - 3) * 123_456_789_012L;
            ints[i] = (i - 3) * 123_456_789;
            bools[i] = i % 3 == 0;
        }
        return switch (type) {
            case FLOAT32 -> NpyArray.ofFloat32(doubles, shape);
            case FLOAT64 -> NpyArray.ofFloat64(doubles, shape);
            case INT32 -> NpyArray.ofInt32(ints, shape);
            case INT64 -> NpyArray.ofInt64(longs, shape);
            case BOOL -> NpyArray.ofBool(bools, shape);
        };
    }

    private static void assertWritesAndReads(NpyArray array, String dict, int spaces, String dataHex)
            throws IOException {
        byte[] expected = concat(NUMPY_PREAMBLE_118, numpyHeader(dict, spaces).getBytes(StandardCharsets.US_ASCII),
                hex(dataHex));
        assertEquals(128, expected.length - hex(dataHex).length, "NumPy's preamble and header are 128 bytes");
        assertArrayEquals(expected, toBytes(array), dict);
        assertEquals(array, fromBytes(expected), dict);
    }
}
