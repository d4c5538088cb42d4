using MachinePerception.Exercises.Ch11;
using MachinePerception.Ops;
using MachinePerception.Tensors;
using MachinePerception.Tests.Exercises;

namespace MachinePerception.Tests.Cnn;

public class MaxPoolBackwardExerciseTests
{
    [Fact]
    public void Reference_matches_the_engine_autodiff_for_both_strides()
    {
        var strides = new HashSet<int>();
        for (int seed = 0; seed < 20; seed++)
        {
            var e = new MaxPoolBackward(seed);
            var z = ExerciseInputs.Field<double[,]>(e, "z");
            var g = ExerciseInputs.Field<double[,]>(e, "g");
            int stride = ExerciseInputs.Field<int>(e, "stride");
            strides.Add(stride);
            var zt = Tensor.FromArray(z).Reshape(1, 1, 4, 4).RequireGrad();
            var gt = Tensor.FromArray(g).Reshape(1, 1, g.GetLength(0), g.GetLength(1));
            (Op.MaxPool2d(zt, 2, stride) * gt).Sum().Backward();
            Assert.Equal(e.Reference(), zt.Grad!.ToDoubleArray());
        }
        Assert.Equal([1, 2], strides.Order());
    }
}
