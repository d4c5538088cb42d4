using MachinePerception.Implicit;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Diffusion;

/// <summary>
/// A noise predictor ε_θ(x_t, t) for vectors (§6): for 2-D toy data and for the latent codes of latent diffusion
/// (§6.2). An MLP x [B, D] → ε̂ [B, D] with hidden layers h_{l+1} = relu(W_l h_l + U_l φ(t) + b_l): the sinusoidal step
/// features φ(t) (<see cref="TimeEmbedding.Sinusoidal"/>) enter every layer. With <c>useTime: false</c> the network never
/// sees t — a bug found in small examples: such a model can only predict the average noise over all noise levels.
/// With <c>inputFrequencies: L</c> &gt; 0 the first layer reads §8's <see cref="PositionalEncoding"/> of x,
/// [x, sin(2^k π x), cos(2^k π x)] for k = 0 … L−1 (per coordinate): an MLP on a few raw coordinates learns sharp functions
/// of them slowly (spectral bias), and near t = 0 the noise predictor of thin 2-D structures is sharp.
/// </summary>
public sealed class MlpDenoiser : Module, INoisePredictor
{
    public int Dimension { get; }
    public int TimeFeatures { get; }
    public bool UsesTime { get; }
    /// <summary>L: the number of octaves of the positional encoding of x (0: the raw coordinates only).</summary>
    public int InputFrequencies => encoding.Frequencies;
    readonly PositionalEncoding encoding;
    readonly Linear[] layers, timeLayers;
    readonly Linear output;

    public MlpDenoiser(int dimension, int hidden, int hiddenLayers, Rng rng, int timeFeatures = 32, bool useTime = true, DType dtype = DType.Float32,
        int inputFrequencies = 0)
    {
        if (dimension <= 0 || hidden <= 0 || hiddenLayers <= 0 || timeFeatures <= 0 || timeFeatures % 2 != 0 || inputFrequencies < 0)
            throw new ArgumentException($"MlpDenoiser: sizes must be positive (time features even, input frequencies ≥ 0), got dimension {dimension}, hidden {hidden}, layers {hiddenLayers}, time features {timeFeatures}, input frequencies {inputFrequencies}");
        (Dimension, TimeFeatures, UsesTime, encoding) = (dimension, timeFeatures, useTime, new PositionalEncoding(inputFrequencies));
        layers = new Linear[hiddenLayers];
        timeLayers = new Linear[useTime ? hiddenLayers : 0];
        for (int l = 0; l < hiddenLayers; l++)
        {
            layers[l] = RegisterModule($"layer{l}", new Linear(l == 0 ? encoding.OutputSize(dimension) : hidden, hidden, rng, dtype: dtype));
            if (useTime) timeLayers[l] = RegisterModule($"time{l}", new Linear(timeFeatures, hidden, rng, bias: false, dtype: dtype));
        }
        output = RegisterModule("output", new Linear(hidden, dimension, rng, dtype: dtype));
    }

    public Tensor PredictNoise(Tensor xt, IReadOnlyList<double> t, int[]? labels = null)
    {
        NoisePredictor.CheckBatch("MlpDenoiser", xt, t, labels);
        if (xt.Rank != 2 || xt.Shape[1] != Dimension) throw new ArgumentException($"MlpDenoiser: expected x_t [B, {Dimension}], got {xt.Shape}");
        if (labels is not null && labels.Any(l => l != NoisePredictor.NullLabel))
            throw new ArgumentException("MlpDenoiser: an unconditional model got labels");
        var features = UsesTime ? TimeEmbedding.Sinusoidal(t, TimeFeatures, xt.DType).To(xt.Device) : null;   // [B, F]
        var h = encoding.Forward(xt);                                                                            // [B, D(1 + 2L)]
        for (int l = 0; l < layers.Length; l++)
        {
            var z = layers[l].Forward(h);                                                                        // [B, H]
            if (features is not null) z = z + timeLayers[l].Forward(features);
            h = Op.Relu(z);
        }
        return output.Forward(h);
    }
}
