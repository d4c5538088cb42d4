using MachinePerception.Body;
using MachinePerception.Checks;
using MachinePerception.Geometry;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Body;

public class KeypointHeatmapsTests
{
    [Fact]
    public void Argmax_is_exact_on_grid_points_and_soft_argmax_recovers_sub_pixel_centres()
    {
        var kp = Tensor.FromArray(new double[] { 11, 12, 14.3, 12.6, 16.25, 17.7 }, 1, 3, 2);
        var maps = KeypointHeatmaps.Targets(kp, 30, 30, 1.5).To(DType.Float64);
        var arg = KeypointHeatmaps.ArgMax(maps).ToDoubleArray();
        Assert.Equal([11.0, 12, 14, 13, 16, 18], arg);
        // the Gaussian's own values as probabilities (log as logits, β = 1): its mean is the centre, far from the border
        // (the maps are float32, which limits the agreement to about 1e-5)
        var soft = KeypointHeatmaps.SoftArgMax(Op.Log(maps + 1e-300), 1).ToDoubleArray();
        var truth = kp.ToDoubleArray();
        for (int i = 0; i < 6; i++) Assert.Equal(truth[i], soft[i], 4);
        var local = KeypointHeatmaps.LocalCentroid(maps, 3).ToDoubleArray();
        for (int i = 0; i < 6; i++) Assert.Equal(truth[i], local[i], 1);
    }

    // Threshold 1e-7: softmax and a matrix product, smooth in float64.
    [Fact]
    public void Soft_argmax_passes_a_gradient_check()
    {
        var maps = new Rng(3).Normal([2, 3, 5, 4], dtype: DType.Float64);
        var r = GradCheck.Run(x => KeypointHeatmaps.SoftArgMax(x[0], 2.5), [maps]);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Pck_counts_keypoints_within_the_scaled_radius()
    {
        var truth = Tensor.FromArray(new double[] { 0, 0, 10, 10 }, 1, 2, 2);
        var predicted = Tensor.FromArray(new double[] { 1.9, 0, 10, 12.1 }, 1, 2, 2);
        Assert.Equal(0.5, KeypointHeatmaps.Pck(predicted, truth, [10.0], 0.2));
        Assert.Equal(1.0, KeypointHeatmaps.Pck(predicted, truth, [11.0], 0.2));
        Assert.Equal(2.0, KeypointHeatmaps.Errors(predicted, truth).Mean, 12);
    }

    [Fact]
    public void Stick_figures_draw_every_limb_inside_the_image()
    {
        var clip = MotionCapture.Joints(MotionCapture.Load("01_01"));
        var images = StickFigures.Make(clip.Take(50).ToList(), 20, 32, new Rng(4), noise: 0);
        Assert.Equal([20, 3, 32, 32], images.Images.Shape.ToArray());
        var k = images.Keypoints.ToDoubleArray();
        Assert.All(k, v => Assert.InRange(v, 0, 32));
        // each image has ink in all three channels (left, right, midline)
        var img = images.Images.ToDoubleArray();
        for (int n = 0; n < 20; n++)
            for (int c = 0; c < 3; c++) Assert.True(img.Skip((n * 3 + c) * 1024).Take(1024).Max() > 0.5);
        Assert.All(images.TorsoSizes(), t => Assert.InRange(t, 3, 20));
    }

    [Fact]
    public void Both_detectors_produce_keypoints_of_the_right_shape()
    {
        var images = new Rng(5).Uniform([2, 3, 32, 32], 0, 1);
        var heat = new HeatmapNetwork(new Rng(6), 16, stages: 2);
        var stages = heat.StageOutputs(images);
        Assert.Equal(2, stages.Length);
        Assert.All(stages, s => Assert.Equal([2, 16, 16, 16], s.Shape.ToArray()));
        Assert.Equal([2, 16, 2], new KeypointRegressor(new Rng(7), 16, 32).Forward(images).Shape.ToArray());
    }
}
