package org.tapegrad.examples.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every PyTorch reference case of the implemented families passes through the conformance runner. */
class ConformanceTest {
    static final Path CASES = Path.of("src/test/resources/pytorch-cases");

    @TestFactory
    Stream<DynamicTest> everyReferenceCasePasses() throws IOException {
        List<ConformanceRunner.Result> results = new ConformanceRunner().run(CASES, null);
        assertFalse(results.isEmpty(), "no reference case was found in " + CASES.toAbsolutePath());
        return results.stream().map(r -> DynamicTest.dynamicTest(r.caseName(),
                () -> assertTrue(r.passed(), r.line())));
    }

    @Test
    void everyFamilyOfTheRunnerIsExercisedByACase() throws IOException {
        List<ConformanceRunner.Result> results = new ConformanceRunner().run(CASES, null);
        for (CaseFamily family : ConformanceRunner.allFamilies()) {
            assertTrue(results.stream().anyMatch(r -> r.family().equals(family.id())),
                    "no case ran for family " + family.id());
        }
    }

    @Test
    void aCaseNoFamilyHandlesFailsInsteadOfBeingSkipped(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        java.nio.file.Files.copy(CASES.resolve("sum_all.npz"), dir.resolve("frobnicate_all.npz"));
        List<ConformanceRunner.Result> results = new ConformanceRunner().run(dir, null);
        assertEquals(1, results.size());
        assertFalse(results.get(0).passed());
        assertTrue(results.get(0).line().contains("no family handles"), results.get(0).line());
    }

    @Test
    void aWrongExpectedValueIsReportedAsAFailure(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        var arrays = new java.util.LinkedHashMap<>(org.tapegrad.autograd.io.Npz.read(CASES.resolve("sum_all.npz")));
        double wrong = arrays.get("out").toDoubleArray()[0] + 1e-3;
        arrays.put("out", org.tapegrad.autograd.io.NpyArray.ofFloat64(new double[] {wrong}));
        org.tapegrad.autograd.io.Npz.write(arrays, dir.resolve("sum_all.npz"));
        List<ConformanceRunner.Result> results = new ConformanceRunner().run(dir, null);
        assertFalse(results.get(0).passed());
        assertTrue(results.get(0).line().startsWith("FAIL sum_all"), results.get(0).line());
    }
}
