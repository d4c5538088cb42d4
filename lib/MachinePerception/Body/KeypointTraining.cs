using MachinePerception.Autodiff;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Body;

/// <summary>
/// Training loops for the keypoint detectors of §9.2 (Adam, mini-batches in a seeded order, the learning rate multiplied by
/// <c>decay</c> after every epoch).
/// <list type="bullet">
/// <item>Heatmaps: every stage's output is pulled towards the Gaussian targets (mean squared error), and its soft-argmax
/// towards the true coordinates (mean absolute error, weight <c>coordinateWeight</c>, in map cells) — the coordinate term
/// makes the read-out sub-pixel accurate (integral regression, Sun et al. 2018).</item>
/// <item>Direct regression: the mean absolute error of the coordinates themselves.</item>
/// </list>
/// </summary>
public static class KeypointTraining
{
    public sealed record Settings(int Epochs = 4, int BatchSize = 32, double LearningRate = 3e-3, double Decay = 0.8,
        double Sigma = 1.0, double SoftArgMaxBeta = 20, double CoordinateWeight = 0.02);

    /// <summary>Keypoints [N, K, 2] in image pixels → heatmap cells (float32), for maps <see cref="HeatmapNetwork.Stride"/> times smaller.</summary>
    public static Tensor ToMapCoordinates(Tensor keypoints) =>
        (keypoints / HeatmapNetwork.Stride - 0.5).To(DType.Float32);

    /// <summary>Trains the heatmap network; returns the mean training loss of every epoch.</summary>
    public static List<double> TrainHeatmaps(HeatmapNetwork net, KeypointImages data, Settings s, Rng rng, Action<int, double>? progress = null)
    {
        int size = data.Size / HeatmapNetwork.Stride;
        var mapKeypoints = ToMapCoordinates(data.Keypoints);
        var targets = KeypointHeatmaps.Targets(mapKeypoints, size, size, s.Sigma);
        var optimizer = new Adam(net.Parameters(), s.LearningRate);
        return Loop(data.Count, s, rng, optimizer, progress, idx =>
        {
            var images = Op.IndexSelect(data.Images, 0, idx);
            var y = Op.IndexSelect(targets, 0, idx);
            var k = Op.IndexSelect(mapKeypoints, 0, idx);
            Tensor? loss = null;
            foreach (var h in net.StageOutputs(images))
            {
                var term = Op.Mean(Op.Square(h - y)) + s.CoordinateWeight * Op.Mean(Op.Abs(KeypointHeatmaps.SoftArgMax(h, s.SoftArgMaxBeta) - k));
                loss = loss is null ? term : loss + term;
            }
            return loss!;
        });
    }

    /// <summary>Trains the direct regressor on the mean absolute error in pixels; returns the mean loss of every epoch.</summary>
    public static List<double> TrainRegressor(KeypointRegressor net, KeypointImages data, Settings s, Rng rng, Action<int, double>? progress = null)
    {
        var keypoints = data.Keypoints.To(DType.Float32);
        var optimizer = new Adam(net.Parameters(), s.LearningRate);
        return Loop(data.Count, s, rng, optimizer, progress, idx =>
            Op.Mean(Op.Abs(net.Forward(Op.IndexSelect(data.Images, 0, idx)) - Op.IndexSelect(keypoints, 0, idx))));
    }

    static List<double> Loop(int count, Settings s, Rng rng, Optimizer optimizer, Action<int, double>? progress, Func<int[], Tensor> loss)
    {
        var losses = new List<double>();
        for (int epoch = 0; epoch < s.Epochs; epoch++)
        {
            var order = rng.Permutation(count);
            double total = 0;
            int batches = 0;
            for (int start = 0; start + s.BatchSize <= count; start += s.BatchSize)
            {
                optimizer.ZeroGrad();
                var l = loss(order[start..(start + s.BatchSize)]);
                l.Backward();
                optimizer.Step();
                total += l.Item();
                batches++;
            }
            optimizer.LearningRate *= s.Decay;
            losses.Add(total / Math.Max(1, batches));
            progress?.Invoke(epoch, losses[^1]);
        }
        return losses;
    }

    /// <summary>Each stage's keypoints [N, K, 2] in image pixels, read out by soft-argmax, arg max and the local centroid.</summary>
    public static (Tensor SoftArgMax, Tensor ArgMax, Tensor LocalCentroid)[] Predict(HeatmapNetwork net, Tensor images, double beta = 20)
    {
        using var _ = Autograd.NoGrad();
        net.Eval();
        var stages = net.StageOutputs(images);
        net.Train();
        Tensor Image(Tensor map) => (map.To(DType.Float64) + 0.5) * HeatmapNetwork.Stride;
        return stages.Select(h => (Image(KeypointHeatmaps.SoftArgMax(h, beta)), Image(KeypointHeatmaps.ArgMax(h)), Image(KeypointHeatmaps.LocalCentroid(h)))).ToArray();
    }

    /// <summary>The regressor's keypoints [N, K, 2] in image pixels.</summary>
    public static Tensor Predict(KeypointRegressor net, Tensor images)
    {
        using var _ = Autograd.NoGrad();
        return net.Forward(images).To(DType.Float64);
    }
}
