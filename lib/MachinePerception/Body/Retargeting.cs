using MathNet.Numerics.LinearAlgebra;
using MachinePerception.Geometry;

namespace MachinePerception.Body;

/// <summary>
/// Motion retargeting: the pose θ of a body model whose bones point the way a captured skeleton's bones point. Lengths are
/// the model's own; only directions are transferred. Down the tree, each joint's world rotation W_k turns its rest bones
/// onto the captured directions: with one child, the smallest rotation that turns the bone (as the parent left it) onto
/// its target (no twist is observable from joint positions, so none is added); with several children (pelvis, upper
/// spine), the best rotation for all of them in the least-squares sense (Kabsch, by an SVD). Then θ_k = log(W_π(k)ᵀ W_k).
/// This is how the chapter turns CMU motion capture into SMPL poses (§9.3: pose priors such as SMPLify's are fitted to
/// poses obtained this way from CMU's database).
/// </summary>
public static class Retargeting
{
    /// <summary>
    /// SMPL's 24 joints from a CMU skeleton (cgspeed BVH names): each SMPL joint is a weighted mix of CMU joints, since CMU
    /// has no joint where SMPL has spine3 or the collars.
    /// </summary>
    public static IReadOnlyList<(string Joint, double Weight)[]> CmuToSmpl { get; } =
    [
        [("Hips", 1)], [("LeftUpLeg", 1)], [("RightUpLeg", 1)], [("Spine", 1)], [("LeftLeg", 1)], [("RightLeg", 1)],
        [("Spine1", 1)], [("LeftFoot", 1)], [("RightFoot", 1)], [("Spine1", 0.7), ("Neck1", 0.3)], [("LeftToeBase", 1)], [("RightToeBase", 1)],
        [("Neck1", 1)], [("Spine1", -0.25), ("LeftArm", 0.45), ("Neck1", 0.8)], [("Spine1", -0.25), ("RightArm", 0.45), ("Neck1", 0.8)], [("Head", 1)],
        [("LeftArm", 1)], [("RightArm", 1)], [("LeftForeArm", 1)], [("RightForeArm", 1)], [("LeftHand", 1)], [("RightHand", 1)],
        [("LFingers", 1)], [("RFingers", 1)],
    ];

    /// <summary>SMPL-joint targets [frame][24] from a CMU clip (metres; the converter's T-pose frame dropped).</summary>
    public static Vec3[][] SmplTargets(BvhClip clip)
    {
        var names = CmuToSmpl.SelectMany(m => m.Select(p => p.Joint)).Distinct().ToArray();
        var positions = clip.Positions(names, MotionCapture.MetresPerUnit(clip))[1..];
        var index = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
        return positions.Select(frame => CmuToSmpl.Select(mix => mix.Aggregate(new Vec3(), (acc, p) => acc + p.Weight * frame[index[p.Joint]])).ToArray()).ToArray();
    }

    /// <summary>SMPL's main children: the spine continues from the pelvis (joint 0 → spine1) and from spine3 (→ neck).</summary>
    public static IReadOnlyDictionary<int, int> SmplMainChild { get; } = new Dictionary<int, int> { [0] = 3, [9] = 12 };

    /// <summary>The pose (axis-angle per joint; joint 0 the global orientation) that points the model's bones along the targets'.</summary>
    public static Vec3[] Pose(KinematicTree tree, IReadOnlyList<Vec3> restJoints, IReadOnlyList<Vec3> targets, IReadOnlyDictionary<int, int>? mainChild = null)
    {
        mainChild ??= SmplMainChild;
        if (restJoints.Count != tree.Count || targets.Count != tree.Count)
            throw new ArgumentException($"Retargeting.Pose: {restJoints.Count} rest joints and {targets.Count} targets for {tree.Count} joints");
        var world = new Matrix3[tree.Count];
        var pose = new Vec3[tree.Count];
        for (int k = 0; k < tree.Count; k++)
        {
            int parent = tree.Parents[k];
            var parentWorld = parent < 0 ? Matrix3.Identity : world[parent];
            var children = tree.Children(k);
            var rest = children.Select(c => restJoints[c] - restJoints[k]).ToArray();
            // directions only: each target bone rescaled to the model's length (so Kabsch weighs bones as the model does)
            var target = children.Select((c, i) => rest[i].Norm * (targets[c] - targets[k]).Normalized()).ToArray();
            if (children.Length == 0) world[k] = parentWorld;
            else
            {
                int main = children.Length == 1 ? 0 : Array.IndexOf(children, mainChild.TryGetValue(k, out int c) ? c : children[0]);
                if (main < 0) throw new ArgumentException($"Retargeting.Pose: the main child of joint {k} is not one of its children");
                world[k] = SmallestRotation(parentWorld * rest[main], target[main]) * parentWorld;
                if (children.Length > 1) world[k] = TurnAbout(target[main].Normalized(), world[k], rest, target, main) * world[k];
            }
            pose[k] = Rodrigues.AxisAngle(parentWorld.Transpose() * world[k]);
        }
        return pose;
    }

    // the rotation about `axis` that best turns the other children (as `world` leaves them) towards their targets:
    // the angle maximising Σ (R a_i)·b_i over the parts perpendicular to the axis
    static Matrix3 TurnAbout(Vec3 axis, Matrix3 world, Vec3[] rest, Vec3[] target, int skip)
    {
        double sin = 0, cos = 0;
        for (int i = 0; i < rest.Length; i++)
        {
            if (i == skip) continue;
            var a = world * rest[i];
            a -= a.Dot(axis) * axis;
            var b = target[i] - target[i].Dot(axis) * axis;
            sin += a.Cross(b).Dot(axis);
            cos += a.Dot(b);
        }
        return Rodrigues.Rotation(Math.Atan2(sin, cos) * axis);
    }

    /// <summary>The rotation by the smallest angle that turns direction a onto direction b.</summary>
    public static Matrix3 SmallestRotation(Vec3 a, Vec3 b)
    {
        var u = a.Normalized();
        var v = b.Normalized();
        var axis = u.Cross(v);
        double sin = axis.Norm, cos = Math.Clamp(u.Dot(v), -1, 1);
        if (sin < 1e-12)
        {
            if (cos > 0) return Matrix3.Identity;
            // opposite: half a turn about any axis perpendicular to u
            var any = Math.Abs(u.X) < 0.9 ? new Vec3(1, 0, 0) : new Vec3(0, 1, 0);
            return Rodrigues.Rotation(Math.PI * u.Cross(any).Normalized());
        }
        return Rodrigues.Rotation(Math.Atan2(sin, cos) / sin * axis);
    }

    /// <summary>The rotation R minimising Σ‖R a_i − b_i‖² over rotations (directions weighted by their lengths).</summary>
    public static Matrix3 Kabsch(IReadOnlyList<Vec3> a, IReadOnlyList<Vec3> b)
    {
        var h = Matrix<double>.Build.Dense(3, 3);
        for (int i = 0; i < a.Count; i++)
        {
            double[] av = [a[i].X, a[i].Y, a[i].Z], bv = [b[i].X, b[i].Y, b[i].Z];
            for (int r = 0; r < 3; r++) for (int c = 0; c < 3; c++) h[r, c] += bv[r] * av[c];
        }
        var svd = h.Svd(computeVectors: true);
        var d = Matrix<double>.Build.DenseIdentity(3);
        if (svd.U.Determinant() * svd.VT.Determinant() < 0) d[2, 2] = -1;
        var m = svd.U * d * svd.VT;
        return new Matrix3(m[0, 0], m[0, 1], m[0, 2], m[1, 0], m[1, 1], m[1, 2], m[2, 0], m[2, 1], m[2, 2]);
    }
}
