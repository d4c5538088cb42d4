using MathNet.Numerics.LinearAlgebra;
using MachinePerception.Exercises.Ch12;
using MachinePerception.Optim;
using MachinePerception.Ops;
using MachinePerception.Rnn;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Exercises;

/// <summary>The chapter 12 exercises' plain-loop references against the Rnn/ and Optim/ code the chapter runs.</summary>
public class Ch12CrossCheckTests
{
    [Fact]
    public void Rnn_step_reference_matches_the_explicit_bptt_jacobian()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new RnnStep(seed);
            var whh = Matrix<double>.Build.DenseOfArray(ExerciseInputs.Field<double[,]>(e, "whh"));
            var wxh = Matrix<double>.Build.DenseOfColumnArrays(ExerciseInputs.Field<double[]>(e, "wxh"));
            var c = Vector<double>.Build.DenseOfArray(ExerciseInputs.Field<double[]>(e, "c"));
            var w = new RnnWeights(whh, wxh, Vector<double>.Build.Dense(2), c.ToRowMatrix());
            var r = ExplicitBptt.Forward(w, [Vector<double>.Build.Dense(1, ExerciseInputs.Field<double>(e, "x"))],
                Vector<double>.Build.DenseOfArray(ExerciseInputs.Field<double[]>(e, "hPrev")));
            var grad = ExplicitBptt.StepJacobian(w, r, 1).TransposeThisAndMultiply(c); // ∂(cᵀh₁)/∂h₀
            var expected = r.H[1].ToArray().Concat(grad.ToArray()).ToArray();
            var reference = e.Reference();
            for (int i = 0; i < 4; i++) Assert.Equal(expected[i], reference[i], 12);
        }
    }

    [Fact]
    public void Norm_bound_reference_matches_the_spectral_norm_of_mathnet()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new JacobianNormBound(seed);
            double norm = Matrix<double>.Build.DenseOfArray(ExerciseInputs.Field<double[,]>(e, "w")).L2Norm();
            Assert.Equal(norm, e.Reference()[0], 12);
            Assert.Equal(Math.Pow(norm, ExerciseInputs.Field<int>(e, "n")), e.Reference()[1], 12);
        }
    }

    [Fact]
    public void Clipping_reference_matches_clip_by_global_norm_and_an_sgd_step()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new ClipByNorm(seed);
            var theta = Tensor.FromArray(ExerciseInputs.Field<double[]>(e, "theta"), 3).RequireGrad();
            Op.Sum(theta * Tensor.FromArray(ExerciseInputs.Field<double[]>(e, "g"), 3)).Backward(); // ∇ = g
            GradientClipping.ClipByGlobalNorm([theta], ExerciseInputs.Field<double>(e, "threshold"));
            new Sgd([theta], ExerciseInputs.Field<double>(e, "eta")).Step();
            var reference = e.Reference();
            var updated = theta.ToDoubleArray();
            for (int i = 0; i < 3; i++) Assert.Equal(reference[i], updated[i], 12);
        }
    }
}
