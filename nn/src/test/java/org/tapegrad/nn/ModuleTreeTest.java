package org.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.nn.TestModules.Affine;
import org.tapegrad.nn.TestModules.Block;
import org.tapegrad.nn.TestModules.Open;

class ModuleTreeTest {

    @Test
    void parametersHaveDottedNamesInRegistrationOrder() {
        Sequential model = new Sequential(new Affine(2), new ReLU(), new Block(2));

        assertEquals(List.of("0.scale", "0.shift", "2.first.scale", "2.first.shift", "2.second.scale",
                "2.second.shift"), List.copyOf(model.namedParameters().keySet()));
        assertEquals(List.copyOf(model.namedParameters().values()), model.parameters());
    }

    @Test
    void parametersAreLeavesThatRequireGradAndWorkDirectlyInOps() {
        Affine affine = new Affine(new double[] {2, 3}, new double[] {1, 1});
        for (Tensor p : affine.parameters()) {
            assertTrue(p.requiresGrad());
            assertTrue(p.isLeaf());
        }

        Tensor y = affine.forward(Tensor.of(new double[] {1, 1}, 2));
        y.mul(Tensor.of(new double[] {1, 2}, 2)).sum().backward();

        assertEquals(List.of(1.0, 2.0), List.of(affine.scale.grad().get(0), affine.scale.grad().get(1)));
    }

    @Test
    void stateDictListsEachModulesParametersThenBuffersParentFirst() {
        Sequential model = new Sequential(new Affine(2), new Block(1));

        assertEquals(List.of("0.scale", "0.shift", "0.calls", "1.first.scale", "1.first.shift", "1.first.calls",
                "1.second.scale", "1.second.shift", "1.second.calls"), List.copyOf(model.stateDict().keySet()));
        assertEquals(List.of("0.calls", "1.first.calls", "1.second.calls"),
                List.copyOf(model.namedBuffers().keySet()));
    }

    @Test
    void stateDictTensorsShareStorageButAreDetached() {
        Affine affine = new Affine(2);
        Tensor scale = affine.stateDict().get("scale");

        assertFalse(scale.requiresGrad());
        assertEquals(affine.scale.get(1), scale.get(1));
        assertSame(affine.scale.storageArray(), scale.storageArray());
    }

    @Test
    void namedModulesWalksParentFirstWithTheRootNamedEmpty() {
        Block block = new Block(1);
        Sequential model = new Sequential(new ReLU(), block);

        assertEquals(List.of("", "0", "1", "1.first", "1.act", "1.second"), List.copyOf(model.namedModules().keySet()));
        assertSame(block.first, model.namedModules().get("1.first"));
        assertEquals(model.namedModules().values().stream().toList(), model.modules());
        assertEquals(List.of("0", "1"), List.copyOf(model.namedChildren().keySet()));
        assertEquals(2, model.children().size());
    }

    @Test
    void aModuleReachableTwiceIsListedOnceAndItsParametersOnce() {
        Affine shared = new Affine(2);
        Sequential model = new Sequential(shared, new ReLU(), shared);

        assertEquals(List.of("", "0", "1"), List.copyOf(model.namedModules().keySet()));
        assertEquals(List.of("0.scale", "0.shift"), List.copyOf(model.namedParameters().keySet()));
        // state_dict lists every path, as PyTorch's does.
        assertEquals(List.of("0.scale", "0.shift", "0.calls", "2.scale", "2.shift", "2.calls"),
                List.copyOf(model.stateDict().keySet()));
    }

    @Test
    void trainAndEvalPropagateToEveryDescendant() {
        Sequential model = new Sequential(new Affine(1), new Sequential(new Block(1), new ReLU()));
        assertTrue(model.modules().stream().allMatch(Module::isTraining));

        model.eval();
        assertTrue(model.modules().stream().noneMatch(Module::isTraining));

        model.train();
        assertTrue(model.modules().stream().allMatch(Module::isTraining));

        model.train(false);
        assertTrue(model.modules().stream().noneMatch(Module::isTraining));
    }

    @Test
    void zeroGradSetsEveryGradientToNull() {
        Sequential model = new Sequential(new Affine(2), new Block(2));
        model.forward(Tensor.of(new double[] {0.3, -0.7}, 2)).mul(Tensor.of(new double[] {0.5, 2}, 2)).sum().backward();
        assertTrue(model.parameters().stream().allMatch(p -> p.grad() != null));

        model.zeroGrad();

        assertTrue(model.parameters().stream().allMatch(p -> p.grad() == null));
    }

    @Test
    void sequentialAppliesItsModulesInOrder() {
        Affine doubling = new Affine(new double[] {2}, new double[] {0});
        Affine plusOne = new Affine(new double[] {1}, new double[] {1});

        Tensor y = new Sequential(doubling, plusOne).forward(Tensor.of(new double[] {3}, 1));
        Tensor z = new Sequential(plusOne, doubling).forward(Tensor.of(new double[] {3}, 1));

        assertEquals(7.0, y.get(0));
        assertEquals(8.0, z.get(0));
        assertEquals(3.0, new Sequential().forward(Tensor.of(new double[] {3}, 1)).get(0));
    }

    @Test
    void sequentialGetAndAppend() {
        ReLU relu = new ReLU();
        Sequential model = new Sequential(new Tanh());
        model.append(relu);

        assertEquals(2, model.size());
        assertSame(relu, model.get(1));
        assertEquals("Sequential: index 2 is out of range for 2 modules",
                assertThrows(IndexOutOfBoundsException.class, () -> model.get(2)).getMessage());
    }

    // ------------------------------------------------------------------ forward hooks

    private record Call(Module module, Tensor input, Tensor output) {
    }

    @Test
    void forwardHooksSeeTheModuleItsInputAndItsOutput() {
        Affine first = new Affine(new double[] {2}, new double[] {0});
        Tanh second = new Tanh();
        Sequential model = new Sequential(first, second);
        List<Call> calls = new ArrayList<>();
        for (Module m : model.modules()) {
            m.registerForwardHook((module, input, output) -> calls.add(new Call(module, input, output)));
        }
        Tensor x = Tensor.of(new double[] {0.25}, 1);

        Tensor y = model.forward(x);

        // Children finish first, then the container.
        assertEquals(List.of(first, second, model), calls.stream().map(Call::module).toList());
        assertSame(x, calls.get(0).input());
        assertSame(calls.get(0).output(), calls.get(1).input());
        assertEquals(0.5, calls.get(0).output().get(0));
        assertSame(y, calls.get(1).output());
        assertSame(x, calls.get(2).input());
        assertSame(y, calls.get(2).output());
    }

    @Test
    void removedHooksNoLongerFire() {
        ReLU relu = new ReLU();
        List<String> seen = new ArrayList<>();
        var a = relu.registerForwardHook((m, in, out) -> seen.add("a"));
        relu.registerForwardHook((m, in, out) -> seen.add("b"));
        Tensor x = Tensor.of(new double[] {1}, 1);

        relu.forward(x);
        a.remove();
        relu.forward(x);
        a.remove(); // a second remove does nothing

        assertEquals(List.of("a", "b", "b"), seen);
    }

    @Test
    void aHookMayRemoveItselfWhileRunning() {
        ReLU relu = new ReLU();
        List<String> seen = new ArrayList<>();
        var holder = new org.tapegrad.autograd.HookHandle[1];
        holder[0] = relu.registerForwardHook((m, in, out) -> {
            seen.add("once");
            holder[0].remove();
        });

        relu.forward(Tensor.of(new double[] {1}, 1));
        relu.forward(Tensor.of(new double[] {1}, 1));

        assertEquals(List.of("once"), seen);
    }

    // ------------------------------------------------------------------ registration errors

    @Test
    void registrationRejectsEmptyDottedAndDuplicateNames() {
        Open open = new Open();
        open.parameter("weight", Tensor.of(new double[] {1}, 1));

        assertEquals("Open: parameter name can't be empty string \"\"", assertThrows(IllegalArgumentException.class,
                () -> open.parameter("", Tensor.of(new double[] {1}, 1))).getMessage());
        assertEquals("Open: module name can't contain \".\", got: a.b", assertThrows(IllegalArgumentException.class,
                () -> open.module("a.b", new ReLU())).getMessage());
        assertEquals("Open: attribute 'weight' already exists", assertThrows(IllegalArgumentException.class,
                () -> open.buffer("weight", Tensor.of(new double[] {1}, 1))).getMessage());
    }

    @Test
    void aParameterMustBeALeaf() {
        Open open = new Open();
        Tensor leaf = Tensor.of(new double[] {1}, 1).requiresGrad(true);

        String message = assertThrows(IllegalArgumentException.class, () -> open.parameter("w", leaf.mul(2.0)))
                .getMessage();

        assertEquals("Open: cannot assign a non-leaf tensor to parameter 'w'; model parameters must be created "
                + "explicitly (use detach() to get a leaf)", message);
    }

    @Test
    void aNullParameterReservesTheNameButIsNotListed() {
        Open open = new Open();
        assertNull(open.parameter("bias", null));

        assertTrue(open.namedParameters().isEmpty());
        assertTrue(open.stateDict().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> open.parameter("bias", Tensor.of(new double[] {1}, 1)));
    }
}
