using MachinePerception.Exercises.Ch05;
using MachinePerception.Generative;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Exercises;

/// <summary>The chapter 5 exercises' plain-loop references against the library code the chapter runs.</summary>
public class Ch05CrossCheckTests
{
    static double Gaussian(double x, double mean, double variance) =>
        Math.Exp(-(x - mean) * (x - mean) / (2 * variance)) / Math.Sqrt(2 * Math.PI * variance);

    [Fact]
    public void Optimal_discriminator_reference_matches_the_closed_form_of_chapter_13()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new OptimalDiscriminatorAtPoint(seed);
            double x0 = ExerciseInputs.Field<double>(e, "x0");
            double pd = Gaussian(x0, ExerciseInputs.Field<double>(e, "dataMean"), ExerciseInputs.Field<double>(e, "dataVariance"));
            double pm = Gaussian(x0, ExerciseInputs.Field<double>(e, "modelMean"), ExerciseInputs.Field<double>(e, "modelVariance"));
            Assert.Equal(OptimalDiscriminator.Optimal(pd, pm), e.Reference()[0], 12);
        }
    }

    [Fact]
    public void Value_at_optimum_reference_equals_minus_log_4_plus_twice_the_jensen_shannon_divergence()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new GanValueAtOptimum(seed);
            double[] pd = ExerciseInputs.Field<double[]>(e, "data"), pm = ExerciseInputs.Field<double[]>(e, "model");
            Assert.Equal(1.0, pd.Sum(), 12);
            Assert.Equal(1.0, pm.Sum(), 12);
            double js = 0;
            for (int i = 0; i < 4; i++)
            {
                double m = 0.5 * (pd[i] + pm[i]);
                js += 0.5 * pd[i] * Math.Log(pd[i] / m) + 0.5 * pm[i] * Math.Log(pm[i] / m);
            }
            Assert.Equal(-Math.Log(4) + 2 * js, e.Reference()[0], 10);
        }
    }

    [Fact]
    public void Transposed_sizes_reference_matches_the_shapes_conv_transpose2d_produces()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new TransposedConvolutionSizes(seed);
            int[] k = ExerciseInputs.Field<int[]>(e, "kernel"), s = ExerciseInputs.Field<int[]>(e, "stride"),
                  p = ExerciseInputs.Field<int[]>(e, "padding"), op = ExerciseInputs.Field<int[]>(e, "outputPadding");
            int h = ExerciseInputs.Field<int>(e, "start");
            var x = Tensor.Zeros(new Shape(1, 1, h, h));                                        // [1, 1, H, H]
            var reference = e.Reference();
            for (int l = 0; l < 3; l++)
            {
                x = Op.ConvTranspose2d(x, Tensor.Zeros(new Shape(1, 1, k[l], k[l])), stride: s[l], padding: p[l], outputPadding: op[l]);
                Assert.Equal(reference[l], x.Shape[2]);
                Assert.Equal(reference[l], x.Shape[3]);
                Assert.True(reference[l] > (l == 0 ? h : reference[l - 1]), $"seed {seed}: layer {l + 1} does not grow the map");
            }
        }
    }
}
