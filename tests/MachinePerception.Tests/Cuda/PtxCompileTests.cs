using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.CPU;
using MachinePerception.Backends.Cuda;

namespace MachinePerception.Tests.Cuda;

/// <summary>
/// Every kernel compiled to PTX for the oldest and newest GPU generation the backend supports, without a GPU:
/// ILGPU's PTX backend runs offline. (No ptxas here: the PTX is generated and checked, not assembled.)
/// </summary>
public class PtxCompileTests
{
    public static TheoryData<string> KernelNames() => [.. KernelCatalog.All().Select(k => k.Name)];

    // a compile error leaves an ILGPU Context unusable, so each architecture gets its own
    static string Compile(string name, CudaArchitecture arch, CudaInstructionSet isa)
    {
        var method = KernelCatalog.All().Single(k => k.Name == name).Method;
        using var context = Context.Create(b => b.CPU(new CPUDevice(4, 4, 1)).EnableAlgorithms().Optimize(OptimizationLevel.O1));
        var backend = new PTXBackend(context, new CudaCapabilityContext(arch), arch, isa, null);
        var compiled = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(method), KernelSpecialization.Empty);
        return compiled.PTXAssembly;
    }

    [Theory]
    [MemberData(nameof(KernelNames))]
    public void Kernel_compiles_to_ptx_for_sm60_and_sm90(string name)
    {
        var oldest = Compile(name, CudaArchitecture.SM_60, CudaInstructionSet.ISA_60);
        Assert.Contains(".target sm_60", oldest);
        Assert.Contains(".entry", oldest);
        var newest = Compile(name, CudaArchitecture.SM_90, CudaInstructionSet.ISA_80);
        Assert.Contains(".entry", newest);
        // an unresolved intrinsic (e.g. MathF.FusedMultiplyAdd) compiles to an .extern call that fails at load time
        Assert.DoesNotContain(".extern", oldest);
    }

    [Theory]
    [InlineData("GemmKernels.Gemm<Single, Float32Math, LargeTile>")]
    [InlineData("GemmKernels.Gemm<Double, Float64Math, LargeTile>")]
    public void Gemm_keeps_its_8x8_block_in_registers(string name)
    {
        var ptx = Compile(name, CudaArchitecture.SM_90, CudaInstructionSet.ISA_80);
        Assert.DoesNotContain(".local", ptx); // no spill of the accumulators to local memory
        string type = name.Contains("Single") ? "f32" : "f64";
        // one k step of the 8×8 block: 64 multiplies and 64 adds (ptxas contracts each pair into an FMA)
        Assert.Equal(64, ptx.Split('\n').Count(l => l.TrimStart().StartsWith($"mul.{type}")));
        Assert.Equal(2, ptx.Split('\n').Count(l => l.TrimStart().StartsWith("bar.sync")));
    }

    [Fact]
    public void Catalog_lists_the_rendering_kernels_of_chapter_8()
    {
        var names = KernelCatalog.All().Select(k => k.Name).ToList();
        foreach (var family in new[] { "SphereTrace", "VolumeComposite", "HashGridLookup", "SplatRasterize" })
            foreach (var type in new[] { "Single", "Double" })
                Assert.Contains($"RenderingKernels.{family}<{type}, {(type == "Single" ? "Float32Math" : "Float64Math")}>", names);
    }

    [Fact]
    public void Catalog_lists_every_kernel_family_in_both_element_types()
    {
        var names = KernelCatalog.All().Select(k => k.Name).ToList();
        foreach (var family in new[] { "Gemm", "Unary", "Binary", "Where", "ReduceRows", "ReduceColumns", "Softmax", "Im2Col", "Col2Im", "MaxPool2d", "AvgPool2d", "AvgPool2dBackward", "Gather", "ScatterAdd", "StridedCopy", "StridedWrite", "Fill" })
        {
            Assert.Contains(names, n => n.Contains($".{family}<Single"));
            Assert.Contains(names, n => n.Contains($".{family}<Double"));
        }
    }
}
