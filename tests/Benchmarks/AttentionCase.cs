using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Benchmarks;

/// <summary>
/// Causal self-attention, one head: x [16, 128, 64] → q, k, v by three <see cref="Linear"/> layers,
/// softmax(q kᵀ/√64 with the future masked to −∞) v, MSE to a random target (§3.1's masked attention).
/// </summary>
sealed class AttentionCase : TrainingStepCase
{
    const int B = 16, T = 128, D = 64;
    public override string Name => "attention-b16-t128-d64";

    // q, k, v (x needs no gradient), then q·kᵀ and a·v with the gradients of both operands
    protected override double Flops => 3 * Flop.Linear(B * T, D, D, inputGradient: false) + Flop.MatMul(B, T, T, D) + Flop.MatMul(B, T, D, T);

    protected override StepModel Build(Rng rng)
    {
        var model = new StepModel();
        var q = model.Layer("q", new Linear(D, D, rng));
        var k = model.Layer("k", new Linear(D, D, rng));
        var v = model.Layer("v", new Linear(D, D, rng));
        var x = model.Input("x", rng.Normal([B, T, D]));
        var target = model.Input("target", rng.Normal([B, T, D]));
        var future = new float[T * T];                      // 1 where key j lies after query i
        for (int i = 0; i < T; i++)
            for (int j = i + 1; j < T; j++) future[i * T + j] = 1;
        var mask = Tensor.FromArray(future, T, T);
        model.Loss = () =>
        {
            var scores = Op.MatMul(q.Forward(x), k.Forward(x), transB: true) * (1 / Math.Sqrt(D)); // [B, T, T]
            var a = Op.Softmax(Op.MaskedFill(scores, mask, double.NegativeInfinity));
            return Losses.Mse(Op.MatMul(a, v.Forward(x)), target);                                   // [B, T, D]
        };
        return model;
    }
}
