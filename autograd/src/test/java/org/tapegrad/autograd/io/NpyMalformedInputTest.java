package org.tapegrad.autograd.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapegrad.autograd.io.NpyBytes.ARANGE_6_F8;
import static org.tapegrad.autograd.io.NpyBytes.concat;
import static org.tapegrad.autograd.io.NpyBytes.fromBytes;
import static org.tapegrad.autograd.io.NpyBytes.hex;
import static org.tapegrad.autograd.io.NpyBytes.npyFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NpyMalformedInputTest {

    private static final String GOOD_DICT = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";

    @TempDir
    Path directory;

    @Test
    void wrongMagicString() {
        byte[] bytes = npyFile(GOOD_DICT, ARANGE_6_F8);
        bytes[1] = 'X';

        assertFailsWith(bytes, "magic", "93 58 55 4d 50 59");
    }

    @Test
    void emptyInputHasNoMagicString() {
        assertFailsWith(new byte[0], "magic", "found nothing");
    }

    @Test
    void unsupportedVersion() {
        byte[] version4 = npyFile(GOOD_DICT, ARANGE_6_F8);
        version4[6] = 4;
        byte[] version1point1 = npyFile(GOOD_DICT, ARANGE_6_F8);
        version1point1[7] = 1;

        assertFailsWith(version4, "version 4.0", "1.0, 2.0, 3.0");
        assertFailsWith(version1point1, "version 1.1");
    }

    @Test
    void hugeHeaderLengthIsRejectedWithoutAllocatingIt() {
        // Version 2.0 with a header length of 0xFFFFFFFF (4 GiB) and nothing after it.
        byte[] bytes = hex("93 4e 55 4d 50 59 02 00 ff ff ff ff");

        assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertFailsWith(bytes, "header length 4294967295", "limit of 1048576"));
    }

    @Test
    void largestVersion1HeaderLengthWithMissingHeaderIsTruncated() {
        byte[] bytes = concat(hex("93 4e 55 4d 50 59 01 00 ff ff"), "{'descr'".getBytes());

        assertFailsWith(bytes, "truncated", "expected 65535 bytes", "found only 8");
    }

    @Test
    void fileEndingInsideThePreamble() {
        assertFailsWith(hex("93 4e 55 4d 50 59 01"), "truncated", "format version");
        assertFailsWith(hex("93 4e 55 4d 50 59 01 00 76"), "truncated", "header length");
    }

    static Stream<Arguments> malformedHeaders() {
        return Stream.of(
                Arguments.of("'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)", "expected '{'"),
                Arguments.of("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), ", "expected a quoted string at the end"),
                Arguments.of("{'descr': '<f8', 'fortran_order': False}", "no 'shape' key"),
                Arguments.of("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), 'extra': 'x'}",
                        "unexpected key 'extra'"),
                Arguments.of("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (6,)}",
                        "duplicate key 'descr'"),
                Arguments.of("{'descr': '<f8' 'fortran_order': False, 'shape': (6,)}", "expected ',' or '}'"),
                Arguments.of("{'descr': '<f8', 'fortran_order': False, 'shape': [2, 3]}",
                        "expected a string, a tuple, True or False"),
                Arguments.of("{'descr': '<f8', 'fortran_order': False, 'shape': (6)}", "trailing comma"),
                Arguments.of("{'descr': '<f8', 'fortran_order': False, 'shape': (2, -3)}",
                        "expected a non-negative integer"),
                Arguments.of("{'descr': '<f8', 'fortran_order': False, 'shape': (2 3)}", "expected ',' or ')'"),
                Arguments.of("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}",
                        "integer too large"),
                Arguments.of("{'descr': '<f8, 'fortran_order': False, 'shape': (6,)}", "expected ',' or '}'"),
                Arguments.of("{'descr': '<f8", "unterminated string"),
                Arguments.of("{'descr': '<\\f8', 'fortran_order': False, 'shape': (6,)}", "escape sequences"),
                Arguments.of("{'descr': '<f8', 'fortran_order': Falsey, 'shape': (6,)}",
                        "expected a string, a tuple, True or False"),
                Arguments.of("{'descr': '<f8', 'fortran_order': 'False', 'shape': (6,)}",
                        "'fortran_order' must be True or False"),
                Arguments.of("{'descr': 8, 'fortran_order': False, 'shape': (6,)}",
                        "expected a string, a tuple, True or False"),
                Arguments.of("{'descr': (8,), 'fortran_order': False, 'shape': (6,)}", "'descr' must be a string"),
                Arguments.of("{'descr': '<f8', 'fortran_order': False, 'shape': '6'}", "'shape' must be a tuple"),
                Arguments.of("{'descr': '<f8', 'fortran_order': False, 'shape': (6,)} x", "after the closing '}'"),
                Arguments.of("", "expected '{'"));
    }

    @ParameterizedTest
    @MethodSource("malformedHeaders")
    void malformedHeader(String dict, String expectedProblem) {
        assertFailsWith(npyFile(dict, ARANGE_6_F8), "malformed header", expectedProblem);
    }

    @Test
    void unsupportedDtypesAreNamed() {
        assertFailsWith(npyFile("{'descr': '>f8', 'fortran_order': False, 'shape': (6,)}", ARANGE_6_F8),
                "unsupported dtype '>f8'", "big-endian");
        assertFailsWith(npyFile("{'descr': '<c16', 'fortran_order': False, 'shape': (3,)}", ARANGE_6_F8),
                "unsupported dtype '<c16'");
        assertFailsWith(npyFile("{'descr': '|f8', 'fortran_order': False, 'shape': (6,)}", ARANGE_6_F8),
                "unsupported dtype '|f8'");
        assertFailsWith(npyFile("{'descr': '<U5', 'fortran_order': False, 'shape': (1,)}", new byte[20]),
                "unsupported dtype '<U5'");
    }

    @Test
    void fortranOrderIsNotSupported() {
        assertFailsWith(npyFile("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", ARANGE_6_F8),
                "Fortran order", "not supported");
    }

    @Test
    void hostileShapeWhoseElementCountOverflowsFailsFast() {
        byte[] bytes = npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (2000000000, 2000000000), }",
                ARANGE_6_F8);

        assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertFailsWith(bytes, "(2000000000, 2000000000)", "more than 2147483639 elements"));
    }

    @Test
    void dimensionLargerThanAnIntIsRejected() {
        byte[] bytes = npyFile("{'descr': '|b1', 'fortran_order': False, 'shape': (3000000000,), }", new byte[3]);

        assertFailsWith(bytes, "(3000000000,)", "larger than 2147483647");
    }

    @Test
    void tooManyDimensionsAreRejected() {
        String ones = String.join(", ", Collections.nCopies(65, "1"));
        byte[] bytes = npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (" + ones + "), }", new byte[8]);

        assertFailsWith(bytes, "65 dimensions", "maximum of 64");
    }

    @Test
    void lyingShapeOnAStreamDoesNotAllocateForTheClaimedSize() {
        // Claims 2,000,000,000 doubles (16 GB) but carries 48 bytes; the test JVM has a 2 GB heap.
        byte[] bytes = npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (2000000000,), }", ARANGE_6_F8);

        assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertFailsWith(bytes, "truncated", "needs 16000000000 bytes", "has only 48"));
    }

    @Test
    void lyingShapeInAFileIsCaughtByTheFileSize() throws IOException {
        Path file = directory.resolve("liar.npy");
        Files.write(file, npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (2000000000,), }",
                ARANGE_6_F8));

        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(file));
        assertMessageContains(e, file.toString(), "needs 16000000000 bytes", "has only 48");
    }

    @Test
    void truncatedData() {
        byte[] bytes = npyFile(GOOD_DICT, Arrays.copyOf(ARANGE_6_F8, 40));

        assertFailsWith(bytes, "truncated", "shape (2, 3) with dtype '<f8' needs 48 bytes but the data has only 40");
    }

    @Test
    void truncatedDataInAFileNamesTheFile() throws IOException {
        Path file = directory.resolve("short.npy");
        Files.write(file, npyFile(GOOD_DICT, Arrays.copyOf(ARANGE_6_F8, 47)));

        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(file));
        assertMessageContains(e, "file " + file, "needs 48 bytes", "has only 47");
    }

    @Test
    void trailingBytesAfterTheData() {
        byte[] bytes = npyFile(GOOD_DICT, concat(ARANGE_6_F8, new byte[8]));

        assertFailsWith(bytes, "shape (2, 3) with dtype '<f8' needs 48 bytes but the data has 56");
    }

    @Test
    void trailingBytesInAFileNamesTheFile() throws IOException {
        Path file = directory.resolve("long.npy");
        Files.write(file, npyFile(GOOD_DICT, concat(ARANGE_6_F8, new byte[8])));

        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(file));
        assertMessageContains(e, "file " + file, "needs 48 bytes but the data has 56");
    }

    @Test
    void boolBytesMustBeZeroOrOne() {
        byte[] bytes = npyFile("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", hex("01 00 02"));

        assertFailsWith(bytes, "element 2", "byte value 2", "0 or 1");
    }

    @Test
    void badFileNamesTheFile() throws IOException {
        Path file = directory.resolve("not-numpy.npy");
        Files.writeString(file, "hello, world");

        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(file));
        assertMessageContains(e, "file " + file, "magic");
    }

    @Test
    void missingFileIsAnIOException() {
        assertThrows(IOException.class, () -> Npy.read(directory.resolve("missing.npy")));
    }

    private static void assertFailsWith(byte[] bytes, String... fragments) {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> fromBytes(bytes));
        assertMessageContains(e, fragments);
    }

    static void assertMessageContains(Exception e, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment),
                    () -> "message \"" + e.getMessage() + "\" should contain \"" + fragment + "\"");
        }
    }
}
