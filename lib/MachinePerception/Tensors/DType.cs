namespace MachinePerception.Tensors;

/// <summary>Element type of a tensor: float32 for training, float64 for every gradient check and numeric identity.</summary>
public enum DType
{
    Float32,
    Float64,
}

public static class DTypeExtensions
{
    public static string Name(this DType dtype) => dtype == DType.Float32 ? "float32" : "float64";

    public static int SizeInBytes(this DType dtype) => dtype == DType.Float32 ? 4 : 8;
}
