using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Benchmarks;

/// <summary>
/// A Glow training step (§4, normalizing flows) on [64, 4, 14, 14] (a squeezed 28×28 image): four flow steps, each
/// ActNorm (per-channel shift and scale), an invertible 1×1 convolution in LU form W = P·L·(U + diag(sign·e^{log s}))
/// and an affine coupling (the second half of the channels shifted and scaled, σ(·+2), by a 3×3–1×1–3×3 network of
/// the first half, 64 hidden channels); the loss is the negative log-likelihood under N(0, I) per dimension,
/// ½‖z‖² − log|det ∂z/∂x| (the constant left out).
/// </summary>
sealed class GlowCase : TrainingStepCase
{
    const int B = 64, C = 4, S = 14, Hidden = 64, Steps = 4;
    public override string Name => "glow-4x14x14-b64";

    protected override double Flops => Steps * (Flop.Conv(B, C, C, 1, S, S)
        + Flop.Conv(B, C / 2, Hidden, 3, S, S) + Flop.Conv(B, Hidden, Hidden, 1, S, S) + Flop.Conv(B, Hidden, C, 3, S, S));

    protected override StepModel Build(Rng rng)
    {
        var model = new StepModel();
        var flow = new List<Func<Tensor, (Tensor z, Tensor logDet)>>();
        for (int s = 0; s < Steps; s++) flow.Add(FlowStep(model, $"step{s}", rng));
        var x = model.Input("x", rng.Normal([B, C, S, S]));
        model.Loss = () =>
        {
            var z = x;
            Tensor? logDet = null;
            foreach (var step in flow)
            {
                var (next, ld) = step(z);
                z = next;
                logDet = logDet is null ? ld : logDet + ld;
            }
            var nll = Op.Sum(z * z, [1, 2, 3]) * 0.5 - logDet!;   // [B]
            return Op.Mean(nll) * (1.0 / (C * S * S));
        };
        return model;
    }

    static Func<Tensor, (Tensor, Tensor)> FlowStep(StepModel model, string name, Rng rng)
    {
        var logs = model.Parameter(name + ".actnorm.logs", rng.Normal([C], 0, 0.1));
        var bias = model.Parameter(name + ".actnorm.bias", rng.Normal([C], 0, 0.1));
        var lower = model.Parameter(name + ".inv.lower", rng.Normal([C, C], 0, 0.1));
        var upper = model.Parameter(name + ".inv.upper", rng.Normal([C, C], 0, 0.1));
        var invLogs = model.Parameter(name + ".inv.logs", rng.Normal([C], 0, 0.1));
        var nn1 = model.Layer(name + ".nn1", new Conv2d(C / 2, Hidden, 3, rng, padding: 1));
        var nn2 = model.Layer(name + ".nn2", new Conv2d(Hidden, Hidden, 1, rng));
        var nn3 = model.Layer(name + ".nn3", new Conv2d(Hidden, C, 3, rng, padding: 1));
        // constants of the LU form: strictly lower and upper masks, the signs of diag U, a permutation
        var lm = new float[C * C];
        var um = new float[C * C];
        for (int i = 0; i < C; i++)
            for (int j = 0; j < C; j++) { lm[i * C + j] = j < i ? 1 : 0; um[i * C + j] = j > i ? 1 : 0; }
        var lmask = model.Input(name + ".inv.lmask", Tensor.FromArray(lm, C, C));
        var umask = model.Input(name + ".inv.umask", Tensor.FromArray(um, C, C));
        var sign = model.Input(name + ".inv.sign", Tensor.FromArray(Enumerable.Range(0, C).Select(_ => rng.NextDouble() < 0.5 ? -1f : 1f).ToArray(), C));
        var order = rng.Permutation(C);
        var p = new float[C * C];
        for (int i = 0; i < C; i++) p[i * C + order[i]] = 1;
        var perm = model.Input(name + ".inv.perm", Tensor.FromArray(p, C, C));
        var eye = Tensor.Eye(C);
        int hw = S * S;
        return z =>
        {
            // ActNorm: (z + b)·e^{log s} per channel; log-det H·W·Σ log s
            z = (z + Op.Reshape(bias, 1, C, 1, 1)) * Op.Reshape(Op.Exp(logs), 1, C, 1, 1);
            var logDet = Op.Sum(logs) * hw;
            // invertible 1×1 convolution; log-det H·W·Σ log|s|
            var w = Op.MatMul(Op.MatMul(perm, lower * lmask + eye), upper * umask + eye * Op.Reshape(sign * Op.Exp(invLogs), 1, C));
            z = Op.Conv2d(z, Op.Reshape(w, C, C, 1, 1));
            logDet = logDet + Op.Sum(invLogs) * hw;
            // affine coupling: z_b ← (z_b + t(z_a))·σ(s(z_a) + 2)
            var halves = Op.Split(z, 1, C / 2, C / 2);
            var h = nn3.Forward(Op.Relu(nn2.Forward(Op.Relu(nn1.Forward(halves[0])))));   // [B, 4, 14, 14]
            var st = Op.Split(h, 1, C / 2, C / 2);
            var scale = Op.Sigmoid(st[0] + 2);
            var zb = (halves[1] + st[1]) * scale;
            logDet = logDet + Op.Sum(Op.Log(scale), [1, 2, 3]);                           // [B]
            return (Op.Concat([halves[0], zb], 1), logDet);
        };
    }
}
