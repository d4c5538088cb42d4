using MachinePerception.Tensors;

namespace MachinePerception.Ops;

/// <summary>Input checks shared by the ops: each error names the op and the shapes involved.</summary>
static class Guard
{
    public static void SameDTypeAndDevice(string op, Tensor a, Tensor b)
    {
        if (a.DType != b.DType)
            throw new ArgumentException($"{op}: dtypes differ ({a.DType.Name()} {a.Shape} vs {b.DType.Name()} {b.Shape}); convert one with .To(DType)");
        if (a.Device != b.Device)
            throw new ArgumentException($"{op}: devices differ ({a.Device} {a.Shape} vs {b.Device} {b.Shape}); move one with .To(Device)");
    }

    public static void Rank(string op, Tensor x, params int[] ranks)
    {
        if (Array.IndexOf(ranks, x.Rank) < 0)
            throw new ArgumentException($"{op}: expected rank {string.Join(" or ", ranks)}, got shape {x.Shape}");
    }

    public static void NotEmpty(string op, Tensor x)
    {
        if (x.Size == 0) throw new ArgumentException($"{op}: empty tensor {x.Shape}");
    }
}
