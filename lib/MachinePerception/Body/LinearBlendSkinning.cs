using MachinePerception.Ops;

namespace MachinePerception.Body;

/// <summary>
/// Linear blend skinning (§9.3): every vertex follows a weighted average of its bones' rigid transforms,
/// <code>t′_i = Σ_k w_ki · G′_k (t_i),    G′_k(x) = W_k x + b_k,</code>
/// with G′_k = G_k(θ, J)·G_k(θ*, J)⁻¹ the bone's motion from the rest pose (<see cref="KinematicTree.BoneTranslations"/>).
/// Because the weights of a vertex sum to one, this is one blended affine map per vertex, M_i = Σ_k w_ki W_k and
/// c_i = Σ_k w_ki b_k, applied as M_i t_i + c_i. M_i is a rotation only where one bone dominates: between two bones
/// twisted against each other it shrinks (the "candy wrapper"), the artefact that pose correctives and other
/// skinning rules address (<see cref="DualQuaternionSkinning"/>).
/// </summary>
public static class LinearBlendSkinning
{
    /// <summary>
    /// Vertices [B, V, 3] (or [V, 3], shared), weights [V, K], bone rotations W [B, K, 3, 3] and translations b [B, K, 3]
    /// → skinned vertices [B, V, 3]. Differentiable in all four.
    /// </summary>
    public static Tensor Apply(Tensor vertices, Tensor weights, Tensor rotations, Tensor translations)
    {
        var w = weights.Shape;
        var r = rotations.Shape;
        if (w.Rank != 2) throw new ArgumentException($"LinearBlendSkinning.Apply: weights must be [V, K], got {w}");
        int v = w[0], k = w[1];
        if (r.Rank != 4 || r[1] != k || r[2] != 3 || r[3] != 3)
            throw new ArgumentException($"LinearBlendSkinning.Apply: rotations must be [B, {k}, 3, 3] for weights {w}, got {r}");
        int b = r[0];
        if (translations.Rank != 3 || translations.Shape[0] != b || translations.Shape[1] != k || translations.Shape[2] != 3)
            throw new ArgumentException($"LinearBlendSkinning.Apply: translations must be [{b}, {k}, 3], got {translations.Shape}");
        bool shared = vertices.Rank == 2;
        if (!(shared && vertices.Shape[0] == v && vertices.Shape[1] == 3) && !(vertices.Rank == 3 && vertices.Shape[0] == b && vertices.Shape[1] == v && vertices.Shape[2] == 3))
            throw new ArgumentException($"LinearBlendSkinning.Apply: vertices must be [{v}, 3] or [{b}, {v}, 3] for weights {w}, got {vertices.Shape}");
        var blended = Op.Reshape(Op.MatMul(weights, Op.Reshape(rotations, b, k, 9)), b, v, 3, 3); // M_i [B, V, 3, 3]
        var offset = Op.MatMul(weights, translations);                                          // c_i [B, V, 3]
        var t = shared ? Op.Reshape(vertices, 1, v, 1, 3) : Op.Unsqueeze(vertices, -2);        // [B, V, 1, 3]
        return Op.Sum(blended * t, -1) + offset;                                                // M_i t_i + c_i
    }
}
