using System.Collections.Concurrent;
using System.Reflection;
using ILGPU;
using ILGPU.Runtime;

namespace MachinePerception.Backends.Cuda;

/// <summary>Marks a static method as a device kernel, so the PTX tests compile it for every supported GPU.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KernelAttribute : Attribute;

/// <summary>
/// Loads each kernel once per accelerator (ILGPU compiles on first load: milliseconds to seconds) and launches it.
/// Every kernel takes one argument struct, so one generic <see cref="Launch{TArgs}"/> serves them all.
/// </summary>
public sealed class KernelCache(Accelerator accelerator)
{
    readonly ConcurrentDictionary<MethodInfo, Delegate> loaded = new();

    public Accelerator Accelerator => accelerator;

    /// <summary>
    /// Threads per group for grid-stride and row kernels: 256 on a GPU (the size the row kernels' shared-memory trees
    /// are allocated for), fewer on a small test accelerator. A power of two, as the trees need.
    /// </summary>
    public int GroupSize => (int)Math.Min(ReductionKernels.MaxGroup, BitFloor(accelerator.MaxNumThreadsPerGroup));

    /// <summary>
    /// Makes the accelerator current on the calling thread. A CUDA context is per thread, and notebooks and test
    /// runners call from several threads; every entry point of the backend calls this first (cheap when already bound).
    /// </summary>
    public void Bind()
    {
        if (Accelerator.Current != accelerator) accelerator.Bind();
    }

    /// <summary>Runs <paramref name="kernel"/> with the given grid and group sizes on the accelerator's default stream.</summary>
    public void Launch<TArgs>(Action<TArgs> kernel, KernelConfig config, TArgs args) where TArgs : struct
    {
        Bind();
        var launcher = (Action<KernelConfig, TArgs>)loaded.GetOrAdd(kernel.Method, _ => accelerator.LoadStreamKernel(kernel));
        launcher(config, args);
    }

    /// <summary>
    /// A launch for a grid-stride kernel over <paramref name="n"/> items: enough groups to fill the device
    /// (a few per multiprocessor), never more than the items need. The kernel loops, so any grid is correct.
    /// </summary>
    public KernelConfig Elements(long n)
    {
        int group = GroupSize;
        long needed = Math.Max(1, (n + group - 1) / group);
        int grid = (int)Math.Min(needed, 8L * Math.Max(1, accelerator.NumMultiprocessors));
        return new KernelConfig(new Index3D(grid, 1, 1), new Index3D(group, 1, 1));
    }

    /// <summary>A launch for a row kernel: one group per row (grid-striding when rows outnumber the groups).</summary>
    public KernelConfig Rows(int rows)
    {
        int grid = Math.Max(1, Math.Min(rows, 65535));
        return new KernelConfig(new Index3D(grid, 1, 1), new Index3D(GroupSize, 1, 1));
    }

    static long BitFloor(long v)
    {
        long p = 1;
        while (p * 2 <= v) p *= 2;
        return p;
    }
}

/// <summary>Every kernel of the backend in every element type and tile it is launched with (the PTX tests compile them all).</summary>
public static class KernelCatalog
{
    /// <summary>
    /// Methods marked <see cref="KernelAttribute"/>, instantiated for float32 and float64 (T with its matching
    /// TMath) and for each GEMM tile. A new kernel is picked up here as soon as it carries the attribute.
    /// </summary>
    public static IEnumerable<(string Name, MethodInfo Method)> All()
    {
        var kernels = typeof(KernelCatalog).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.GetCustomAttribute<KernelAttribute>() is not null)
            .OrderBy(m => m.DeclaringType!.Name + "." + m.Name);
        foreach (var k in kernels)
        {
            if (!k.IsGenericMethodDefinition)
            {
                yield return ($"{k.DeclaringType!.Name}.{k.Name}", k);
                continue;
            }
            foreach (var (t, math) in new[] { (typeof(float), typeof(Float32Math)), (typeof(double), typeof(Float64Math)) })
                foreach (var tile in new[] { typeof(LargeTile), typeof(SmallTile) })
                {
                    var names = k.GetGenericArguments().Select(a => a.Name).ToArray();
                    if (tile == typeof(SmallTile) && !names.Contains("TTile")) continue;
                    var args = names.Select(n => n switch
                    {
                        "T" => t,
                        "TMath" => math,
                        "TTile" => tile,
                        _ => throw new InvalidOperationException($"KernelCatalog: {k.Name} has type parameter {n}; name it T, TMath or TTile"),
                    }).ToArray();
                    yield return ($"{k.DeclaringType!.Name}.{k.Name}<{string.Join(", ", args.Select(a => a.Name))}>", k.MakeGenericMethod(args));
                }
        }
    }
}
