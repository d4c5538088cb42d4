using MachinePerception.Autodiff;
using MachinePerception.Exercises.Ch02;
using MachinePerception.Generative;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;
using MachinePerception.Tests.Exercises;

namespace MachinePerception.Tests.Generative;

// The chapter-2 exercises compute their references by numerical integration or differences; here the library's VAE code
// (the Gaussian KL, the loss terms, the reparameterization with autodiff) must give the same numbers for every seed.
public class VaeExercisesTests
{
    [Fact]
    public void Kl_two_gaussians_exercise_agrees_with_the_library_closed_form()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new KlTwoGaussians(seed);
            var p = Gaussian.Diagonal([ExerciseInputs.Field<double>(e, "mu1")], [ExerciseInputs.Field<double>(e, "var1")]);
            var q = Gaussian.Diagonal([ExerciseInputs.Field<double>(e, "mu2")], [ExerciseInputs.Field<double>(e, "var2")]);
            Assert.True(Math.Abs(p.KlTo(q) - e.Reference()[0]) < 1e-9, $"seed {seed}: {p.KlTo(q)} vs {e.Reference()[0]}");
        }
    }

    [Fact]
    public void Elbo_terms_exercise_agrees_with_the_vae_loss_ops()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new ElboTerms(seed);
            var mean = Tensor.FromArray(ExerciseInputs.Field<double[]>(e, "mean"), 1, 2);
            var logVariance = Tensor.FromArray(ExerciseInputs.Field<double[]>(e, "logVariance"), 1, 2);
            var x = Tensor.FromArray(ExerciseInputs.Field<double[]>(e, "x"), 1, 4);
            var p = Tensor.FromArray(ExerciseInputs.Field<double[]>(e, "p"), 1, 4);
            double logLikelihood = -Losses.Bce(p, x, Reduction.Sum).Item();
            double kl = Losses.GaussianKL(mean, logVariance).Item();
            var r = e.Reference();
            Assert.True(Math.Abs(logLikelihood - r[0]) < 1e-9 && Math.Abs(kl - r[1]) < 1e-9, $"seed {seed}: [{logLikelihood}, {kl}] vs [{r[0]}, {r[1]}]");
        }
    }

    [Fact]
    public void Reparameterized_sample_exercise_agrees_with_autodiff_through_the_vae()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new ReparameterizedSample(seed);
            var mean = Tensor.FromArray(ExerciseInputs.Field<double[]>(e, "mean"), 3);
            var logVariance = Tensor.FromArray(ExerciseInputs.Field<double[]>(e, "logVariance"), 3).RequireGrad();
            var z = Vae.Reparameterize(mean, logVariance, Tensor.FromArray(ExerciseInputs.Field<double[]>(e, "epsilon"), 3));
            // z_j depends only on log σ²_j, so the gradient of Σ z is the diagonal ∂z_j/∂log σ²_j
            var dz = Autograd.Grad([Op.Sum(z)], [logVariance])[0]!.ToDoubleArray();
            double[] engine = [.. z.ToDoubleArray(), .. dz];
            var r = e.Reference();
            Assert.All(engine.Zip(r), pair => Assert.True(Math.Abs(pair.First - pair.Second) < 1e-8, $"seed {seed}: {pair.First} vs {pair.Second}"));
        }
    }
}
