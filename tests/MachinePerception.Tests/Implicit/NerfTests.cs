using MachinePerception.Autodiff;
using MachinePerception.Implicit;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Implicit;

public class NerfTests
{
    [Fact]
    public void Density_does_not_depend_on_the_view_direction_but_colour_may()
    {
        var model = new NerfModel(new NerfConfig(PositionFrequencies: 2, DirectionFrequencies: 2, Width: 16, Depth: 2), new Rng(1));
        var p = new Rng(2).Normal([5, 3]);
        var (s1, c1) = model.Forward(p, new Rng(3).Normal([5, 3]));
        var (s2, c2) = model.Forward(p, new Rng(4).Normal([5, 3]));
        Assert.Equal(s1.ToDoubleArray(), s2.ToDoubleArray());
        Assert.NotEqual(c1.ToDoubleArray(), c2.ToDoubleArray());
        Assert.True(s1.ToDoubleArray().All(v => v >= 0));
    }

    [Fact]
    public void Rendered_rays_are_differentiable_and_a_few_steps_lower_the_error()
    {
        var data = new MultiViewData(PrimitiveScene.Default(), 4, 1, 12);
        foreach (var config in new[] { new NerfConfig(PositionFrequencies: 4, Width: 32, Depth: 2),
                                       new NerfConfig(HashGrid: new HashGridConfig(Levels: 4, Log2TableSize: 10, MinResolution: 4, MaxResolution: 32), Width: 16, Depth: 1) })
        {
            var model = new NerfModel(config, new Rng(1));
            var trainer = new NerfTrainer(model, data, new NerfTrainingConfig(RaysPerBatch: 128, Samples: 16, LearningRate: 5e-3, DepthSmoothness: 0.1, PatchSize: 4), 30, 2);
            double first = trainer.Step(), last = 0;
            for (int i = 0; i < 29; i++) last = trainer.Step();
            Assert.True(last < first, $"{config}: {first} → {last}");
            var image = model.RenderImage(data.TestCameras[0], data.Near, data.Far, 16, MultiViewData.White);
            Assert.Equal(new Shape(3, 12, 12), image.Shape);
        }
    }

    [Fact]
    public void Expected_depth_of_an_empty_field_is_far_and_of_a_wall_is_its_distance()
    {
        // no trainable field: composite the depths directly
        var sigma = Tensor.FromArray([0.0, 0, 0, 1e6, 1e6], 1, 5);
        var t = Tensor.FromArray([1.0, 2, 3, 4, 5], 1, 5, 1);
        var delta = Tensor.Ones([1, 5], DType.Float64);
        Assert.Equal(4, VolumeRendering.Composite(sigma, t, delta, Tensor.FromArray([9.0], 1)).Item(), 12);
        Assert.Equal(9, VolumeRendering.Composite(Tensor.Zeros([1, 5], DType.Float64), t, delta, Tensor.FromArray([9.0], 1)).Item(), 12);
    }
}
