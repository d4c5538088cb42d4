namespace MachinePerception.Tensors;

/// <summary>Where a tensor's elements live. The CPU is the default; the CUDA backend adds its own device storage.</summary>
public enum Device
{
    Cpu,
    Cuda,
}

/// <summary>A flat buffer of elements on one device. Tensors are always contiguous and row-major.</summary>
public abstract class Storage
{
    public abstract int Length { get; }
    public abstract DType DType { get; }
    public abstract Device Device { get; }
}

/// <summary>A managed array on the CPU: <see cref="float"/>[] for float32, <see cref="double"/>[] for float64.</summary>
public sealed class CpuStorage<T> : Storage where T : unmanaged
{
    public readonly T[] Data;

    public CpuStorage(T[] data) => Data = data;

    public override int Length => Data.Length;
    public override DType DType => typeof(T) == typeof(float) ? DType.Float32 : DType.Float64;
    public override Device Device => Device.Cpu;
}
