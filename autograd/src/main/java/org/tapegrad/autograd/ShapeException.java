package org.tapegrad.autograd;

/**
 * Thrown when the shapes given to an operation do not fit together. The message names the operation
 * and every shape involved, for example
 * {@code matmul: shapes [2, 3] and [4, 5] cannot be multiplied (3 != 4)}.
 */
public class ShapeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ShapeException(String message) {
        super(message);
    }
}
