package org.tapegrad.init;

import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;

/**
 * INTERFACE SKETCH (being implemented): torch.nn.init. Every function fills its tensor in place under
 * no-grad and returns it.
 */
public final class Init {
    private Init() {
    }

    public static Tensor uniform_(Tensor tensor, double a, double b, Generator generator) {
        throw new UnsupportedOperationException("uniform_: not implemented yet");
    }

    public static Tensor normal_(Tensor tensor, double mean, double std, Generator generator) {
        throw new UnsupportedOperationException("normal_: not implemented yet");
    }

    public static Tensor constant_(Tensor tensor, double value) {
        throw new UnsupportedOperationException("constant_: not implemented yet");
    }

    public static Tensor zeros_(Tensor tensor) {
        throw new UnsupportedOperationException("zeros_: not implemented yet");
    }

    public static Tensor ones_(Tensor tensor) {
        throw new UnsupportedOperationException("ones_: not implemented yet");
    }

    public static Tensor kaimingUniform_(Tensor tensor, double a, FanMode mode, String nonlinearity,
            Generator generator) {
        throw new UnsupportedOperationException("kaimingUniform_: not implemented yet");
    }

    public static Tensor kaimingNormal_(Tensor tensor, double a, FanMode mode, String nonlinearity,
            Generator generator) {
        throw new UnsupportedOperationException("kaimingNormal_: not implemented yet");
    }

    /** (fan_in, fan_out) of a weight of at least 2 dimensions. */
    public static Fans fans(Tensor tensor) {
        throw new UnsupportedOperationException("fans: not implemented yet");
    }

    public static double calculateGain(String nonlinearity, Double param) {
        throw new UnsupportedOperationException("calculateGain: not implemented yet");
    }
}
