package org.tapegrad.nn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.HookHandle;
import org.tapegrad.autograd.Tensor;

/**
 * A building block of a network, like PyTorch's {@code torch.nn.Module}: it owns parameters, buffers
 * and child modules, and maps an input tensor to an output tensor.
 *
 * <h2>Parameters, buffers, children</h2>
 * A <b>parameter</b> is a leaf {@link Tensor} that requires grad and is registered with
 * {@link #registerParameter} (see {@link Parameter}); tapegrad has no {@code Parameter} subclass ({@code Tensor} is final), so a
 * parameter is an ordinary tensor and goes straight into any operation. A <b>buffer</b>
 * ({@link #registerBuffer}) is state that is saved and loaded but not trained, such as BatchNorm's
 * running statistics. <b>Children</b> ({@link #registerModule}) are sub-modules. All three keep their
 * registration order, and their dotted names follow PyTorch's: a parameter {@code weight} of the child
 * {@code 0} is {@code 0.weight}; a buffer {@code running_mean} of the child {@code bn1} is
 * {@code bn1.running_mean}.
 *
 * <h2>Forward</h2>
 * Subclasses implement {@link #compute}; callers call {@link #forward}, which runs {@code compute} and
 * then the forward hooks (PyTorch's {@code module(x)}). Container modules call their children's
 * {@code forward}, so hooks fire at every level. A hand-written model:
 * <pre>{@code
 * final class TwoLayer extends Module {
 *     private final Linear hidden = registerModule("hidden", new Linear(10, 16));
 *     private final Linear out = registerModule("out", new Linear(16, 4));
 *
 *     protected Tensor compute(Tensor x) {
 *         return out.forward(hidden.forward(x).relu());   // parameters: hidden.weight, hidden.bias, out.weight, out.bias
 *     }
 * }
 * }</pre>
 *
 * <h2>State</h2>
 * {@link #stateDict()} lists parameters then buffers of each module, parent before children, as PyTorch
 * does; {@link #save(Path)} writes it as a NumPy {@code .npz} archive and {@link #load(Path)} reads it
 * back.
 */
public abstract class Module {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Set<String> integerBuffers = new HashSet<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<Long, ForwardHook> forwardHooks = new LinkedHashMap<>();
    private long nextHookId;
    private boolean training = true;

    /** One state-dict entry, with whether it holds integers (saved as int64). */
    record StateEntry(String key, Tensor tensor, boolean integer) {
    }

    // ------------------------------------------------------------------ forward

    /**
     * The computation of this module; called by {@link #forward}. Implementations call their children
     * through {@code child.forward(x)} so that the children's hooks run.
     *
     * @param input not modified
     */
    protected abstract Tensor compute(Tensor input);

    /**
     * Runs the module: {@link #compute} and then every forward hook, in registration order.
     *
     * @param input not modified
     * @return the output of {@link #compute}
     */
    public final Tensor forward(Tensor input) {
        Tensor output = compute(input);
        if (!forwardHooks.isEmpty()) {
            for (ForwardHook hook : List.copyOf(forwardHooks.values())) {
                hook.afterForward(this, input, output);
            }
        }
        return output;
    }

    /**
     * Registers a hook that runs after every {@link #forward} of this module (not of its children:
     * register on each module of {@link #namedModules()} to see them all).
     *
     * @return a handle whose {@code remove()} unregisters the hook
     */
    public final HookHandle registerForwardHook(ForwardHook hook) {
        if (hook == null) {
            throw new NullPointerException("registerForwardHook: hook is null");
        }
        long id = nextHookId++;
        forwardHooks.put(id, hook);
        return () -> forwardHooks.remove(id);
    }

    // ------------------------------------------------------------------ registration

    /**
     * Registers a parameter: marks {@code value} as requiring grad and adds it under {@code name}.
     * A null value reserves the name without a parameter (as PyTorch's {@code register_parameter(name,
     * None)} for a disabled bias): it appears in no listing.
     *
     * @param value a leaf tensor, or null; modified (its requires-grad flag is set)
     * @return {@code value}
     * @throws IllegalArgumentException if the name is empty, contains a dot or is already taken, or
     *     the value is not a leaf
     */
    protected final Tensor registerParameter(String name, Tensor value) {
        checkNewName("parameter", name);
        if (value != null) {
            if (!value.isLeaf()) {
                throw new IllegalArgumentException(typeName() + ": cannot assign a non-leaf tensor to parameter '" + name
                        + "'; model parameters must be created explicitly (use detach() to get a leaf)");
            }
            value.requiresGrad(true);
        }
        parameters.put(name, value);
        return value;
    }

    /**
     * Registers a buffer: state that is saved and loaded with the parameters but is not trained.
     * A null value reserves the name (as for a BatchNorm without running statistics).
     *
     * @param value not modified
     * @return {@code value}
     * @throws IllegalArgumentException if the name is empty, contains a dot or is already taken
     */
    protected final Tensor registerBuffer(String name, Tensor value) {
        checkNewName("buffer", name);
        buffers.put(name, value);
        return value;
    }

    /**
     * Registers a buffer that holds whole numbers (a float64 tensor of exact integers), saved as int64
     * like PyTorch's {@code num_batches_tracked}.
     *
     * @return {@code value}
     */
    protected final Tensor registerIntegerBuffer(String name, Tensor value) {
        registerBuffer(name, value);
        integerBuffers.add(name);
        return value;
    }

    /**
     * Registers a child module under {@code name}.
     *
     * @return {@code module}
     * @throws IllegalArgumentException if the name is empty, contains a dot or is already taken
     */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkNewName("module", name);
        if (module == null) {
            throw new NullPointerException(typeName() + ": module '" + name + "' is null");
        }
        children.put(name, module);
        return module;
    }

    private void checkNewName(String kind, String name) {
        if (name == null) {
            throw new NullPointerException(typeName() + ": " + kind + " name is null");
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException(typeName() + ": " + kind + " name can't be empty string \"\"");
        }
        if (name.contains(".")) {
            throw new IllegalArgumentException(typeName() + ": " + kind + " name can't contain \".\", got: " + name);
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(typeName() + ": attribute '" + name + "' already exists");
        }
    }

    // ------------------------------------------------------------------ walking the tree

    /** The direct children, in registration order. */
    public final List<Module> children() {
        return List.copyOf(children.values());
    }

    /** The direct children by name, in registration order (an unmodifiable view). */
    public final Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * This module and all its descendants, parent before children, each once even if it is reachable
     * by several paths; this module's name is {@code ""}, the others are dotted ({@code "block.0"}).
     */
    public final Map<String, Module> namedModules() {
        Map<String, Module> result = new LinkedHashMap<>();
        collectModules("", this, result, Collections.newSetFromMap(new IdentityHashMap<>()));
        return result;
    }

    /** The modules of {@link #namedModules()}, this one first. */
    public final List<Module> modules() {
        return List.copyOf(namedModules().values());
    }

    private static void collectModules(String prefix, Module module, Map<String, Module> out, Set<Module> seen) {
        if (!seen.add(module)) {
            return;
        }
        out.put(prefix, module);
        for (Map.Entry<String, Module> child : module.children.entrySet()) {
            collectModules(join(prefix, child.getKey()), child.getValue(), out, seen);
        }
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    /**
     * Every parameter of this module and its descendants by dotted name, in PyTorch's order (each
     * module's own parameters, then its children's); a tensor shared by two modules is listed once.
     */
    public final Map<String, Tensor> namedParameters() {
        return collectMembers(true);
    }

    /** The tensors of {@link #namedParameters()}, in the same order: what an optimiser takes. */
    public final List<Tensor> parameters() {
        return List.copyOf(namedParameters().values());
    }

    /** Every buffer of this module and its descendants by dotted name, each tensor once. */
    public final Map<String, Tensor> namedBuffers() {
        return collectMembers(false);
    }

    private Map<String, Tensor> collectMembers(boolean wantParameters) {
        Map<String, Tensor> result = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<String, Module> entry : namedModules().entrySet()) {
            Module m = entry.getValue();
            for (Map.Entry<String, Tensor> member : (wantParameters ? m.parameters : m.buffers).entrySet()) {
                Tensor t = member.getValue();
                if (t != null && seen.add(t)) {
                    result.put(join(entry.getKey(), member.getKey()), t);
                }
            }
        }
        return result;
    }

    // ------------------------------------------------------------------ modes and gradients

    /** Whether this module is in training mode (the default). */
    public final boolean isTraining() {
        return training;
    }

    /** Sets training mode on this module and all its descendants; returns this module. */
    public Module train(boolean mode) {
        training = mode;
        for (Module child : children.values()) {
            child.train(mode);
        }
        return this;
    }

    /** {@code train(true)}. */
    public final Module train() {
        return train(true);
    }

    /** {@code train(false)}: evaluation mode (BatchNorm then uses its running statistics). */
    public final Module eval() {
        return train(false);
    }

    /** Sets the gradient of every parameter to null, as PyTorch's {@code zero_grad(set_to_none=True)}. */
    public void zeroGrad() {
        for (Tensor p : parameters()) {
            p.zeroGrad();
        }
    }

    // ------------------------------------------------------------------ state dict

    /**
     * The parameters and buffers of this module and its descendants by dotted name, in PyTorch's
     * {@code state_dict()} order: for each module, parent first, its parameters, then its buffers.
     * The tensors are detached views sharing storage with the module (changing them changes the module).
     *
     * @return a new, modifiable map
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> result = new LinkedHashMap<>();
        for (StateEntry entry : stateEntries()) {
            result.put(entry.key(), entry.tensor());
        }
        return result;
    }

    /** The state-dict entries, with the integer flag that saving needs. */
    final List<StateEntry> stateEntries() {
        List<StateEntry> entries = new ArrayList<>();
        collectState("", entries);
        return entries;
    }

    private void collectState(String prefix, List<StateEntry> out) {
        for (Map.Entry<String, Tensor> p : parameters.entrySet()) {
            if (p.getValue() != null) {
                out.add(new StateEntry(join(prefix, p.getKey()), p.getValue().detach(), false));
            }
        }
        for (Map.Entry<String, Tensor> b : buffers.entrySet()) {
            if (b.getValue() != null) {
                out.add(new StateEntry(join(prefix, b.getKey()), b.getValue().detach(),
                        integerBuffers.contains(b.getKey())));
            }
        }
        for (Map.Entry<String, Module> child : children.entrySet()) {
            child.getValue().collectState(join(prefix, child.getKey()), out);
        }
    }

    /**
     * Copies the tensors of {@code stateDict} into this module's parameters and buffers (in place, under
     * no-grad, converting the element type), matching them by dotted name.
     *
     * <p>With {@code strict}, every key must match in name and shape; otherwise nothing is loaded and
     * one exception lists all missing keys, unexpected keys and shape mismatches. Without it, the
     * entries that match are loaded and the rest is reported in the result (PyTorch raises on shape
     * mismatches even then; here they are reported like the other problems).
     *
     * @param stateDict not modified
     * @return what did not match (empty lists after a successful strict load)
     * @throws IllegalArgumentException in strict mode, if any key is missing, unexpected or of the
     *     wrong shape; the message lists them all
     */
    public final LoadResult loadStateDict(Map<String, Tensor> stateDict, boolean strict) {
        return loadStateDict(stateDict, strict, typeName());
    }

    final LoadResult loadStateDict(Map<String, Tensor> stateDict, boolean strict, String target) {
        List<StateEntry> own = stateEntries();
        List<String> missing = new ArrayList<>();
        List<LoadResult.ShapeMismatch> mismatches = new ArrayList<>();
        List<StateEntry> loadable = new ArrayList<>();
        Set<String> ownKeys = new HashSet<>();
        for (StateEntry entry : own) {
            ownKeys.add(entry.key());
            Tensor source = stateDict.get(entry.key());
            if (source == null) {
                missing.add(entry.key());
            } else if (!Arrays.equals(source.shape(), entry.tensor().shape())) {
                mismatches.add(new LoadResult.ShapeMismatch(entry.key(), asList(source.shape()),
                        asList(entry.tensor().shape())));
            } else {
                loadable.add(entry);
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String key : stateDict.keySet()) {
            if (!ownKeys.contains(key)) {
                unexpected.add(key);
            }
        }
        LoadResult result = new LoadResult(missing, unexpected, mismatches);
        if (strict && !result.isClean()) {
            throw new IllegalArgumentException(result.errorMessage(target));
        }
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            for (StateEntry entry : loadable) {
                entry.tensor().copyFrom(stateDict.get(entry.key()));
            }
        }
        return result;
    }

    private static List<Integer> asList(int[] shape) {
        List<Integer> list = new ArrayList<>(shape.length);
        for (int s : shape) {
            list.add(s);
        }
        return list;
    }

    /**
     * Writes {@link #stateDict()} to a NumPy {@code .npz} archive ({@code numpy.load} reads it): one
     * array per key, float32 or float64 as the tensor, int64 for integer buffers such as
     * {@code num_batches_tracked}. The write is atomic: if it fails, a previous file at {@code path} is
     * left intact.
     *
     * @throws IOException if the file cannot be written; the message names it
     */
    public final void save(Path path) throws IOException {
        StateDictFiles.write(stateEntries(), path);
    }

    /**
     * Loads a file written by {@link #save} strictly (see {@link #loadStateDict}).
     *
     * @throws IOException if the file cannot be read or is not a valid {@code .npz}; the message names it
     * @throws IllegalArgumentException if the keys or shapes do not match; the message lists them all
     */
    public final void load(Path path) throws IOException {
        load(path, true);
    }

    /**
     * Loads a file written by {@link #save}; see {@link #loadStateDict} for {@code strict}.
     *
     * @return what did not match
     * @throws IOException if the file cannot be read or is not a valid {@code .npz}; the message names it
     */
    public final LoadResult load(Path path, boolean strict) throws IOException {
        Map<String, Tensor> state = StateDictFiles.read(path);
        return loadStateDict(state, strict, typeName() + " from " + path);
    }

    // ------------------------------------------------------------------ printing

    /** The name shown by {@link #toString()}: the class's simple name. */
    public String typeName() {
        String simple = getClass().getSimpleName();
        return simple.isEmpty() ? "Module" : simple;
    }

    /**
     * The module's settings as shown inside its parentheses by {@link #toString()}, PyTorch's
     * {@code extra_repr} (for example {@code in_features=10, out_features=16, bias=True}); empty by default.
     */
    protected String extraRepr() {
        return "";
    }

    /**
     * The module tree as PyTorch prints it:
     * <pre>
     * Sequential(
     *   (0): Linear(in_features=10, out_features=16, bias=True)
     *   (1): ReLU()
     * )
     * </pre>
     */
    @Override
    public String toString() {
        List<String> lines = new ArrayList<>();
        String extra = extraRepr();
        if (!extra.isEmpty()) {
            lines.addAll(Arrays.asList(extra.split("\n")));
        }
        int extraLines = lines.size();
        for (Map.Entry<String, Module> child : children.entrySet()) {
            lines.add("(" + child.getKey() + "): " + indentFollowingLines(child.getValue().toString()));
        }
        StringBuilder text = new StringBuilder(typeName()).append('(');
        if (extraLines == 1 && children.isEmpty()) {
            text.append(extra);
        } else if (!lines.isEmpty()) {
            text.append("\n  ").append(String.join("\n  ", lines)).append('\n');
        }
        return text.append(')').toString();
    }

    private static String indentFollowingLines(String text) {
        return text.replace("\n", "\n  ");
    }
}
