using MachinePerception.Tensors;

namespace MachinePerception.Nn;

/// <summary>
/// Layers applied one after another, z⁽ˡ⁾ = f⁽ˡ⁾(z⁽ˡ⁻¹⁾) (§10, the MLP as a chain). The layers are named
/// "0", "1", ... so a parameter's path reads "2.weight".
/// </summary>
public sealed class Sequential : Layer
{
    readonly List<Layer> layers = [];

    public Sequential(params Layer[] layers)
    {
        foreach (var l in layers) Add(l);
    }

    /// <summary>Appends a layer; returns this, so construction can be chained.</summary>
    public Sequential Add(Layer layer)
    {
        RegisterModule(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        layers.Add(layer);
        return this;
    }

    public int Count => layers.Count;
    public Layer this[int i] => layers[i];

    public override Tensor Forward(Tensor x)
    {
        foreach (var l in layers) x = l.Forward(x);
        return x;
    }

    public override string ToString() => "Sequential(\n" + string.Join("\n", layers.Select((l, i) => $"  ({i}) {l}")) + "\n)";
}
