using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Optim;

// The optimizers' updates have a fast CPU loop and a device-independent form made of Backend primitives (used on
// the GPU). Here the second form runs on the CPU backend and must give the same parameters as the first.
// The switch is per thread, so other tests running at the same time keep the fast loops.
public class BackendPathTests
{
    static double[] Train(Func<Tensor[], Optimizer> make, DType dtype, bool backendPrimitives, int steps = 5)
    {
        var theta = new Rng(1).Normal([7], dtype: dtype).RequireGrad();
        var opt = make([theta]);
        InPlace.UseBackendPrimitives = backendPrimitives;
        try
        {
            for (int t = 0; t < steps; t++)
            {
                opt.ZeroGrad();
                // L = Σ (θ³/3 − θ) has gradient θ² − 1: curved, so the adaptive optimizers see changing gradients
                Op.Sum(Op.Pow(theta, 3) * (1.0 / 3) - theta).Backward();
                GradientClipping.ClipByGlobalNorm([theta], 2.0);
                opt.Step();
            }
        }
        finally { InPlace.UseBackendPrimitives = false; }
        return theta.ToDoubleArray();
    }

    public static TheoryData<string> Names => ["Sgd", "Momentum", "Nesterov", "AdaGrad", "RmsProp", "Adam", "AdamInside", "AdamW"];

    static Optimizer Make(string name, Tensor[] p) => name switch
    {
        "Sgd" => new Sgd(p, 0.1),
        "Momentum" => new Momentum(p, 0.1),
        "Nesterov" => new Nesterov(p, 0.1),
        "AdaGrad" => new AdaGrad(p, 0.1),
        "RmsProp" => new RmsProp(p, 0.01),
        "Adam" => new Adam(p, 0.1),
        "AdamInside" => new Adam(p, 0.1, epsilonInsideRoot: true),
        "AdamW" => new AdamW(p, 0.1, weightDecay: 0.3),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Backend_primitive_updates_equal_the_fast_cpu_loops(string name)
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var fast = Train(p => Make(name, p), dtype, backendPrimitives: false);
            var portable = Train(p => Make(name, p), dtype, backendPrimitives: true);
            double tol = dtype == DType.Float64 ? 1e-13 : 1e-5;
            for (int i = 0; i < fast.Length; i++)
                Assert.True(Math.Abs(fast[i] - portable[i]) <= tol, $"{name} {dtype.Name()} entry {i}: {fast[i]:R} vs {portable[i]:R}");
            Assert.NotEqual(new Rng(1).Normal([7], dtype: dtype).ToDoubleArray(), fast); // the parameters did move
        }
    }
}
