using MachinePerception.Diffusion;
using MachinePerception.Exercises.Ch06;
using MachinePerception.Tensors;
using MachinePerception.Tests.Exercises;

namespace MachinePerception.Tests.Diffusion;

// The chapter-6 exercises compute their references by other routes (composing steps, quadrature, the posterior form of the
// mean); the library's schedule, sampler pieces and guidance must give the same numbers for every seed.
public class DiffusionExercisesTests
{
    [Fact]
    public void Alpha_bar_exercise_agrees_with_the_linear_schedule()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new AlphaBar(seed);
            var s = NoiseSchedule.Linear(ExerciseInputs.Field<int>(e, "steps"), ExerciseInputs.Field<double>(e, "betaFirst"), ExerciseInputs.Field<double>(e, "betaLast"));
            Assert.Equal(s.AlphaBar[ExerciseInputs.Field<int>(e, "k")], e.Reference()[0], 12);
        }
    }

    [Fact]
    public void Reverse_step_exercise_agrees_with_the_summarys_update()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new ReverseStep(seed);
            double beta = ExerciseInputs.Field<double>(e, "beta"), alphaBar = ExerciseInputs.Field<double>(e, "alphaBar");
            // a two-step schedule whose second step has these β_2 and ᾱ_2
            var s = new NoiseSchedule([1 - alphaBar / (1 - beta), beta]);
            var xt = Tensor.FromArray(ExerciseInputs.Field<double[]>(e, "xt"), 1, 3);
            var noise = Tensor.FromArray(ExerciseInputs.Field<double[]>(e, "noise"), 1, 3);
            var z = Tensor.FromArray(ExerciseInputs.Field<double[]>(e, "z"), 1, 3);
            var step = (DdpmPosterior.MeanFromNoise(s, xt, noise, 2) + z * Math.Sqrt(s.Beta[2])).ToDoubleArray();
            Assert.All(step.Zip(e.Reference()), p => Assert.Equal(p.First, p.Second, 10));
        }
    }

    [Fact]
    public void Guided_noise_exercise_agrees_with_classifier_free_guidance()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new GuidedNoise(seed);
            var c = Tensor.FromArray(ExerciseInputs.Field<double[]>(e, "conditional"), 4);
            var u = Tensor.FromArray(ExerciseInputs.Field<double[]>(e, "unconditional"), 4);
            var g = ClassifierFreeGuidance.Combine(c, u, ExerciseInputs.Field<double>(e, "w")).ToDoubleArray();
            Assert.All(g.Zip(e.Reference()), p => Assert.Equal(p.First, p.Second, 12));
        }
    }

    [Fact]
    public void Posterior_exercise_agrees_with_the_closed_form_posterior()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new DiffusionPosterior(seed);
            double beta = ExerciseInputs.Field<double>(e, "beta"), previous = ExerciseInputs.Field<double>(e, "alphaBarPrevious");
            var s = new NoiseSchedule([1 - previous, beta]);
            var r = e.Reference();
            Assert.Equal(DdpmPosterior.Mean(s, ExerciseInputs.Field<double>(e, "xt"), ExerciseInputs.Field<double>(e, "x0"), 2), r[0], 8);
            Assert.Equal(DdpmPosterior.Variance(s, 2), r[1], 9);
        }
    }
}
