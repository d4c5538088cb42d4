using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Generative;

/// <summary>
/// The autoencoder of §1, X → Z → X: an encoder f maps an example x to a code z = f(x), a decoder g maps the code
/// back, and both are trained so that g ∘ f ≈ id, here by the mean squared reconstruction error ‖g(f(x)) − x‖².
/// It is undercomplete when the code is smaller than the input (|Z| &lt; |X|: it must compress) and overcomplete
/// otherwise (it could copy its input, so it is trained on corrupted inputs with clean targets: denoising, inpainting).
/// Examples may be images [N, C, H, W]: they are flattened to [N, D] for the encoder and reshaped back after decoding.
/// </summary>
public sealed class Autoencoder : Layer
{
    public Layer Encoder { get; }
    public Layer Decoder { get; }

    /// <summary>|X|, the number of entries of one example.</summary>
    public int InputSize { get; }

    /// <summary>|Z|, the number of entries of one code.</summary>
    public int LatentSize { get; }

    public bool IsUndercomplete => LatentSize < InputSize;

    public Autoencoder(Layer encoder, Layer decoder, int inputSize, int latentSize)
    {
        if (inputSize <= 0 || latentSize <= 0)
            throw new ArgumentException($"Autoencoder: sizes must be positive, got |X| = {inputSize}, |Z| = {latentSize}");
        Encoder = encoder;
        Decoder = decoder;
        InputSize = inputSize;
        LatentSize = latentSize;
        RegisterModule("encoder", encoder);
        RegisterModule("decoder", decoder);
    }

    /// <summary>
    /// The linear autoencoder: z = E x, x̂ = D z with E [k, n], D [n, k], no bias and no nonlinearity. On centred
    /// data its best reconstruction is the projection onto the top-k principal subspace (PCA).
    /// </summary>
    public static Autoencoder Linear(int inputSize, int latentSize, Rng rng, DType dtype = DType.Float32) =>
        new(new Linear(inputSize, latentSize, rng, bias: false, dtype: dtype),
            new Linear(latentSize, inputSize, rng, bias: false, dtype: dtype), inputSize, latentSize);

    /// <summary>
    /// A nonlinear autoencoder with layer sizes <paramref name="sizes"/> = [|X|, hidden…, |Z|] in the encoder and the
    /// mirror image in the decoder: ReLU between layers, a sigmoid at the output (pixels lie in [0, 1]). The code is
    /// linear, or ReLU-activated with <paramref name="nonNegativeCode"/> (a one-layer overcomplete autoencoder needs
    /// the nonlinearity in its code, or the whole map would be a sigmoid of an affine function of x).
    /// </summary>
    public static Autoencoder Deep(int[] sizes, Rng rng, bool nonNegativeCode = false, DType dtype = DType.Float32)
    {
        if (sizes.Length < 2 || sizes.Any(s => s <= 0))
            throw new ArgumentException($"Autoencoder.Deep: needs positive sizes [|X|, …, |Z|], got [{string.Join(", ", sizes)}]");
        var encoder = new Sequential();
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            encoder.Add(new Linear(sizes[i], sizes[i + 1], rng, dtype: dtype));
            if (i + 2 < sizes.Length || nonNegativeCode) encoder.Add(new ReLU());
        }
        var decoder = new Sequential();
        for (int i = sizes.Length - 1; i > 0; i--)
        {
            decoder.Add(new Linear(sizes[i], sizes[i - 1], rng, dtype: dtype));
            decoder.Add(i > 1 ? new ReLU() : new Sigmoid());
        }
        return new Autoencoder(encoder, decoder, sizes[0], sizes[^1]);
    }

    /// <summary>z = f(x): examples [N, …] with |X| entries each → codes [N, |Z|].</summary>
    public Tensor Encode(Tensor x)
    {
        if (x.Rank < 1 || x.Shape[0] == 0 || x.Size != x.Shape[0] * InputSize)
            throw new ArgumentException($"Autoencoder.Encode: expected examples [N, …] with |X| = {InputSize} entries each, got {x.Shape}");
        return Encoder.Forward(x.Rank == 2 ? x : Op.Reshape(x, x.Shape[0], InputSize)); // [N, |Z|]
    }

    /// <summary>x̂ = g(z): codes [N, |Z|] → reconstructions [N, |X|].</summary>
    public Tensor Decode(Tensor z)
    {
        if (z.Rank != 2 || z.Shape[1] != LatentSize)
            throw new ArgumentException($"Autoencoder.Decode: expected codes [N, {LatentSize}], got {z.Shape}");
        return Decoder.Forward(z);
    }

    /// <summary>g(f(x)) in the shape of x.</summary>
    public override Tensor Forward(Tensor x)
    {
        var xHat = Decode(Encode(x)); // [N, |X|]
        return x.Rank == 2 ? xHat : Op.Reshape(xHat, x.Shape.ToArray());
    }

    /// <summary>The training loss: mean over all entries of (g(f(input)) − target)². For a plain autoencoder target = input;
    /// for a denoising one the input is corrupted and the target clean.</summary>
    public Tensor ReconstructionLoss(Tensor input, Tensor target)
    {
        if (!input.Shape.Equals(target.Shape))
            throw new ArgumentException($"Autoencoder.ReconstructionLoss: input {input.Shape} and target {target.Shape} differ in shape");
        return Losses.Mse(Forward(input), target);
    }

    public override string ToString() =>
        $"Autoencoder(|X| = {InputSize}, |Z| = {LatentSize}, {(IsUndercomplete ? "undercomplete" : "overcomplete")})\n  encoder: {Encoder}\n  decoder: {Decoder}";
}
