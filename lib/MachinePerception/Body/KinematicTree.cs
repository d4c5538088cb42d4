using MachinePerception.Geometry;
using MachinePerception.Ops;

namespace MachinePerception.Body;

/// <summary>
/// A kinematic tree (§9.3): joints in topological order (every parent before its children, the root's parent −1).
/// Forward kinematics composes each joint's rotation, relative to its parent, down the tree:
/// <code>W_k = W_π(k) · R_k,    p_k = p_π(k) + W_π(k) · (J_k − J_π(k)),    W_0 = R_0,  p_0 = J_0 + t,</code>
/// with R_k the local rotations (SMPL: Rodrigues of the pose θ_k), J the rest-pose joint positions, W_k the world
/// rotations and p_k the posed joints. The rigid transform G_k(θ, J) of the summary maps a point x of bone k's rest
/// frame to W_k (x − J_k) + p_k: rotation W_k and translation b_k = p_k − W_k J_k (<see cref="BoneTranslations"/>),
/// which is the identity in the rest pose, so skinning with it leaves the template in place.
/// </summary>
public sealed class KinematicTree
{
    /// <summary>π(k), the parent of each joint (−1 for the root).</summary>
    public IReadOnlyList<int> Parents { get; }

    public IReadOnlyList<string> Names { get; }

    public int Count => Parents.Count;

    public KinematicTree(IReadOnlyList<int> parents, IReadOnlyList<string>? names = null)
    {
        if (parents.Count == 0 || parents[0] != -1)
            throw new ArgumentException($"KinematicTree: joint 0 must be the root (parent −1), got parents [{string.Join(", ", parents)}]");
        for (int k = 1; k < parents.Count; k++)
            if (parents[k] < 0 || parents[k] >= k)
                throw new ArgumentException($"KinematicTree: joint {k} has parent {parents[k]}; parents must come first (0 ≤ π(k) < k)");
        if (names is not null && names.Count != parents.Count)
            throw new ArgumentException($"KinematicTree: {names.Count} names for {parents.Count} joints");
        Parents = parents.ToArray();
        Names = names?.ToArray() ?? Enumerable.Range(0, parents.Count).Select(k => $"joint{k}").ToArray();
    }

    /// <summary>SMPL's 24 joints and their parents (the first row of kintree_table).</summary>
    public static KinematicTree Smpl { get; } = new(
        [-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19, 20, 21],
        ["pelvis", "left_hip", "right_hip", "spine1", "left_knee", "right_knee", "spine2", "left_ankle", "right_ankle",
         "spine3", "left_foot", "right_foot", "neck", "left_collar", "right_collar", "head", "left_shoulder",
         "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hand", "right_hand"]);

    public int IndexOf(string name)
    {
        for (int k = 0; k < Count; k++) if (Names[k] == name) return k;
        throw new ArgumentException($"KinematicTree: no joint named '{name}' (joints: {string.Join(", ", Names)})");
    }

    /// <summary>The children of joint k, in index order.</summary>
    public int[] Children(int k) => Enumerable.Range(0, Count).Where(c => Parents[c] == k).ToArray();

    /// <summary>The bones as (parent, child) pairs, one per non-root joint.</summary>
    public IEnumerable<(int Parent, int Child)> Bones() => Enumerable.Range(1, Count - 1).Select(k => (Parents[k], k));

    /// <summary>
    /// Forward kinematics in doubles: local rotations R_k and bone offsets o_k (o_k = J_k − J_π(k); the root's offset is
    /// its position) → world rotations W_k and joint positions p_k.
    /// </summary>
    public (Matrix3[] World, Vec3[] Positions) Forward(IReadOnlyList<Matrix3> local, IReadOnlyList<Vec3> offsets)
    {
        if (local.Count != Count || offsets.Count != Count)
            throw new ArgumentException($"KinematicTree.Forward: {local.Count} rotations and {offsets.Count} offsets for {Count} joints");
        var world = new Matrix3[Count];
        var positions = new Vec3[Count];
        for (int k = 0; k < Count; k++)
        {
            int p = Parents[k];
            if (p < 0) { world[k] = local[k]; positions[k] = offsets[k]; continue; }
            world[k] = world[p] * local[k];
            positions[k] = positions[p] + world[p] * offsets[k];
        }
        return (world, positions);
    }

    /// <summary>Bone offsets o_k = J_k − J_π(k) of rest joints (the root keeps its position).</summary>
    public Vec3[] Offsets(IReadOnlyList<Vec3> restJoints)
    {
        if (restJoints.Count != Count) throw new ArgumentException($"KinematicTree.Offsets: {restJoints.Count} joints for a tree of {Count}");
        return Enumerable.Range(0, Count).Select(k => Parents[k] < 0 ? restJoints[k] : restJoints[k] - restJoints[Parents[k]]).ToArray();
    }

    /// <summary>
    /// Forward kinematics on tensors, differentiable: local rotations [B, K, 3, 3], rest joints J [B, K, 3] and an optional
    /// root translation t [B, 3] → world rotations W [B, K, 3, 3] and posed joints p [B, K, 3].
    /// </summary>
    public (Tensor World, Tensor Joints) Forward(Tensor localRotations, Tensor restJoints, Tensor? translation = null)
    {
        var r = localRotations.Shape;
        if (r.Rank != 4 || r[1] != Count || r[2] != 3 || r[3] != 3)
            throw new ArgumentException($"KinematicTree.Forward: local rotations must be [B, {Count}, 3, 3], got {r}");
        if (restJoints.Rank != 3 || restJoints.Shape[0] != r[0] || restJoints.Shape[1] != Count || restJoints.Shape[2] != 3)
            throw new ArgumentException($"KinematicTree.Forward: rest joints must be [{r[0]}, {Count}, 3], got {restJoints.Shape}");
        if (translation is not null && (translation.Rank != 2 || translation.Shape[0] != r[0] || translation.Shape[1] != 3))
            throw new ArgumentException($"KinematicTree.Forward: translation must be [{r[0]}, 3], got {translation.Shape}");
        var parentOf = Parents.Select(p => Math.Max(p, 0)).ToArray();
        var offsets = restJoints - Op.IndexSelect(restJoints, 1, parentOf);                  // [B, K, 3], root row 0
        var world = new Tensor[Count];
        var joints = new Tensor[Count];
        for (int k = 0; k < Count; k++)
        {
            var rk = Op.Index(localRotations, 1, k);                                          // [B, 3, 3]
            int p = Parents[k];
            if (p < 0)
            {
                world[k] = rk;
                joints[k] = Op.Index(restJoints, 1, k);                                       // [B, 3]
                if (translation is not null) joints[k] = joints[k] + translation;
                continue;
            }
            world[k] = Op.MatMul(world[p], rk);
            var bone = Op.Unsqueeze(Op.Index(offsets, 1, k), -1);                             // [B, 3, 1]
            joints[k] = joints[p] + Op.Squeeze(Op.MatMul(world[p], bone), -1);
        }
        return (Op.Stack(world, 1), Op.Stack(joints, 1));
    }

    /// <summary>b_k = p_k − W_k J_k [B, K, 3]: the translation of G_k(θ, J)·G_k(θ*, J)⁻¹, the rest pose removed.</summary>
    public static Tensor BoneTranslations(Tensor world, Tensor posedJoints, Tensor restJoints) =>
        posedJoints - Op.Squeeze(Op.MatMul(Op.Reshape(world, -1, 3, 3), Op.Reshape(restJoints, -1, 3, 1)), -1).Reshape(posedJoints.Shape.ToArray());
}
