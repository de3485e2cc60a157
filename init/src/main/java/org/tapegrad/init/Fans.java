package org.tapegrad.init;

/** The fan-in and fan-out of a weight tensor, as torch.nn.init computes them. */
public record Fans(int fanIn, int fanOut) {
}
