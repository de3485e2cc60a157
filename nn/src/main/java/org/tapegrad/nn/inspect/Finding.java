package org.tapegrad.nn.inspect;

import java.util.Objects;

/**
 * One problem (or the absence of any) found in a layer, with the reason in words. This class is immutable.
 *
 * @param verdict what was found
 * @param reason  why, in a sentence that names the layers and numbers involved
 */
public record Finding(Verdict verdict, String reason) {
    public Finding {
        Objects.requireNonNull(verdict, "Finding: verdict is null");
        Objects.requireNonNull(reason, "Finding: reason is null");
    }
}
