using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Benchmarks;

/// <summary>
/// A NeRF training step (§8): 1,024 rays × 64 stratified samples, the sample points positionally encoded
/// (x, sin 2^k π x, cos 2^k π x for k &lt; 10: 63 features), the MLP 63 → 128 → 128 → 128 → 128 → 4 giving density
/// σ = ReLU and colour c = sigmoid, and volume rendering C = Σ_i T_i (1 − e^{−σ_i δ_i}) c_i with
/// T_i = e^{−Σ_{j&lt;i} σ_j δ_j} (the exclusive sum as a product with a triangular matrix); MSE to target colours.
/// </summary>
sealed class NerfCase : TrainingStepCase
{
    const int Rays = 1024, Samples = 64, Frequencies = 10, Hidden = 128;
    const int Features = 3 + 6 * Frequencies;
    public override string Name => "nerf-1024x64";

    protected override double Flops =>
        Flop.Linear(Rays * Samples, Features, Hidden, inputGradient: false) + 3 * Flop.Linear(Rays * Samples, Hidden, Hidden)
        + Flop.Linear(Rays * Samples, Hidden, 4) + Flop.MatMul(1, Rays, Samples, Samples);

    protected override StepModel Build(Rng rng)
    {
        var model = new StepModel();
        int[] sizes = [Features, Hidden, Hidden, Hidden, Hidden, 4];
        var layers = new List<Layer>();
        for (int l = 0; l + 1 < sizes.Length; l++)
        {
            if (l > 0) layers.Add(new ReLU());
            layers.Add(model.Layer($"fc{l}", new Linear(sizes[l], sizes[l + 1], rng)));
        }
        var mlp = new Sequential([.. layers]);
        var (origins, dirs, t, delta) = SampleRays(rng);
        model.Input("origins", origins);
        model.Input("dirs", dirs);
        model.Input("t", t);
        model.Input("delta", delta);
        var freqs = model.Input("freqs", Tensor.FromArray(Enumerable.Range(0, Frequencies).Select(k => (float)(Math.PI * (1 << k))).ToArray(), Frequencies));
        var target = model.Input("target", rng.Uniform([Rays, 3]));
        var exclusive = new float[Samples * Samples];   // [j, i] = 1 for j < i
        for (int j = 0; j < Samples; j++)
            for (int i = j + 1; i < Samples; i++) exclusive[j * Samples + i] = 1;
        var before = Tensor.FromArray(exclusive, Samples, Samples);
        model.Loss = () =>
        {
            var pts = Op.Reshape(origins, Rays, 1, 3) + Op.Reshape(t, Rays, Samples, 1) * Op.Reshape(dirs, Rays, 1, 3); // [R, S, 3]
            var x = Op.Reshape(pts, -1, 3);                                                                       // [R·S, 3]
            var xf = Op.Reshape(Op.Reshape(x, -1, 1, 3) * Op.Reshape(freqs, 1, Frequencies, 1), -1, 3 * Frequencies);
            var enc = Op.Concat([x, Op.Sin(xf), Op.Cos(xf)], 1);                                                  // [R·S, 63]
            var out4 = Op.Reshape(mlp.Forward(enc), Rays, Samples, 4);
            var sigma = Op.Relu(Op.Index(out4, 2, 0));                                                            // [R, S]
            var rgb = Op.Sigmoid(Op.Slice(out4, 2, 1, 3));                                                        // [R, S, 3]
            var tau = sigma * delta;
            var alpha = 1 - Op.Exp(-tau);
            var transmittance = Op.Exp(-Op.MatMul(tau, before));                                                  // e^{−Σ_{j<i} σ_j δ_j}
            var color = Op.Sum(Op.Reshape(transmittance * alpha, Rays, Samples, 1) * rgb, 1);                    // [R, 3]
            return Losses.Mse(color, target);
        };
        return model;
    }

    // rays from points on a sphere of radius 1.5 towards the origin (jittered), samples stratified in t ∈ [0.5, 2.5]
    static (Tensor origins, Tensor dirs, Tensor t, Tensor delta) SampleRays(Rng rng)
    {
        var o = new float[Rays * 3];
        var d = new float[Rays * 3];
        var t = new float[Rays * Samples];
        var delta = new float[Rays * Samples];
        for (int r = 0; r < Rays; r++)
        {
            double x = rng.NextNormal(), y = rng.NextNormal(), z = rng.NextNormal(), n = Math.Sqrt(x * x + y * y + z * z);
            double dx = -x / n + 0.1 * rng.NextNormal(), dy = -y / n + 0.1 * rng.NextNormal(), dz = -z / n + 0.1 * rng.NextNormal();
            double dn = Math.Sqrt(dx * dx + dy * dy + dz * dz);
            (o[3 * r], o[3 * r + 1], o[3 * r + 2]) = ((float)(1.5 * x / n), (float)(1.5 * y / n), (float)(1.5 * z / n));
            (d[3 * r], d[3 * r + 1], d[3 * r + 2]) = ((float)(dx / dn), (float)(dy / dn), (float)(dz / dn));
            for (int i = 0; i < Samples; i++) t[r * Samples + i] = (float)(0.5 + 2.0 * (i + rng.NextDouble()) / Samples);
            for (int i = 0; i < Samples; i++)
                delta[r * Samples + i] = i + 1 < Samples ? t[r * Samples + i + 1] - t[r * Samples + i] : 1e10f;
        }
        return (Tensor.FromArray(o, Rays, 3), Tensor.FromArray(d, Rays, 3), Tensor.FromArray(t, Rays, Samples), Tensor.FromArray(delta, Rays, Samples));
    }
}
