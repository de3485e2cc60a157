package org.tapegrad.nn;

import java.util.List;
import org.tapegrad.autograd.Tensor;

/**
 * A chain of modules applied in order, PyTorch's {@code nn.Sequential}: the output of each is the
 * input of the next. The children are named {@code "0"}, {@code "1"}, …, so their parameters are
 * {@code 0.weight}, {@code 0.bias}, and so on. Input and output shapes are those of the first and last
 * module; an empty Sequential returns its input.
 */
public final class Sequential extends Module {

    /** The modules in the order they are applied. */
    public Sequential(Module... modules) {
        for (Module m : modules) {
            append(m);
        }
    }

    /** The modules in the order they are applied. */
    public Sequential(List<? extends Module> modules) {
        for (Module m : modules) {
            append(m);
        }
    }

    /** Adds a module at the end, named by its position; returns this Sequential. */
    public Sequential append(Module module) {
        registerModule(Integer.toString(size()), module);
        return this;
    }

    /** The module at {@code index}. */
    public Module get(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException("Sequential: index " + index + " is out of range for " + size()
                    + " modules");
        }
        return namedChildren().get(Integer.toString(index));
    }

    /** The number of modules. */
    public int size() {
        return namedChildren().size();
    }

    @Override
    protected Tensor compute(Tensor input) {
        Tensor x = input;
        for (Module m : namedChildren().values()) {
            x = m.forward(x);
        }
        return x;
    }
}
