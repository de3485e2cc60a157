package org.tapegrad.init;

import java.util.Locale;

/**
 * Which fan a Kaiming initialiser preserves the variance of: the forward pass ({@link #FAN_IN}: the
 * variance of each output of {@code y = W·x} stays that of the inputs) or the backward pass
 * ({@link #FAN_OUT}: the variance of the gradients flowing back to {@code x} is preserved).
 */
public enum FanMode {
    /** Use {@link Fans#fanIn()}; PyTorch's {@code mode='fan_in'}, the default. */
    FAN_IN("fan_in"),
    /** Use {@link Fans#fanOut()}; PyTorch's {@code mode='fan_out'}. */
    FAN_OUT("fan_out");

    private final String pytorchName;

    FanMode(String pytorchName) {
        this.pytorchName = pytorchName;
    }

    /**
     * Parses PyTorch's mode string. Like {@code _calculate_correct_fan}, the string is lower-cased first,
     * so {@code "FAN_IN"} is accepted.
     *
     * @throws IllegalArgumentException {@code "Mode {mode} not supported, please use one of ['fan_in', 'fan_out']"}
     *         with the lower-cased mode, as PyTorch words it
     */
    public static FanMode of(String mode) {
        String lower = mode == null ? "null" : mode.toLowerCase(Locale.ROOT);
        for (FanMode m : values()) {
            if (m.pytorchName.equals(lower)) {
                return m;
            }
        }
        throw new IllegalArgumentException("Mode " + lower + " not supported, please use one of ['fan_in', 'fan_out']");
    }

    /** The fan this mode selects. */
    public int select(Fans fans) {
        return this == FAN_IN ? fans.fanIn() : fans.fanOut();
    }

    /** PyTorch's spelling: {@code fan_in} or {@code fan_out}. */
    public String pytorchName() {
        return pytorchName;
    }
}
