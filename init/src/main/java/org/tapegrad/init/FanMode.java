package org.tapegrad.init;

/** Which fan a Kaiming initialiser preserves the variance of: the forward pass (fan_in) or the backward pass (fan_out). */
public enum FanMode {
    FAN_IN, FAN_OUT
}
