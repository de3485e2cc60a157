package org.tapegrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link Tape}: the recorded operations of a result in execution order with their output shapes, and a
 * Graphviz rendering with one node per operation and per leaf and an edge from each input to its consumer.
 */
class TapeTest {
    private static final Pattern NODE = Pattern.compile("^\\s*(\\w+) \\[(shape=box, )?label=\"([^\"]*)\"\\];$");
    private static final Pattern EDGE = Pattern.compile("^\\s*(\\w+) -> (\\w+);$");

    /** The parsed Graphviz output: node id → label, which ids are boxes, and the edges as "label -> label". */
    private record Dot(Map<String, String> labels, Set<String> boxes, List<String> edges) {
        static Dot parse(String dot) {
            assertTrue(dot.startsWith("digraph tape {\n"), dot);
            assertTrue(dot.endsWith("}\n"), dot);
            Map<String, String> labels = new HashMap<>();
            Set<String> boxes = new HashSet<>();
            List<String> edges = new ArrayList<>();
            String[] lines = dot.split("\n");
            for (int i = 1; i < lines.length - 1; i++) {
                String line = lines[i];
                Matcher node = NODE.matcher(line);
                Matcher edge = EDGE.matcher(line);
                if (node.matches()) {
                    labels.put(node.group(1), node.group(3));
                    if (node.group(2) != null) {
                        boxes.add(node.group(1));
                    }
                } else if (edge.matches()) {
                    assertTrue(labels.containsKey(edge.group(1)) && labels.containsKey(edge.group(2)),
                            "edge between undeclared nodes: " + line);
                    edges.add(labels.get(edge.group(1)) + " -> " + labels.get(edge.group(2)));
                } else {
                    assertTrue(line.trim().equals("rankdir=LR;"), "unexpected line: " + line);
                }
            }
            return new Dot(labels, boxes, edges);
        }
    }

    @Test
    void entriesListTheOperationsInExecutionOrderWithOutputShapes() {
        Tensor x = Tensor.ones(DType.FLOAT64, 2, 3).requiresGrad(true);
        Tensor w = Tensor.ones(DType.FLOAT64, 3, 4).requiresGrad(true);
        Tensor loss = x.matmul(w).relu().sum();
        List<Tape.Entry> entries = Tape.of(loss).entries();
        assertEquals(List.of("matmul", "relu", "sum"), entries.stream().map(Tape.Entry::op).toList());
        assertArrayEquals(new int[] {2, 4}, entries.get(0).outputShape());
        assertArrayEquals(new int[] {2, 4}, entries.get(1).outputShape());
        assertArrayEquals(new int[0], entries.get(2).outputShape());
        assertEquals("matmul [2, 4]\nrelu [2, 4]\nsum []\n", Tape.of(loss).toString());
    }

    @Test
    void branchesAppearInTheOrderTheyRanAndSharedNodesOnce() {
        Tensor x = Tensor.ones(DType.FLOAT64, 3).requiresGrad(true);
        Tensor a = x.exp();
        Tensor b = x.tanh();
        Tensor c = a.mul(b).add(a);
        Tensor loss = c.mean();
        assertEquals(List.of("exp", "tanh", "mul", "add", "mean"),
                Tape.of(loss).entries().stream().map(Tape.Entry::op).toList());
        assertEquals(5, Tape.of(loss).size());
    }

    @Test
    void operationsOnConstantsOnlyAreNotOnTheTape() {
        Tensor x = Tensor.ones(DType.FLOAT64, 3).requiresGrad(true);
        Tensor constant = Tensor.ones(DType.FLOAT64, 3).exp();
        Tensor y = x.mul(constant).sum();
        assertEquals(List.of("mul", "sum"), Tape.of(y).entries().stream().map(Tape.Entry::op).toList());
        assertEquals(0, Tape.of(constant).size());
        assertEquals(0, Tape.of(x).size());
    }

    @Test
    void toDotHasOneNodePerOperationAndLeafAndAnEdgeFromEachInputToItsConsumer() {
        Tensor x = Tensor.ones(DType.FLOAT64, 2, 3).named("x").requiresGrad(true);
        Tensor w = Tensor.ones(DType.FLOAT64, 3, 4).named("w").requiresGrad(true);
        Tensor constant = Tensor.ones(DType.FLOAT64, 4);
        Tensor h = x.matmul(w);
        Tensor loss = h.add(constant).relu().sum();
        Dot dot = Dot.parse(Tape.of(loss).toDot());
        assertEquals(6, dot.labels().size(), dot.labels().toString());
        assertEquals(Set.of("x\\n[2, 3]", "w\\n[3, 4]"), boxLabels(dot));
        assertEquals(Set.of("x\\n[2, 3] -> matmul\\n[2, 4]", "w\\n[3, 4] -> matmul\\n[2, 4]",
                "matmul\\n[2, 4] -> add\\n[2, 4]", "add\\n[2, 4] -> relu\\n[2, 4]", "relu\\n[2, 4] -> sum\\n[]"),
                Set.copyOf(dot.edges()));
        assertEquals(5, dot.edges().size());
    }

    @Test
    void toDotOfADiamondDrawsTheSharedNodeOnceWithTwoOutgoingEdges() {
        Tensor x = Tensor.ones(DType.FLOAT64, 3).requiresGrad(true);
        Tensor a = x.exp();
        Tensor loss = a.tanh().add(a.sigmoid()).sum();
        Dot dot = Dot.parse(Tape.of(loss).toDot());
        assertEquals(6, dot.labels().size());
        assertEquals(Set.of("leaf\\n[3]"), boxLabels(dot));
        long fromExp = dot.edges().stream().filter(e -> e.startsWith("exp")).count();
        assertEquals(2, fromExp);
        assertEquals(6, dot.edges().size(), dot.edges().toString());
    }

    private static Set<String> boxLabels(Dot dot) {
        Set<String> out = new HashSet<>();
        for (String id : dot.boxes()) {
            out.add(dot.labels().get(id));
        }
        return out;
    }
}
