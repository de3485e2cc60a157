package org.tapegrad.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recorded operations a result depends on, for reading and teaching: {@link #entries()} in the
 * order they ran, and {@link #toDot()} as a Graphviz graph (leaves as boxes, operations as ovals, edges
 * from each input to the operation that consumed it).
 *
 * <pre>{@code
 * Tape tape = Tape.of(loss);
 * tape.entries().forEach(System.out::println);   // "mul [3, 4]", "sum []", ...
 * Files.writeString(Path.of("graph.dot"), tape.toDot());
 * }</pre>
 */
public final class Tape {
    private final List<Node> nodes;
    private final List<Tensor> leaves;

    private Tape(List<Node> nodes, List<Tensor> leaves) {
        this.nodes = nodes;
        this.leaves = leaves;
    }

    /** One recorded operation: its name and the shape of its output. */
    public record Entry(String op, int[] outputShape) {
        @Override
        public String toString() {
            return op + " " + Shapes.format(outputShape);
        }
    }

    /** Collects the tape of {@code result} (empty if it was not produced by a recorded operation). */
    public static Tape of(Tensor result) {
        List<Node> nodes = new ArrayList<>();
        List<Tensor> leaves = new ArrayList<>();
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        Deque<Tensor> stack = new ArrayDeque<>();
        stack.push(result);
        seen.put(result, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Tensor t = stack.pop();
            Node node = t.gradFn();
            if (node == null) {
                if (t.requiresGrad()) {
                    leaves.add(t);
                }
                continue;
            }
            nodes.add(node);
            for (Tensor input : node.inputs()) {
                if (input != null && input.requiresGrad() && seen.put(input, Boolean.TRUE) == null) {
                    stack.push(input);
                }
            }
        }
        nodes.sort(Comparator.comparingLong(Node::sequenceNumber));
        return new Tape(nodes, leaves);
    }

    /** The operations in the order they were executed. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            out.add(new Entry(n.name(), n.outputShape()));
        }
        return out;
    }

    /** The number of recorded operations. */
    public int size() {
        return nodes.size();
    }

    /** The tape as a Graphviz {@code digraph}. */
    public String toDot() {
        StringBuilder sb = new StringBuilder("digraph tape {\n  rankdir=LR;\n");
        Map<Object, String> ids = new IdentityHashMap<>();
        for (Tensor leaf : leaves) {
            String id = "t" + ids.size();
            ids.put(leaf, id);
            String label = (leaf.name() == null ? "leaf" : leaf.name()) + "\\n" + Shapes.format(leaf.shape());
            sb.append("  ").append(id).append(" [shape=box, label=\"").append(label).append("\"];\n");
        }
        for (Node n : nodes) {
            String id = "n" + ids.size();
            ids.put(n, id);
            sb.append("  ").append(id).append(" [label=\"").append(n.name()).append("\\n")
                    .append(Shapes.format(n.outputShape())).append("\"];\n");
        }
        for (Node n : nodes) {
            for (Tensor input : n.inputs()) {
                if (input == null || !input.requiresGrad()) {
                    continue;
                }
                Object source = input.gradFn() != null ? input.gradFn() : input;
                String from = ids.get(source);
                if (from != null) {
                    sb.append("  ").append(from).append(" -> ").append(ids.get(n)).append(";\n");
                }
            }
        }
        return sb.append("}\n").toString();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries()) {
            sb.append(e).append('\n');
        }
        return sb.toString();
    }
}
