using MachinePerception.Exercises.Ch04;
using MachinePerception.Flows;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Exercises;

/// <summary>Chapter 04's exercises against the library's flow layers (an independent computation of each answer).</summary>
public class Ch04CrossCheckTests
{
    [Fact]
    public void Layer_log_det_exercise_matches_ActNorm_and_the_1x1_convolution()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var e = new FlowLayerLogDet(seed);
            bool actNorm = ExerciseInputs.Field<bool>(e, "actNorm");
            int h = ExerciseInputs.Field<int>(e, "height"), w = ExerciseInputs.Field<int>(e, "width");
            var x = new Rng(seed).Normal([1, 3, h, w], dtype: DType.Float64);
            double library;
            if (actNorm)
            {
                var s = ExerciseInputs.Field<double[]>(e, "scales");
                // |s| into ActNorm's log-scale: the sign of s does not change |det|
                var layer = new ActNorm(3, DType.Float64);
                layer.InitializeFrom(Tensor.Ones([1, 3, 1, 1], DType.Float64) + new Rng(1).Normal([4, 3, 1, 1], dtype: DType.Float64));
                var logS = layer.LogScale.AsSpan<double>();
                for (int c = 0; c < 3; c++) logS[c] = Math.Log(Math.Abs(s[c]));
                library = layer.Forward(x).LogDet.Item();
            }
            else
            {
                var weight = ExerciseInputs.Field<double[,]>(e, "weight");
                var layer = new InvertibleConv1x1(3, new Rng(seed), InvertibleConv1x1.Parameterization.Full, DType.Float64);
                var wSpan = layer.Weight().AsSpan<double>();
                for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) wSpan[i * 3 + j] = weight[i, j];
                library = layer.Forward(x).LogDet.Item();
            }
            Assert.Equal(library, e.Reference()[0], 8);
        }
    }

    [Fact]
    public void Squeeze_split_exercise_matches_the_library_layers()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var e = new SqueezeSplitShapes(seed);
            int c = ExerciseInputs.Field<int>(e, "channels"), size = ExerciseInputs.Field<int>(e, "size");
            var ops = ExerciseInputs.Field<string[]>(e, "operations");
            var h = Tensor.Zeros([1, c, size, size]);
            int factored = 0;
            foreach (var op in ops)
            {
                if (op == "squeeze") h = Squeeze.Apply(h);
                else
                {
                    var (kept, z, _) = new ChannelSplit(h.Shape[1], new Rng(1)).Forward(h);
                    factored += z.Size;
                    h = kept;
                }
            }
            Assert.Equal([h.Shape[1], h.Shape[2], h.Shape[3], factored], e.Reference().Select(v => (int)v).ToArray());
        }
    }

    [Fact]
    public void Coupling_step_exercise_matches_the_closed_form_inverse()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var e = new CouplingStepByHand(seed);
            var r = e.Reference();
            var a = ExerciseInputs.Field<double[]>(e, "a");
            var b = ExerciseInputs.Field<double[]>(e, "b");
            var c = ExerciseInputs.Field<double[]>(e, "c");
            var x = ExerciseInputs.Field<double[]>(e, "x");
            var y = ExerciseInputs.Field<double[]>(e, "y");
            for (int i = 0; i < 2; i++)
            {
                Assert.Equal(x[i] * Math.Exp(a[i] * x[2 + i]) + b[i] * x[2] + c[i], r[i], 10);
                Assert.Equal((y[i] - b[i] * y[2] - c[i]) * Math.Exp(-a[i] * y[2 + i]), r[4 + i], 10);
            }
            Assert.Equal(x[2], r[2]);
            Assert.Equal(y[3], r[7]);
        }
    }
}
