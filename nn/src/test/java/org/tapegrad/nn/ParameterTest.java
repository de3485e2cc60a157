package org.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Tensor;

class ParameterTest {
    @Test
    void aParameterIsALeafThatRequiresGradAndSharesTheData() {
        Tensor data = Tensor.ones(DType.FLOAT64, 3).requiresGrad(true).mul(2.0);
        Tensor p = Parameter.of(data);
        assertTrue(p.isLeaf());
        assertTrue(p.requiresGrad());
        assertTrue(p.sharesStorageWith(data));
        assertFalse(data.isLeaf(), "the data itself is not changed");
    }
}
