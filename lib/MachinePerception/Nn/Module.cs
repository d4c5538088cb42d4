using MachinePerception.Tensors;

namespace MachinePerception.Nn;

/// <summary>
/// A part of a neural network that owns trainable parameters (§10): a layer, a block of layers, a whole model.
/// Parameters, buffers (state that is saved but not trained, such as BatchNorm's running statistics) and child
/// modules are registered by name in the constructor; <see cref="NamedParameters"/> lists them recursively in
/// registration order ("encoder.0.weight"), so the order is the same on every run and every machine —
/// optimizers and the parameter file rely on it.
/// A parameter is a plain leaf <see cref="Tensor"/> with <see cref="Tensor.RequiresGrad"/> set. Layers read their
/// parameters back by name (<c>Weight =&gt; Parameter("weight")</c>), so <see cref="To(Device)"/> and
/// <see cref="To(DType)"/> can replace them with moved or converted copies.
/// </summary>
public abstract class Module
{
    readonly List<(string Name, Tensor Value)> parameters = [];
    readonly List<(string Name, Tensor Value)> buffers = [];
    readonly List<(string Name, Module Value)> children = [];

    /// <summary>True in training mode (the default): Dropout drops, BatchNorm uses batch statistics.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>
    /// Registers a trainable parameter: makes it a leaf that requires a gradient and names it. Read it back with
    /// <see cref="Parameter"/> rather than keeping the returned tensor in a field, so that <see cref="To(Device)"/> reaches it.
    /// </summary>
    protected Tensor RegisterParameter(string name, Tensor value)
    {
        CheckName(name);
        if (!value.IsLeaf)
            throw new ArgumentException($"{GetType().Name}.RegisterParameter: '{name}' {value.Shape} was computed from other tensors; pass a leaf (use Detach())");
        value.RequiresGrad = true;
        value.Name = name;
        parameters.Add((name, value));
        return value;
    }

    /// <summary>Registers a buffer: state that is saved and loaded with the parameters but never trained.</summary>
    protected Tensor RegisterBuffer(string name, Tensor value)
    {
        CheckName(name);
        value.Name = name;
        buffers.Add((name, value));
        return value;
    }

    /// <summary>The registered parameter <paramref name="name"/> (layers expose their parameters through this, so <see cref="To(Device)"/> can replace them).</summary>
    protected Tensor Parameter(string name) =>
        TryParameter(name) ?? throw new KeyNotFoundException($"{GetType().Name}: no parameter '{name}'");

    /// <summary>The registered parameter <paramref name="name"/>, or null (optional parameters such as a bias).</summary>
    protected Tensor? TryParameter(string name)
    {
        // a layer owns one to four parameters: scanning them is cheaper than hashing the name
        foreach (var (n, p) in parameters) if (n == name) return p;
        return null;
    }

    /// <summary>The registered buffer <paramref name="name"/>.</summary>
    protected Tensor Buffer(string name)
    {
        foreach (var (n, b) in buffers) if (n == name) return b;
        throw new KeyNotFoundException($"{GetType().Name}: no buffer '{name}'");
    }

    /// <summary>Registers a child module; its parameters appear under "name.".</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        children.Add((name, module));
        return module;
    }

    void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{GetType().Name}: '{name}' is not a valid name (non-empty, no '.')");
        if (parameters.Any(p => p.Name == name) || buffers.Any(b => b.Name == name) || children.Any(c => c.Name == name))
            throw new ArgumentException($"{GetType().Name}: the name '{name}' is already registered");
    }

    /// <summary>Every trainable parameter with its dotted path, own parameters first, then each child's in order.</summary>
    public IEnumerable<(string Name, Tensor Value)> NamedParameters(string prefix = "")
    {
        foreach (var (name, p) in parameters) yield return (prefix + name, p);
        foreach (var (name, child) in children)
            foreach (var item in child.NamedParameters(prefix + name + "."))
                yield return item;
    }

    /// <summary>Every buffer with its dotted path, in the same order as <see cref="NamedParameters"/>.</summary>
    public IEnumerable<(string Name, Tensor Value)> NamedBuffers(string prefix = "")
    {
        foreach (var (name, b) in buffers) yield return (prefix + name, b);
        foreach (var (name, child) in children)
            foreach (var item in child.NamedBuffers(prefix + name + "."))
                yield return item;
    }

    /// <summary>The trainable parameters, in the order of <see cref="NamedParameters"/> (what an optimizer takes).</summary>
    public Tensor[] Parameters() => NamedParameters().Select(p => p.Value).ToArray();

    /// <summary>The direct children, in registration order.</summary>
    public IEnumerable<(string Name, Module Value)> Children() => children;

    /// <summary>The number of trainable numbers (the size of every parameter, summed).</summary>
    public long ParameterCount => NamedParameters().Sum(p => (long)p.Value.Size);

    /// <summary>Training mode for this module and all its children.</summary>
    public Module Train(bool on = true)
    {
        Training = on;
        foreach (var (_, child) in children) child.Train(on);
        return this;
    }

    /// <summary>Evaluation mode (Dropout is the identity, BatchNorm uses its running statistics).</summary>
    public Module Eval() => Train(false);

    /// <summary>
    /// Moves every parameter and buffer (recursively) to <paramref name="device"/>: each is replaced by a new leaf
    /// with the same name, so create the optimizer after moving the model. Gradients are dropped. Returns this.
    /// </summary>
    public Module To(Device device) => Convert(t => t.To(device));

    /// <summary>Converts every parameter and buffer (recursively) to <paramref name="dtype"/>, e.g. float64 for a gradient check. Returns this.</summary>
    public Module To(DType dtype) => Convert(t => t.To(dtype));

    Module Convert(Func<Tensor, Tensor> convert)
    {
        for (int i = 0; i < parameters.Count; i++)
        {
            var (name, p) = parameters[i];
            var moved = convert(p.Detach()); // a detached input: the result is a new leaf, not a node of a graph
            if (ReferenceEquals(moved.Storage, p.Storage)) continue;
            moved.RequiresGrad = true;
            moved.Name = name;
            parameters[i] = (name, moved);
        }
        for (int i = 0; i < buffers.Count; i++)
        {
            var (name, b) = buffers[i];
            var moved = convert(b.Detach());
            if (ReferenceEquals(moved.Storage, b.Storage)) continue;
            moved.Name = name;
            buffers[i] = (name, moved);
        }
        foreach (var (_, child) in children) child.Convert(convert);
        return this;
    }

    /// <summary>Forgets the accumulated gradients of every parameter (call before each backward pass).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.Grad = null;
    }

    /// <summary>Writes the parameters and buffers to a file (format: <see cref="Serialization"/>).</summary>
    public void Save(string path) => Serialization.Save(this, path);

    /// <summary>Reads parameters and buffers saved by <see cref="Save"/>; names, shapes and dtypes must match.</summary>
    public void Load(string path) => Serialization.Load(this, path);

    /// <summary>A one-line description; containers list their children.</summary>
    public override string ToString() => GetType().Name;
}

/// <summary>A module that maps one tensor to one tensor, so it can be stacked in a <see cref="Sequential"/>.</summary>
public abstract class Layer : Module
{
    public abstract Tensor Forward(Tensor x);
}
