using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Benchmarks;

/// <summary>
/// A small diffusion U-Net's training step (§6's noise predictor), 28×28, batch 64, channels 32 and 64:
/// a sinusoidal time embedding through a two-layer MLP, added per channel inside each block; two residual blocks of
/// 3×3 convolutions at 28×28 (32 channels) and at 14×14 (64 channels, after a stride-2 convolution), a transposed
/// convolution back up, the skip connection concatenated, one more block and a 3×3 output convolution; MSE to the noise.
/// </summary>
sealed class UNetCase : TrainingStepCase
{
    const int B = 64, S = 28, C1 = 32, C2 = 64, TimeFeatures = 32, E = 64;
    public override string Name => "unet-28-b64";

    protected override double Flops =>
        Flop.Linear(B, TimeFeatures, E, inputGradient: false) + Flop.Linear(B, E, E) + 2 * Flop.Linear(B, E, C1) + Flop.Linear(B, E, C2)
        + Flop.Conv(B, 1, C1, 3, S, S, inputGradient: false) + 2 * Flop.Conv(B, C1, C1, 3, S, S)
        + Flop.Conv(B, C1, C2, 3, S / 2, S / 2) + 2 * Flop.Conv(B, C2, C2, 3, S / 2, S / 2)
        + Flop.Conv(B, C2, C1, 4, S / 2, S / 2) + Flop.Conv(B, 2 * C1, C1, 3, S, S) + Flop.Conv(B, C1, 1, 3, S, S);

    protected override StepModel Build(Rng rng)
    {
        var model = new StepModel();
        var time1 = model.Layer("time1", new Linear(TimeFeatures, E, rng));
        var time2 = model.Layer("time2", new Linear(E, E, rng));
        var inc = model.Layer("inc", new Conv2d(1, C1, 3, rng, padding: 1));
        var down1 = model.Layer("down1", new Conv2d(C1, C1, 3, rng, padding: 1));
        var emb1 = model.Layer("emb1", new Linear(E, C1, rng));
        var down2 = model.Layer("down2", new Conv2d(C1, C1, 3, rng, padding: 1));
        var downsample = model.Layer("downsample", new Conv2d(C1, C2, 3, rng, stride: 2, padding: 1));
        var mid1 = model.Layer("mid1", new Conv2d(C2, C2, 3, rng, padding: 1));
        var emb2 = model.Layer("emb2", new Linear(E, C2, rng));
        var mid2 = model.Layer("mid2", new Conv2d(C2, C2, 3, rng, padding: 1));
        var upsample = model.Layer("upsample", new ConvTranspose2d(C2, C1, 4, rng, stride: 2, padding: 1));
        var up1 = model.Layer("up1", new Conv2d(2 * C1, C1, 3, rng, padding: 1));
        var emb3 = model.Layer("emb3", new Linear(E, C1, rng));
        var outc = model.Layer("outc", new Conv2d(C1, 1, 3, rng, padding: 1));

        var x = model.Input("x", rng.Normal([B, 1, S, S]));          // noisy images x_t
        var temb = model.Input("temb", TimeEmbedding(rng));            // [B, 32]
        var noise = model.Input("noise", rng.Normal([B, 1, S, S]));  // the target ε
        // the time embedding projected to one bias per channel, [B, C, 1, 1]
        Tensor Bias(Linear l, Tensor e) => Op.Reshape(l.Forward(e), B, l.OutFeatures, 1, 1);
        model.Loss = () =>
        {
            var e = time2.Forward(Op.Relu(time1.Forward(temb)));                    // [B, 64]
            var h0 = inc.Forward(x);                                                  // [B, 32, 28, 28]
            var h1 = Op.Relu(down1.Forward(h0) + Bias(emb1, e));
            h1 = Op.Relu(down2.Forward(h1)) + h0;
            var dn = downsample.Forward(h1);                                          // [B, 64, 14, 14]
            var m = Op.Relu(mid1.Forward(dn) + Bias(emb2, e));
            m = Op.Relu(mid2.Forward(m)) + dn;
            var u = upsample.Forward(m);                                              // [B, 32, 28, 28]
            var o = Op.Relu(up1.Forward(Op.Concat([u, h1], 1)) + Bias(emb3, e));     // [B, 32, 28, 28]
            return Losses.Mse(outc.Forward(o), noise);
        };
        return model;
    }

    // sin(t·ω_i), cos(t·ω_i) with ω_i = 10000^(−i/16), for random steps t in [0, 1000)
    static Tensor TimeEmbedding(Rng rng)
    {
        var e = new float[B * TimeFeatures];
        for (int b = 0; b < B; b++)
        {
            int t = rng.NextInt(1000);
            for (int i = 0; i < TimeFeatures / 2; i++)
            {
                double w = Math.Pow(10000, -i / (TimeFeatures / 2.0));
                e[b * TimeFeatures + i] = (float)Math.Sin(t * w);
                e[b * TimeFeatures + TimeFeatures / 2 + i] = (float)Math.Cos(t * w);
            }
        }
        return Tensor.FromArray(e, B, TimeFeatures);
    }
}
