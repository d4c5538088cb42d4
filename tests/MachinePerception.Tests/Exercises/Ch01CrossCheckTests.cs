using MathNet.Numerics.LinearAlgebra;
using MachinePerception.Exercises.Ch01;
using MachinePerception.Generative;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Exercises;

/// <summary>The chapter 01 exercises' plain-loop references against the Generative/ code the chapter runs.</summary>
public class Ch01CrossCheckTests
{
    [Fact]
    public void First_direction_reference_matches_pca_of_the_library()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new PcaFirstDirection(seed);
            var xs = ExerciseInputs.Field<double[]>(e, "xs");
            var ys = ExerciseInputs.Field<double[]>(e, "ys");
            var pca = Pca.Fit(Tensor.FromArray(xs.Zip(ys).SelectMany(p => new[] { p.First, p.Second }).ToArray(), xs.Length, 2), 1);
            var reference = e.Reference();
            double sign = Math.Sign(pca.Components[0, 0]) == Math.Sign(reference[0]) ? 1 : -1;
            Assert.Equal(reference[0], sign * pca.Components[0, 0], 9);
            Assert.Equal(reference[1], sign * pca.Components[1, 0], 9);
            Assert.Equal(reference[2], pca.ExplainedVarianceRatio(1), 9);
        }
    }

    [Fact]
    public void Parameter_count_reference_matches_the_library_autoencoder()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new AutoencoderParameterCount(seed);
            var sizes = ExerciseInputs.Field<int[]>(e, "sizes");
            Assert.Equal(Autoencoder.Deep(sizes, new Rng(seed)).ParameterCount, (long)e.Reference()[0]);
        }
    }

    [Fact]
    public void Projection_reference_matches_the_qr_projector_and_the_least_squares_code()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new SubspaceProjection(seed);
            var d = Matrix<double>.Build.DenseOfArray(ExerciseInputs.Field<double[,]>(e, "d"));
            var mu = Vector<double>.Build.DenseOfArray(ExerciseInputs.Field<double[]>(e, "mu"));
            var x = Vector<double>.Build.DenseOfArray(ExerciseInputs.Field<double[]>(e, "x"));
            var q = d.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin).Q;
            var viaQr = mu + q * (q.TransposeThisAndMultiply(x - mu));
            var viaSolve = mu + d * d.Solve(x - mu); // least squares through MathNet's QR solve
            var reference = e.Reference();
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(viaQr[i], reference[i], 9);
                Assert.Equal(viaSolve[i], reference[i], 9);
            }
        }
    }
}
