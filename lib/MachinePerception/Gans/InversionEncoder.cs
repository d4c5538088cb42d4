using MachinePerception.Autodiff;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Gans;

/// <summary>
/// An encoder E: x → z that guesses the code of an image for a fixed generator G (§5, GAN inversion's initialisation).
/// It is trained on the generator's own samples, where the code is known: z ~ N(0, I), x = G(z), loss ‖E(x) − z‖² plus
/// ‖G(E(x)) − x‖² (the second term matters where several codes give similar images). Two strided convolutions and a
/// linear layer: x [B, 1, 28, 28] → z [B, Z].
/// </summary>
public sealed class InversionEncoder : Layer
{
    readonly Conv2d conv1, conv2;
    readonly Linear head;
    public int LatentSize { get; }

    public InversionEncoder(int latentSize, int channels, Rng rng, DType dtype = DType.Float32)
    {
        LatentSize = latentSize;
        conv1 = RegisterModule("conv1", new Conv2d(1, channels, 4, rng, stride: 2, padding: 1, dtype: dtype));
        conv2 = RegisterModule("conv2", new Conv2d(channels, 2 * channels, 4, rng, stride: 2, padding: 1, dtype: dtype));
        head = RegisterModule("head", new Linear(2 * channels * 49, latentSize, rng, dtype: dtype));
    }

    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != 4 || x.Shape[1] != 1 || x.Shape[2] != 28 || x.Shape[3] != 28)
            throw new ArgumentException($"InversionEncoder: expected images [B, 1, 28, 28], got {x.Shape}");
        var h = Op.LeakyRelu(conv1.Forward(x), 0.2);                            // [B, c, 14, 14]
        h = Op.LeakyRelu(conv2.Forward(h), 0.2);                                // [B, 2c, 7, 7]
        return head.Forward(Op.Reshape(h, x.Shape[0], -1));                      // [B, Z]
    }

    /// <summary>
    /// Trains the encoder for <paramref name="steps"/> Adam steps on batches of G's samples (G in evaluation mode, fixed);
    /// returns the loss of each step.
    /// </summary>
    public IReadOnlyList<double> Fit(Layer generator, int steps, int batchSize, Rng rng, double learningRate = 2e-3, double imageWeight = 1)
    {
        bool training = generator.Training;
        generator.Eval();
        var adam = new Adam(Parameters(), learningRate);
        var losses = new List<double>();
        var dtype = Parameters()[0].DType;
        try
        {
            for (int step = 0; step < steps; step++)
            {
                var z = rng.Normal([batchSize, LatentSize], dtype: dtype);
                Tensor x;
                using (Autograd.NoGrad()) x = generator.Forward(z);
                var guess = Forward(x);
                var loss = Losses.Mse(guess, z);
                if (imageWeight > 0) loss = loss + Losses.Mse(generator.Forward(guess), x) * imageWeight;
                adam.ZeroGrad();
                var grads = Autograd.Grad([loss], Parameters());
                for (int i = 0; i < grads.Length; i++) Parameters()[i].Grad = grads[i];
                adam.Step();
                losses.Add(loss.Item());
            }
        }
        finally { generator.Train(training); }
        return losses;
    }
}
