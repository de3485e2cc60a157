package org.tapegrad.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Combining the figures of several child JVMs of {@code bench}. */
class ForkFiguresTest {

    @Test
    void eachKeyGetsTheMedianOfTheForksInTheFirstForksOrder() {
        ForkFigures figures = new ForkFigures();
        figures.add("{\n  \"mlp_s\": 0.0201,\n  \"matmul_gflops\": 118.5,\n  \"threads\": 2\n}\n");
        figures.add("{\"mlp_s\": 0.0405, \"matmul_gflops\": 97.1, \"threads\": 2}");
        figures.add("{\"mlp_s\": 1.98E-2, \"matmul_gflops\": 121, \"threads\": 2}");
        assertEquals(3, figures.forks());
        assertEquals(List.of("mlp_s", "matmul_gflops", "threads"), figures.keys());
        assertEquals(List.of(0.0201, 0.0405, 0.0198), figures.of("mlp_s"));
        Map<String, Double> medians = figures.medians();
        assertEquals(List.of("mlp_s", "matmul_gflops", "threads"), List.copyOf(medians.keySet()));
        assertEquals(0.0201, medians.get("mlp_s"));
        assertEquals(118.5, medians.get("matmul_gflops"));
        assertEquals(2.0, medians.get("threads"));
    }

    @Test
    void theSpreadIsTheLargestFigureOverTheSmallest() {
        ForkFigures figures = new ForkFigures();
        figures.add("{\"mlp_s\": 0.0463, \"gflops\": 120, \"zero\": 0}");
        figures.add("{\"mlp_s\": 0.0211, \"gflops\": 120, \"zero\": 0}");
        figures.add("{\"mlp_s\": 0.0447, \"gflops\": 120, \"zero\": 0}");
        assertEquals(0.0463 / 0.0211, figures.spread("mlp_s"), 1e-12);
        assertEquals(1.0, figures.spread("gflops"));
        assertTrue(Double.isNaN(figures.spread("zero")), "no ratio of zeros");
        assertTrue(Double.isNaN(figures.spread("unknown")));
    }

    @Test
    void anEvenNumberOfForksTakesTheMeanOfTheMiddleTwo() {
        ForkFigures figures = new ForkFigures();
        for (String value : List.of("4", "1", "3", "2")) {
            figures.add("{\"x\": " + value + "}");
        }
        assertEquals(2.5, figures.medians().get("x"));
    }

    @Test
    void outputThatIsNotAJsonObjectIsRefusedWithWhatWasPrinted() {
        ForkFigures figures = new ForkFigures();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> figures.add("Exception in thread main\n"));
        assertTrue(e.getMessage().contains("bench: a child JVM printed no JSON object of figures: "
                + "'Exception in thread main'"), e.getMessage());
        assertEquals(0, figures.forks());
    }

    @Test
    void forksThatReportDifferentKeysAreRefused() {
        ForkFigures figures = new ForkFigures();
        figures.add("{\"a\": 1, \"b\": 2}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> figures.add("{\"a\": 1}"));
        assertEquals("bench: child JVM 2 reported [a], the first one [a, b]", e.getMessage());
    }
}
