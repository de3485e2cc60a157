package org.tapegrad.examples.seed;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.init.FanMode;
import org.tapegrad.init.Init;

/** The four initialisations the conv seed article compares. */
public enum Variant {
    /** Both conv weights 0. */
    ZEROS("zeros", "both convs zeros_(w)", false),
    /** The single-conv model with its weight 0. */
    ZEROS_SINGLE_CONV("zeros-single-conv", "conv2 alone, zeros_(w)", true),
    /** Both conv weights 5. */
    CONSTANT5("constant5", "both convs constant_(w, 5)", false),
    /** Both conv weights kaimingNormal_(w, fan_in, relu). */
    KAIMING("kaiming", "both convs kaimingNormal_(w, fan_in, \"relu\")", false);

    private final String id;
    private final String description;
    private final boolean singleConv;

    Variant(String id, String description, boolean singleConv) {
        this.id = id;
        this.description = description;
        this.singleConv = singleConv;
    }

    /** The name on the command line. */
    public String id() {
        return id;
    }

    /** What the variant does, for reports. */
    public String description() {
        return description;
    }

    /** Whether the model is conv2 alone. */
    public boolean singleConv() {
        return singleConv;
    }

    /** Fills a conv weight with this variant's initialisation. */
    public void initialise(Tensor weight, Generator generator) {
        switch (this) {
            case ZEROS, ZEROS_SINGLE_CONV -> Init.zeros_(weight);
            case CONSTANT5 -> Init.constant_(weight, 5);
            case KAIMING -> Init.kaimingNormal_(weight, 0, FanMode.FAN_IN, "relu", generator);
            default -> throw new IllegalStateException(name());
        }
    }

    /** The variant with this id (or enum name), any case. */
    public static Variant of(String id) {
        String wanted = id.toLowerCase(Locale.ROOT).replace('_', '-');
        for (Variant v : values()) {
            if (v.id.equals(wanted)) {
                return v;
            }
        }
        throw new IllegalArgumentException("conv: unknown variant '" + id + "'; known: all, " + ids());
    }

    /** Every id. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(Variant::id).toList();
    }

    @Override
    public String toString() {
        return id;
    }
}
