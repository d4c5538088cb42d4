using MachinePerception.Geometry;

namespace MachinePerception.Body;

/// <summary>
/// Dual-quaternion skinning (Kavan et al. 2007), a nonlinear alternative to <see cref="LinearBlendSkinning"/>: each bone's
/// rigid motion (W_k, b_k) becomes a unit dual quaternion q̂_k = q_k + ε·½(0, b_k)q_k; a vertex blends them with its
/// weights, Σ_k w_ki q̂_k (each q_k's sign flipped to the hemisphere of the vertex's main bone, since q and −q are the
/// same rotation), normalises, and applies the resulting rigid motion. A blend of rigid motions that is itself rigid
/// cannot shrink a twisted limb: the candy wrapper disappears. The book uses it, in plain doubles, as the stand-in for
/// SMPL's registered scans when it fits pose correctives (BodyModelGenerator).
/// </summary>
public static class DualQuaternionSkinning
{
    /// <summary>A quaternion w + xi + yj + zk.</summary>
    public readonly record struct Quaternion(double W, double X, double Y, double Z)
    {
        public static Quaternion operator *(Quaternion a, Quaternion b) => new(
            a.W * b.W - a.X * b.X - a.Y * b.Y - a.Z * b.Z,
            a.W * b.X + a.X * b.W + a.Y * b.Z - a.Z * b.Y,
            a.W * b.Y - a.X * b.Z + a.Y * b.W + a.Z * b.X,
            a.W * b.Z + a.X * b.Y - a.Y * b.X + a.Z * b.W);

        public static Quaternion operator *(double s, Quaternion q) => new(s * q.W, s * q.X, s * q.Y, s * q.Z);
        public static Quaternion operator +(Quaternion a, Quaternion b) => new(a.W + b.W, a.X + b.X, a.Y + b.Y, a.Z + b.Z);
        public double Dot(Quaternion b) => W * b.W + X * b.X + Y * b.Y + Z * b.Z;
        public Quaternion Conjugate => new(W, -X, -Y, -Z);

        /// <summary>The unit quaternion of a rotation matrix (Shepperd's method: the largest of w², x², y², z² first).</summary>
        public static Quaternion FromRotation(Matrix3 m)
        {
            double t = m.Trace;
            if (t >= m.M00 && t >= m.M11 && t >= m.M22)
            {
                double s = 2 * Math.Sqrt(1 + t);
                return new(s / 4, (m.M21 - m.M12) / s, (m.M02 - m.M20) / s, (m.M10 - m.M01) / s);
            }
            if (m.M00 >= m.M11 && m.M00 >= m.M22)
            {
                double s = 2 * Math.Sqrt(1 + m.M00 - m.M11 - m.M22);
                return new((m.M21 - m.M12) / s, s / 4, (m.M01 + m.M10) / s, (m.M02 + m.M20) / s);
            }
            if (m.M11 >= m.M22)
            {
                double s = 2 * Math.Sqrt(1 + m.M11 - m.M00 - m.M22);
                return new((m.M02 - m.M20) / s, (m.M01 + m.M10) / s, s / 4, (m.M12 + m.M21) / s);
            }
            double sz = 2 * Math.Sqrt(1 + m.M22 - m.M00 - m.M11);
            return new((m.M10 - m.M01) / sz, (m.M02 + m.M20) / sz, (m.M12 + m.M21) / sz, sz / 4);
        }

        /// <summary>The rotation matrix of a unit quaternion.</summary>
        public Matrix3 ToRotation() => new(
            1 - 2 * (Y * Y + Z * Z), 2 * (X * Y - W * Z), 2 * (X * Z + W * Y),
            2 * (X * Y + W * Z), 1 - 2 * (X * X + Z * Z), 2 * (Y * Z - W * X),
            2 * (X * Z - W * Y), 2 * (Y * Z + W * X), 1 - 2 * (X * X + Y * Y));
    }

    /// <summary>
    /// Vertices t_i, weights [V, K] and the bones' motions (rotation W_k, translation b_k, as in LBS) → skinned vertices.
    /// </summary>
    public static Vec3[] Apply(IReadOnlyList<Vec3> vertices, double[,] weights, IReadOnlyList<Matrix3> rotations, IReadOnlyList<Vec3> translations)
    {
        int v = vertices.Count, k = rotations.Count;
        if (weights.GetLength(0) != v || weights.GetLength(1) != k || translations.Count != k)
            throw new ArgumentException($"DualQuaternionSkinning.Apply: weights [{weights.GetLength(0)}, {weights.GetLength(1)}] for {v} vertices, {k} rotations and {translations.Count} translations");
        var real = new Quaternion[k];
        var dual = new Quaternion[k];
        for (int j = 0; j < k; j++)
        {
            real[j] = Quaternion.FromRotation(rotations[j]);
            var b = translations[j];
            dual[j] = 0.5 * (new Quaternion(0, b.X, b.Y, b.Z) * real[j]);
        }
        var result = new Vec3[v];
        for (int i = 0; i < v; i++)
        {
            int main = 0;
            for (int j = 1; j < k; j++) if (weights[i, j] > weights[i, main]) main = j;
            Quaternion r = default, d = default;
            for (int j = 0; j < k; j++)
            {
                double w = weights[i, j];
                if (w == 0) continue;
                if (real[j].Dot(real[main]) < 0) w = -w; // the same rotation from the other hemisphere
                r += w * real[j];
                d += w * dual[j];
            }
            double norm = Math.Sqrt(r.Dot(r));
            r = (1 / norm) * r;
            d = (1 / norm) * d;
            var t = 2 * (d * r.Conjugate);                  // translation of the blended motion, (0, t)
            result[i] = r.ToRotation() * vertices[i] + new Vec3(t.X, t.Y, t.Z);
        }
        return result;
    }
}
