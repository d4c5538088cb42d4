using MachinePerception.Autodiff;
using MachinePerception.Backends;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Implicit;

/// <summary>
/// Volume rendering along rays (§8.2 NeRF "Forward"): at samples t_1 &lt; … &lt; t_S with spacings δ_i = t_{i+1} − t_i, a
/// density σ_i ≥ 0 gives the opacity α_i = 1 − exp(−σ_i δ_i), the transmittance T_i = Π_{j&lt;i} (1 − α_j) (the chance
/// the ray gets that far) and the weight w_i = T_i α_i; the pixel is c = Σ_i w_i c_i + T_{S+1}·background, where
/// T_{S+1} = 1 − Σ_i w_i is what passes through. Three forms: <see cref="Weights"/> (plain loops, the formulas),
/// <see cref="CompositeWithOps"/> (engine ops, autodiff does the backward) and <see cref="Composite"/> (one fused op
/// with the closed-form backward, what training uses).
/// </summary>
public static class VolumeRendering
{
    /// <summary>α_i, T_i and w_i of one ray, written out as in the summary.</summary>
    public static (double[] Alpha, double[] Transmittance, double[] Weight) Weights(double[] sigma, double[] delta)
    {
        if (sigma.Length != delta.Length) throw new ArgumentException($"VolumeRendering.Weights: {sigma.Length} densities but {delta.Length} spacings");
        int s = sigma.Length;
        var alpha = new double[s];
        var transmittance = new double[s];
        var weight = new double[s];
        double t = 1;
        for (int i = 0; i < s; i++)
        {
            if (!(sigma[i] >= 0) || !(delta[i] >= 0)) throw new ArgumentException($"VolumeRendering.Weights: σ = {sigma[i]} and δ = {delta[i]} at sample {i} must be ≥ 0");
            alpha[i] = 1 - Math.Exp(-sigma[i] * delta[i]);
            transmittance[i] = t;
            weight[i] = t * alpha[i];
            t *= 1 - alpha[i];
        }
        return (alpha, transmittance, weight);
    }

    /// <summary>
    /// The same composite as <see cref="Composite"/> written with engine ops: T_i = exp(−Σ_{j&lt;i} σ_j δ_j) with the
    /// exclusive cumulative sum as a product with a strictly triangular matrix. The reference for the fused op.
    /// </summary>
    public static Tensor CompositeWithOps(Tensor sigma, Tensor values, Tensor delta, Tensor background)
    {
        CheckShapes("VolumeRendering.CompositeWithOps", sigma, values, delta, background);
        int s = sigma.Shape[1];
        var below = new double[s * s];
        for (int j = 0; j < s; j++)
            for (int i = j + 1; i < s; i++) below[j * s + i] = 1;                 // M[j, i] = 1 for j < i
        var optical = sigma * delta;                                              // σ_i δ_i, [R, S]
        var transmittance = Op.Exp(-Op.MatMul(optical, Tensor.FromArray(below, s, s).To(sigma.DType)));   // T_i
        var weights = transmittance * (1 - Op.Exp(-optical));                    // w_i = T_i α_i, [R, S]
        var color = Op.Sum(Op.Unsqueeze(weights, 2) * values, 1);                 // [R, K]
        var through = 1 - Op.Sum(weights, 1, keepDims: true);                     // T_{S+1}, [R, 1]
        return color + through * background;
    }

    /// <summary>
    /// The fused composite: σ [R, S] (≥ 0), per-sample values [R, S, K] (colour, or any feature), δ [R, S] and the
    /// background [K] → Σ_i w_i v_i + T_{S+1}·background [R, K]. A channel of ones with background 0 gives the opacity
    /// Σ w_i; the sample depths t_i with background = far give the expected depth. Backward (closed form, O(S) per ray):
    /// ∂c/∂v_i = w_i and, since w_i = T_i − T_{i+1} and ∂T_i/∂σ_k = −δ_k T_i for i &gt; k,
    /// ∂c/∂σ_k = δ_k (T_{k+1} v_k − Σ_{i&gt;k} w_i v_i − T_{S+1}·background). Gradients flow to σ and the values (not to δ
    /// or the background); the backward is first-order only.
    /// </summary>
    public static Tensor Composite(Tensor sigma, Tensor values, Tensor delta, Tensor background)
    {
        CheckShapes("VolumeRendering.Composite", sigma, values, delta, background);
        if (delta.RequiresGrad || background.RequiresGrad)
            throw new ArgumentException("VolumeRendering.Composite: δ and the background are constants here (no gradient flows to them); detach them");
        int r = sigma.Shape[0], s = sigma.Shape[1], k = values.Shape[2];
        double[] sg = sigma.ToDoubleArray(), v = values.ToDoubleArray(), dl = delta.ToDoubleArray(), bg = background.ToDoubleArray();
        for (int i = 0; i < sg.Length; i++)
            if (!(sg[i] * dl[i] >= 0))
                throw new ArgumentException($"VolumeRendering.Composite: σδ = {sg[i] * dl[i]} at ray {i / s}, sample {i % s}; densities and spacings must be ≥ 0");
        var output = new double[r * k];
        CpuParallel.For(r, s * k * 8L, (r0, r1) =>
        {
            for (int ray = r0; ray < r1; ray++)
            {
                double t = 1;
                for (int i = 0; i < s; i++)
                {
                    double next = t * Math.Exp(-sg[ray * s + i] * dl[ray * s + i]), w = t - next;
                    for (int c = 0; c < k; c++) output[ray * k + c] += w * v[(ray * s + i) * k + c];
                    t = next;
                }
                for (int c = 0; c < k; c++) output[ray * k + c] += t * bg[c];
            }
        });
        var result = Tensor.FromArray(output, r, k).To(sigma.DType);
        return Autograd.Record(result, "volume_composite", [sigma, values, delta, background], g =>
        {
            var (gSigma, gValues) = CompositeBackward(sg, v, dl, bg, g.ToDoubleArray(), r, s, k);
            return [FirstOrder(Tensor.FromArray(gSigma, r, s).To(sigma.DType), "volume_composite"),
                    FirstOrder(Tensor.FromArray(gValues, r, s, k).To(values.DType), "volume_composite"), null, null];
        });
    }

    static (double[] Sigma, double[] Values) CompositeBackward(double[] sg, double[] v, double[] dl, double[] bg, double[] g, int r, int s, int k)
    {
        var gSigma = new double[r * s];
        var gValues = new double[r * s * k];
        CpuParallel.For(r, s * k * 12L, (r0, r1) =>
        {
            var trans = new double[s + 1];
            for (int ray = r0; ray < r1; ray++)
            {
                trans[0] = 1;
                for (int i = 0; i < s; i++) trans[i + 1] = trans[i] * Math.Exp(-sg[ray * s + i] * dl[ray * s + i]);
                // behind = g · (Σ_{i>k} w_i v_i + T_{S+1} background), accumulated from the back
                double behind = 0;
                for (int c = 0; c < k; c++) behind += g[ray * k + c] * trans[s] * bg[c];
                for (int i = s - 1; i >= 0; i--)
                {
                    double w = trans[i] - trans[i + 1], gv = 0;
                    for (int c = 0; c < k; c++)
                    {
                        double gc = g[ray * k + c], vc = v[(ray * s + i) * k + c];
                        gValues[(ray * s + i) * k + c] = w * gc;
                        gv += gc * vc;
                    }
                    gSigma[ray * s + i] = dl[ray * s + i] * (trans[i + 1] * gv - behind);
                    behind += w * gv;
                }
            }
        });
        return (gSigma, gValues);
    }

    /// <summary>A gradient computed by a fused backward: usable, but differentiating it again is an error, not a silent zero.</summary>
    internal static Tensor FirstOrder(Tensor gradient, string op)
    {
        if (!Autograd.IsRecording) return gradient;
        var marker = Tensor.Zeros([1], gradient.DType).RequireGrad();
        var tagged = Autograd.Record(gradient.Detach() + Op.Sum(marker) * 0, $"{op}_backward", [marker],
            _ => throw new NotSupportedException($"{op}: its backward is a fused first-order computation; a second derivative through it is not implemented"));
        return tagged;
    }

    static void CheckShapes(string who, Tensor sigma, Tensor values, Tensor delta, Tensor background)
    {
        if (sigma.Rank != 2 || values.Rank != 3 || values.Shape[0] != sigma.Shape[0] || values.Shape[1] != sigma.Shape[1]
            || !delta.Shape.Equals(sigma.Shape) || background.Rank != 1 || background.Shape[0] != values.Shape[2])
            throw new ArgumentException($"{who}: expected σ [R, S], values [R, S, K], δ [R, S], background [K]; got {sigma.Shape}, {values.Shape}, {delta.Shape}, {background.Shape}");
    }

    /// <summary>
    /// Sample depths along R rays in [near, far]: S equal bins, one sample per bin, at a uniform random position in it
    /// (stratified sampling; training) or at its middle (rng null; rendering). Returns t [R, S] and δ [R, S] with
    /// δ_i = t_{i+1} − t_i and δ_S = far − t_S.
    /// </summary>
    public static (double[] T, double[] Delta) StratifiedSamples(int rays, int samples, double near, double far, Rng? rng)
    {
        if (!(far > near) || samples < 1) throw new ArgumentException($"VolumeRendering.StratifiedSamples: needs near < far and S ≥ 1, got [{near}, {far}], S = {samples}");
        var t = new double[rays * samples];
        var delta = new double[rays * samples];
        double bin = (far - near) / samples;
        for (int r = 0; r < rays; r++)
        {
            for (int i = 0; i < samples; i++) t[r * samples + i] = near + bin * (i + (rng?.NextDouble() ?? 0.5));
            for (int i = 0; i < samples; i++)
                delta[r * samples + i] = (i + 1 < samples ? t[r * samples + i + 1] : far) - t[r * samples + i];
        }
        return (t, delta);
    }
}
