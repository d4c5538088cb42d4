using MachinePerception.Autodiff;
using MachinePerception.Geometry;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Body;

/// <summary>
/// 2-D keypoints and the 3-D poses they came from, for learning to lift (§9.3): inputs [N, 2K] are the projected joints
/// relative to the pelvis, divided by their mean distance from it (so the camera's distance does not matter); targets
/// [N, 3K] are the joints in the camera's frame relative to the pelvis, in metres (x right, y up, z towards the camera);
/// bone lengths [N, K−1] are those of the person, for the constrained lifter.
/// </summary>
public sealed record LiftingSamples(Tensor Inputs, Tensor Targets, Tensor BoneLengths)
{
    public int Count => Inputs.Shape[0];

    /// <summary>Sample n's 3-D joints from a [N, 3K] tensor.</summary>
    public static Vec3[] Pose(Tensor poses, int n)
    {
        int k = poses.Shape[1] / 3;
        var v = Op.Index(poses, 0, n).ToDoubleArray();
        return Enumerable.Range(0, k).Select(j => new Vec3(v[3 * j], v[3 * j + 1], v[3 * j + 2])).ToArray();
    }

    /// <summary>
    /// <paramref name="views"/> random perspective views of every pose: the camera turned about the vertical axis (any angle),
    /// tilted by up to ±15°, 3.5–6 m away, focal length 1.
    /// </summary>
    public static LiftingSamples Make(IReadOnlyList<Vec3[]> poses, int views, Rng rng)
    {
        int k = PoseSkeleton.Count, n = poses.Count * views;
        var inputs = new float[n * 2 * k];
        var targets = new float[n * 3 * k];
        var bones = new float[n * (k - 1)];
        int i = 0;
        foreach (var pose in poses)
            for (int v = 0; v < views; v++, i++)
            {
                var turn = Matrix3.RotationX((rng.NextDouble() - 0.5) * Math.PI / 6) * Matrix3.RotationY(2 * Math.PI * rng.NextDouble());
                double distance = 3.5 + 2.5 * rng.NextDouble();
                var camera = pose.Select(p => turn * (p - pose[0])).ToArray();
                var projected = camera.Select(p => (X: p.X / (distance - p.Z), Y: p.Y / (distance - p.Z))).ToArray();
                double scale = projected.Skip(1).Average(p => Math.Sqrt((p.X - projected[0].X) * (p.X - projected[0].X) + (p.Y - projected[0].Y) * (p.Y - projected[0].Y)));
                for (int j = 0; j < k; j++)
                {
                    inputs[(i * k + j) * 2] = (float)((projected[j].X - projected[0].X) / scale);
                    inputs[(i * k + j) * 2 + 1] = (float)((projected[j].Y - projected[0].Y) / scale);
                    targets[(i * k + j) * 3] = (float)camera[j].X;
                    targets[(i * k + j) * 3 + 1] = (float)camera[j].Y;
                    targets[(i * k + j) * 3 + 2] = (float)camera[j].Z;
                }
                var lengths = PoseSkeleton.BoneLengths(pose);
                for (int b = 0; b < k - 1; b++) bones[i * (k - 1) + b] = (float)lengths[b];
            }
        return new LiftingSamples(Tensor.FromArray(inputs, n, 2 * k), Tensor.FromArray(targets, n, 3 * k), Tensor.FromArray(bones, n, k - 1));
    }
}

/// <summary>
/// A lifter (§9.3): an MLP from 2-D keypoints to 3-D joints, in the manner of Martinez et al. (2017), "a simple yet
/// effective baseline". The <b>naive</b> lifter outputs the 3K coordinates directly: nothing ties them to a human skeleton, so
/// a bone may come out shorter or longer than any person's — the summary's "2 m arms". The <b>bone-constrained</b> lifter
/// outputs one direction per bone instead and places the joints down the tree with the person's known bone lengths,
/// p_c = p_π(c) + L_c · u_c / ‖u_c‖, so every bone has its true length by construction and only the directions are learned.
/// </summary>
public sealed class Lifter : Module
{
    readonly Sequential mlp;

    public bool BoneConstrained { get; }

    public Lifter(Rng rng, bool boneConstrained, int hidden = 256)
    {
        int k = PoseSkeleton.Count;
        BoneConstrained = boneConstrained;
        mlp = RegisterModule("mlp", new Sequential(
            new Linear(2 * k, hidden, rng), new ReLU(),
            new Linear(hidden, hidden, rng), new ReLU(),
            new Linear(hidden, boneConstrained ? 3 * (k - 1) : 3 * k, rng)));
    }

    /// <summary>3-D joints [N, 3K] (metres, pelvis-relative) from inputs [N, 2K]; the constrained lifter needs bone lengths [N, K−1].</summary>
    public Tensor Forward(Tensor inputs, Tensor? boneLengths = null)
    {
        var y = mlp.Forward(inputs);
        if (!BoneConstrained) return y;
        if (boneLengths is null) throw new ArgumentException("Lifter.Forward: the bone-constrained lifter needs the bone lengths [N, K−1]");
        int n = inputs.Shape[0], k = PoseSkeleton.Count;
        var directions = Op.Reshape(y, n, k - 1, 3);
        var unit = directions / Op.Sqrt(Op.Sum(Op.Square(directions), -1, keepDims: true) + 1e-12);
        var bones = unit * Op.Unsqueeze(boneLengths, -1);                                   // [N, K−1, 3]
        var joints = new Tensor[k];
        joints[0] = Tensor.Zeros([n, 3], inputs.DType);
        foreach (var (parent, child) in PoseSkeleton.Tree.Bones())
            joints[child] = joints[parent] + Op.Index(bones, 1, child - 1);
        return Op.Reshape(Op.Stack(joints, 1), n, 3 * k);
    }

    /// <summary>Trains on fresh random views of the poses every epoch (mean squared error in metres); returns the epoch losses.</summary>
    public List<double> Fit(IReadOnlyList<Vec3[]> poses, int epochs, int viewsPerEpoch, Rng rng, int batchSize = 256, double learningRate = 1e-3,
        Action<int, double>? progress = null)
    {
        var optimizer = new Adam(Parameters(), learningRate);
        var losses = new List<double>();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var data = LiftingSamples.Make(poses, viewsPerEpoch, rng);
            var order = rng.Permutation(data.Count);
            double total = 0;
            int batches = 0;
            for (int start = 0; start + batchSize <= data.Count; start += batchSize)
            {
                var idx = order[start..(start + batchSize)];
                optimizer.ZeroGrad();
                var prediction = Forward(Op.IndexSelect(data.Inputs, 0, idx), Op.IndexSelect(data.BoneLengths, 0, idx));
                var loss = Op.Mean(Op.Square(prediction - Op.IndexSelect(data.Targets, 0, idx)));
                loss.Backward();
                optimizer.Step();
                total += loss.Item();
                batches++;
            }
            optimizer.LearningRate *= 0.85;
            losses.Add(total / batches);
            progress?.Invoke(epoch, losses[^1]);
        }
        return losses;
    }

    /// <summary>Predictions for a set of samples, no gradient.</summary>
    public Tensor Predict(LiftingSamples data)
    {
        using var _ = Autograd.NoGrad();
        return Forward(data.Inputs, data.BoneLengths);
    }
}
