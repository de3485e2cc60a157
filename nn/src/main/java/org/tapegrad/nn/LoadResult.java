package org.tapegrad.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@link Module#loadStateDict} found when it compared a state dict with the module: the keys the
 * module has but the state dict lacks, the keys the state dict has but the module lacks, and the keys
 * whose shapes differ. Like the {@code (missing_keys, unexpected_keys)} result of PyTorch's
 * {@code load_state_dict}, extended with the shape mismatches (which PyTorch always raises on).
 *
 * <p>This class is immutable.
 *
 * @param missingKeys keys of the module absent from the state dict, in the module's order
 * @param unexpectedKeys keys of the state dict that the module does not have, in the state dict's order
 * @param shapeMismatches keys present in both whose shapes differ, in the module's order
 */
public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys, List<ShapeMismatch> shapeMismatches) {

    /**
     * A key whose tensor in the state dict has another shape than in the module.
     *
     * @param key the dotted name
     * @param checkpointShape the shape in the state dict
     * @param modelShape the shape in the module
     */
    public record ShapeMismatch(String key, List<Integer> checkpointShape, List<Integer> modelShape) {
        public ShapeMismatch {
            checkpointShape = List.copyOf(checkpointShape);
            modelShape = List.copyOf(modelShape);
        }

        /** PyTorch's wording: {@code size mismatch for 0.weight: copying a param with shape [3, 2] …}. */
        @Override
        public String toString() {
            return "size mismatch for " + key + ": copying a param with shape " + checkpointShape
                    + " from checkpoint, the shape in current model is " + modelShape + ".";
        }
    }

    public LoadResult {
        missingKeys = List.copyOf(missingKeys);
        unexpectedKeys = List.copyOf(unexpectedKeys);
        shapeMismatches = List.copyOf(shapeMismatches);
    }

    /** Whether every key matched in name and shape (strict loading succeeds exactly then). */
    public boolean isClean() {
        return missingKeys.isEmpty() && unexpectedKeys.isEmpty() && shapeMismatches.isEmpty();
    }

    /**
     * All problems in one message, in PyTorch's format:
     * <pre>
     * Error(s) in loading state_dict for Sequential:
     *     Missing key(s) in state_dict: "0.bias", "1.running_mean".
     *     Unexpected key(s) in state_dict: "2.weight".
     *     size mismatch for 0.weight: copying a param with shape [3, 2] from checkpoint, the shape in current model is [4, 2].
     * </pre>
     * (lines indented by a tab).
     *
     * @param target what was being loaded, e.g. the module's class name
     */
    public String errorMessage(String target) {
        List<String> lines = new ArrayList<>();
        if (!missingKeys.isEmpty()) {
            lines.add("Missing key(s) in state_dict: " + quoted(missingKeys) + ".");
        }
        if (!unexpectedKeys.isEmpty()) {
            lines.add("Unexpected key(s) in state_dict: " + quoted(unexpectedKeys) + ".");
        }
        for (ShapeMismatch mismatch : shapeMismatches) {
            lines.add(mismatch.toString());
        }
        return "Error(s) in loading state_dict for " + target + ":\n\t" + String.join("\n\t", lines);
    }

    private static String quoted(List<String> keys) {
        return keys.stream().map(k -> "\"" + k + "\"").collect(Collectors.joining(", "));
    }
}
