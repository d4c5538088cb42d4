using MachinePerception.Autodiff;
using MachinePerception.Exercises.Ch11;
using MachinePerception.Exercises.Ch14;
using MachinePerception.Geometry;
using MachinePerception.Numerics;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Exercises;

/// <summary>The exercises' plain-loop references against the library's own ops and algorithms (written by other
/// chapters): when one of them changes meaning, these disagree.</summary>
public class LibraryCrossCheckTests
{
    [Fact]
    public void Conv_output_size_equals_the_length_conv1d_produces()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new ConvolutionOutputSize(seed);
            int input = ExerciseInputs.Field<int>(e, "input"), pad = ExerciseInputs.Field<int>(e, "pad"), dil = ExerciseInputs.Field<int>(e, "dilation"),
                kern = ExerciseInputs.Field<int>(e, "kernel"), stride = ExerciseInputs.Field<int>(e, "stride");
            var y = Op.Conv1d(Tensor.Zeros([1, 1, input]), Tensor.Zeros([1, 1, kern]), stride: stride, padding: pad, dilation: dil);
            Assert.Equal(y.Shape[2], (int)e.Reference()[0]);
        }
    }

    [Fact]
    public void Conv_backprop_references_match_conv2d_and_max_pool2d_autodiff()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var kernelExercise = new ConvolutionKernelGradient(seed);
            var x = ExerciseInputs.Field<double[,]>(kernelExercise, "X");
            var k = ExerciseInputs.Field<double[,]>(kernelExercise, "K");
            var g = ExerciseInputs.Field<double[,]>(kernelExercise, "G");
            bool global = ExerciseInputs.Field<bool>(kernelExercise, "GlobalPool");
            // Conv2d is a correlation; the summary's convolution with K is the correlation with ROT180(K).
            var xt = Op.Reshape(Tensor.FromArray(x), 1, 1, 5, 5).Detach().RequireGrad();
            var wt = Op.Reshape(Tensor.FromArray(ConvolutionBackpropExercise.Rotate180(k)), 1, 1, 3, 3).Detach().RequireGrad();
            var y = Op.Conv2d(xt, wt);                                                            // [1, 1, 3, 3]
            var pooled = global ? Op.MaxPool2d(y, 3) : Op.MaxPool2d(y, 2, stride: 1);            // [1, 1, 1, 1] or [1, 1, 2, 2]
            var energy = Op.Sum(pooled * Op.Reshape(Tensor.FromArray(g), pooled.Shape.ToArray()));
            var grads = Autograd.Grad([energy], [wt, xt]);
            var dK = ConvolutionBackpropExercise.Rotate180(Tensor.FromArray(grads[0]!.ToDoubleArray(), 3, 3).ToJagged().To2d());
            Assert.Equal(kernelExercise.Reference(), ConvolutionBackpropExercise.Flat(dK));
            Assert.Equal(new ConvolutionInputGradient(seed).Reference(), grads[1]!.ToDoubleArray());
        }
    }

    [Fact]
    public void Secant_reference_matches_the_root_finding_module()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new SecantIteration(seed);
            int p = ExerciseInputs.Field<int>(e, "p"), q = ExerciseInputs.Field<int>(e, "q");
            var run = RootFinding.Secant(x => x * x * x + p * x - q, ExerciseInputs.Field<double>(e, "x0"), ExerciseInputs.Field<double>(e, "x1"), maxIterations: 2);
            var r = e.Reference();
            Assert.Equal(run.Iterates[2], r[0], 12);
            Assert.Equal(run.Iterates[3], r[1], 12);
        }
    }

    [Fact]
    public void Plane_reference_matches_plane_through()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new PlaneThroughThreePoints(seed);
            Vec3 V(string name) { var v = ExerciseInputs.Field<double[]>(e, name); return new Vec3(v[0], v[1], v[2]); }
            var plane = Plane.Through(V("a"), V("b"), V("c"));
            Assert.Equal([plane.Normal.X, plane.Normal.Y, plane.Normal.Z, plane.K], e.Reference());
        }
    }
}

/// <summary>Reads an exercise's private inputs, so a test can recompute its answer independently.</summary>
static class ExerciseInputs
{
    public static T Field<T>(object o, string name) =>
        (T)o.GetType().GetField(name, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance
                                      | System.Reflection.BindingFlags.Public)!.GetValue(o)!;
}

static class JaggedExtensions
{
    public static double[,] To2d(this double[][] rows)
    {
        var m = new double[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < rows[0].Length; j++) m[i, j] = rows[i][j];
        return m;
    }
}
