using MachinePerception.Autodiff;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Gans;

/// <summary>The result of inverting a generator: the codes found, their images, and the loss after each step.</summary>
public sealed record InversionResult(Tensor Codes, Tensor Images, IReadOnlyList<double> LossHistory);

/// <summary>
/// GAN inversion (§5): find z with G(z) ≈ x by gradient descent on the reconstruction error, with G fixed,
/// <code>z* = argmin_z ‖m ⊙ (G(z) − x)‖² / Σm  (+ ρ‖z‖²/Z, a weak pull towards the prior's typical region),</code>
/// where the mask m is all ones for plain inversion and marks the visible pixels for inpainting: the code is fitted to
/// what is seen, and G(z*) fills in the rest with what the generator has learned. Starting z from an encoder's guess
/// E(x) (an encoder trained to invert G on its own samples) instead of a random draw converges faster and to better fits.
/// Each image has its own code; the batch's losses are summed, so the codes do not interact.
/// </summary>
public static class GanInversion
{
    /// <summary>
    /// Optimises codes [B, Z] (starting from <paramref name="initialCodes"/>) with Adam for <paramref name="steps"/> so that
    /// G(z) matches <paramref name="targets"/> [B, ...] on the pixels where <paramref name="mask"/> (same shape, or null
    /// for all) is 1. G runs in evaluation mode; its parameters are not changed.
    /// </summary>
    public static InversionResult Invert(Layer generator, Tensor targets, Tensor initialCodes, int steps,
        double learningRate = 0.05, Tensor? mask = null, double priorWeight = 1e-3)
    {
        if (steps < 0) throw new ArgumentException($"GanInversion.Invert: steps {steps} must be ≥ 0");
        if (initialCodes.Rank != 2 || initialCodes.Shape[0] != targets.Shape[0])
            throw new ArgumentException($"GanInversion.Invert: codes must be [B, Z] with B = {targets.Shape[0]} (targets {targets.Shape}), got {initialCodes.Shape}");
        if (mask is not null && !mask.Shape.Equals(targets.Shape))
            throw new ArgumentException($"GanInversion.Invert: mask {mask.Shape} must have the targets' shape {targets.Shape}");
        bool training = generator.Training;
        generator.Eval();
        try
        {
            var z = initialCodes.Detach().Clone().RequireGrad();
            var adam = new Adam([z], learningRate);
            var x = targets.Detach();
            var m = mask?.Detach();
            var history = new List<double>();
            for (int step = 0; step < steps; step++)
            {
                adam.ZeroGrad();
                var loss = Loss(generator, z, x, m, priorWeight);
                // gradients reach z only: G's parameters take no part in the optimiser
                var g = Autograd.Grad([loss], [z])[0]!;
                z.Grad = g;
                adam.Step();
                history.Add(loss.Item());
            }
            Tensor images;
            using (Autograd.NoGrad()) images = generator.Forward(z);
            return new InversionResult(z.Detach(), images, history);
        }
        finally { generator.Train(training); }
    }

    /// <summary>Σ over the batch of the masked mean squared error of each image plus ρ·mean(z²) per code.</summary>
    public static Tensor Loss(Layer generator, Tensor z, Tensor targets, Tensor? mask, double priorWeight)
    {
        var images = generator.Forward(z);
        if (!images.Shape.Equals(targets.Shape))
            throw new ArgumentException($"GanInversion.Loss: G(z) is {images.Shape} but the targets are {targets.Shape}");
        var axes = Enumerable.Range(1, targets.Rank - 1).ToArray();
        var error = Op.Square(images - targets);
        Tensor perImage = mask is null
            ? Op.Mean(error, axes)
            : Op.Sum(error * mask, axes) / Op.Maximum(Op.Sum(mask, axes), Tensor.OnesLike(Op.Sum(mask, axes)));
        return Op.Sum(perImage) + Op.Sum(Op.Mean(Op.Square(z), 1)) * priorWeight;
    }

    /// <summary>Peak signal-to-noise ratio in dB of images in [0, 1]: −10 log₁₀ MSE, per image [B].</summary>
    public static double[] Psnr(Tensor images, Tensor targets)
    {
        if (!images.Shape.Equals(targets.Shape) || images.Rank < 2)
            throw new ArgumentException($"GanInversion.Psnr: images {images.Shape} and targets {targets.Shape} must have the same shape [B, ...]");
        int b = images.Shape[0], size = images.Size / b;
        var a = images.ToDoubleArray();
        var t = targets.ToDoubleArray();
        var psnr = new double[b];
        for (int i = 0; i < b; i++)
        {
            double mse = 0;
            for (int k = 0; k < size; k++) { double d = a[i * size + k] - t[i * size + k]; mse += d * d; }
            psnr[i] = -10 * Math.Log10(Math.Max(mse / size, 1e-20));
        }
        return psnr;
    }
}
