package org.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code conformance DIR} command: one line per case, a closing count, and the exit status. */
class ConformanceCommandTest {
    private static final Path CASES = Path.of("src/test/resources/pytorch-cases");

    private static final class Run {
        final int status;
        final String out;

        Run(String... args) {
            PrintStream old = System.out;
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            try {
                status = Main.commandLine().execute(args);
            } finally {
                System.setOut(old);
            }
            out = buffer.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void passingCasesPrintPassLinesAndExitZero(@TempDir Path dir) throws Exception {
        Files.copy(CASES.resolve("matmul_2d.npz"), dir.resolve("matmul_2d.npz"));
        Files.copy(CASES.resolve("unary_tanh.npz"), dir.resolve("unary_tanh.npz"));
        Run run = new Run("conformance", dir.toString());
        assertEquals(0, run.status, run.out);
        assertTrue(run.out.contains("PASS matmul_2d"), run.out);
        assertTrue(run.out.contains("PASS unary_tanh"), run.out);
        assertTrue(run.out.strip().endsWith("2 passed, 0 failed"), run.out);
    }

    @Test
    void anUnknownFamilyFailsTheRun(@TempDir Path dir) throws Exception {
        Files.copy(CASES.resolve("matmul_2d.npz"), dir.resolve("matmul_2d.npz"));
        Files.copy(CASES.resolve("matmul_2d.npz"), dir.resolve("mystery_case.npz"));
        Run run = new Run("conformance", dir.toString());
        assertEquals(1, run.status, run.out);
        assertTrue(run.out.contains("FAIL mystery_case"), run.out);
        assertTrue(run.out.strip().endsWith("1 passed, 1 failed"), run.out);
    }

    @Test
    void anEmptyDirectoryIsAFailure(@TempDir Path dir) {
        Run run = new Run("conformance", dir.toString());
        assertEquals(1, run.status, run.out);
        assertTrue(run.out.strip().endsWith("0 passed, 0 failed"), run.out);
    }

    @Test
    void aMissingDirectoryIsAnError(@TempDir Path dir) {
        Run run = new Run("conformance", dir.resolve("nope").toString());
        assertTrue(run.status != 0);
    }
}
