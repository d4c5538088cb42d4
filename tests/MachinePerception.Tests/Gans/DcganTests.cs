using MachinePerception.Checks;
using MachinePerception.Gans;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Gans;

public class DcganTests
{
    [Fact]
    public void Generator_maps_codes_to_28_by_28_images_in_the_unit_interval_and_the_discriminator_to_one_logit()
    {
        var rng = new Rng(1);
        var g = new DcganGenerator(8, 2, rng);
        var d = new DcganDiscriminator(2, rng);
        var x = g.Forward(rng.Normal([3, 8]));
        Assert.Equal(new Shape(3, 1, 28, 28), x.Shape);
        Assert.True(x.ToDoubleArray().All(v => v > 0 && v < 1));
        Assert.Equal(new Shape(3), d.Forward(x).Shape);
        Assert.Equal(new Shape(5, 1, 28, 28), g.Sample(5, rng).Shape);
        Assert.StartsWith("DcganGenerator", Assert.Throws<ArgumentException>(() => g.Forward(rng.Normal([3, 7]))).Message);
        Assert.StartsWith("DcganDiscriminator", Assert.Throws<ArgumentException>(() => d.Forward(rng.Normal([3, 1, 14, 14]))).Message);
    }

    [Fact]
    public void Generator_and_discriminator_gradients_match_finite_differences_in_float64()
    {
        var rng = new Rng(2);
        var g = new DcganGenerator(3, 1, rng, DType.Float64);
        var d = new DcganDiscriminator(1, rng, dtype: DType.Float64);
        var z = rng.Normal([2, 3], dtype: DType.Float64);
        // the whole GAN objective for G through D: every parameter of both (batch norm in training mode)
        var r = GradCheck.RunOn(() => GanLosses.GeneratorNonSaturating(d.Forward(g.Forward(z))), [.. g.Parameters(), .. d.Parameters()]);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void The_minibatch_std_feature_is_zero_for_identical_samples_and_couples_the_samples_of_a_batch()
    {
        var rng = new Rng(4);
        var one = rng.Normal([1, 3, 7, 7], dtype: DType.Float64);
        var same = Op.BroadcastTo(one, new Shape(4, 3, 7, 7));
        Assert.True(DcganDiscriminator.MinibatchStd(same).ToDoubleArray().All(v => Math.Abs(v) < 1e-3));
        var varied = rng.Normal([4, 3, 7, 7], dtype: DType.Float64);
        var feature = DcganDiscriminator.MinibatchStd(varied).ToDoubleArray();
        Assert.InRange(feature[0], 0.5, 1.5);                                   // about the standard deviation of N(0, 1)
        Assert.True(feature.All(v => v == feature[0]));
        var d = new DcganDiscriminator(1, rng, batchNorm: false, dtype: DType.Float64, minibatchStd: true);
        Assert.True(WganGp.CrossSampleGradient(d.Forward, rng.Uniform([3, 1, 28, 28], dtype: DType.Float64)) > 1e-8);
        Assert.Equal(0, WganGp.CrossSampleGradient(new DcganDiscriminator(1, new Rng(4), batchNorm: false, dtype: DType.Float64).Forward,
            rng.Uniform([3, 1, 28, 28], dtype: DType.Float64)));
        var images = rng.Uniform([3, 1, 28, 28], dtype: DType.Float64);
        var r = GradCheck.RunOn(() => Op.Sum(d.Forward(images)), d.Parameters());
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Sampling_uses_running_statistics_so_an_image_does_not_depend_on_its_batch()
    {
        var rng = new Rng(3);
        var g = new DcganGenerator(4, 2, rng);
        for (int i = 0; i < 3; i++) g.Forward(rng.Normal([8, 4]));   // move the running statistics away from their start
        var z = rng.Normal([6, 4]);
        var together = GanSampling.Generate(g, z);
        var alone = GanSampling.Generate(g, Op.Slice(z, 0, 0, 1));
        Assert.True(Op.Max(Op.Abs(Op.Slice(together, 0, 0, 1) - alone)).Item() < 1e-6);
        Assert.True(g.Training);   // mode restored
    }
}
