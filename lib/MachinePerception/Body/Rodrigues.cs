using MachinePerception.Autodiff;
using MachinePerception.Geometry;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Body;

/// <summary>
/// Rodrigues' formula (§9.3): the rotation of an axis-angle vector r = θk (unit axis k, angle θ = ‖r‖) is
/// R(r) = cos θ·I + sin θ·[k]× + (1 − cos θ)·k kᵀ = exp([r]×). SMPL's pose θ holds one such vector per joint.
/// Written in r itself, with s = ‖r‖² = θ², it reads
/// <code>R(r) = f₀(s)·I + f₁(s)·[r]× + f₂(s)·r rᵀ,   f₀ = cos θ,  f₁ = sin θ / θ,  f₂ = (1 − cos θ) / θ²,</code>
/// where f_k(s) = Σ_{n≥0} (−s)ⁿ / (2n + k)! are entire functions of s: no division by θ is left, so the formula and
/// all its derivatives are exact at r = 0 (the rest pose), where a direct normalisation k = r/θ would divide by zero.
/// The coefficients satisfy f_k′(s) = (k·f_{k+2}(s) − f_{k+1}(s)) / 2, which is the backward rule of
/// <see cref="Coefficient(Tensor, int)"/>: written with the same op, it can be differentiated again.
/// </summary>
public static class Rodrigues
{
    /// <summary>
    /// f_k(s) = Σ_{n≥0} (−s)ⁿ/(2n + k)!: f₀ = cos √s, f₁ = sin √s/√s, f₂ = (1 − cos √s)/s, f₃ = (√s − sin √s)/s^{3/2}, …
    /// Below s = 25 the series (alternating, at most a factor ≈ 30 of cancellation); above, the recurrence
    /// f_{j+2} = (1/j! − f_j)/s upwards from f₀ and f₁, whose errors shrink by 1/s at each step.
    /// </summary>
    public static double Coefficient(int k, double s)
    {
        if (k < 0 || k > 40) throw new ArgumentException($"Rodrigues.Coefficient: order k = {k} must be in 0..40");
        if (double.IsNaN(s)) return double.NaN;
        if (s < 25)
        {
            double term = 1;
            for (int i = 2; i <= k; i++) term /= i; // 1/k!
            double sum = term;
            for (int n = 1; n < 400; n++)
            {
                term *= -s / ((2.0 * n + k - 1) * (2.0 * n + k));
                sum += term;
                if (Math.Abs(term) <= 1e-18 * Math.Abs(sum)) break;
            }
            return sum;
        }
        double theta = Math.Sqrt(s);
        double fj = Math.Cos(theta), fj1 = Math.Sin(theta) / theta, factorial = 1; // f_j, f_{j+1}, j!
        for (int j = 0; j < k; j++)
        {
            double next = (1 / factorial - fj) / s; // f_{j+2}
            fj = fj1;
            fj1 = next;
            factorial *= j + 1;
        }
        return fj;
    }

    /// <summary>
    /// f_k(s) entry by entry, differentiable: ∂f_k/∂s = (k·f_{k+2} − f_{k+1})/2 (the series differentiated term by term,
    /// with n = ((2n + k) − k)/2 splitting each term in two).
    /// </summary>
    public static Tensor Coefficient(Tensor s, int k)
    {
        var values = s.ToDoubleArray();
        for (int i = 0; i < values.Length; i++) values[i] = Coefficient(k, values[i]);
        var y = Tensor.FromArray(values, s.Shape.ToArray());
        if (y.DType != s.DType) y = y.To(s.DType);
        if (y.Device != s.Device) y = y.To(s.Device);
        return Autograd.Record(y, $"rodrigues_f{k}", [s], g => [g * ((Coefficient(s, k + 2) * k - Coefficient(s, k + 1)) * 0.5)]);
    }

    /// <summary>[r]× for axis-angle vectors [..., 3] → [..., 3, 3]: [r]× p = r × p.</summary>
    public static Tensor Skew(Tensor r)
    {
        CheckVectors("Rodrigues.Skew", r);
        var x = Op.Index(r, -1, 0);
        var y = Op.Index(r, -1, 1);
        var z = Op.Index(r, -1, 2);
        var zero = Tensor.ZerosLike(x);
        var entries = Op.Stack([zero, Op.Neg(z), y, z, zero, Op.Neg(x), Op.Neg(y), x, zero], -1); // [..., 9]
        return Op.Reshape(entries, [.. r.Shape.ToArray()[..^1], 3, 3]);
    }

    /// <summary>R(r) = f₀(s)·I + f₁(s)·[r]× + f₂(s)·r rᵀ for axis-angle vectors [..., 3] → rotations [..., 3, 3], differentiable.</summary>
    public static Tensor Rotation(Tensor r)
    {
        CheckVectors("Rodrigues.Rotation", r);
        var s = Op.Unsqueeze(Op.Sum(Op.Square(r), -1, keepDims: true), -1);             // [..., 1, 1]
        var outer = Op.Unsqueeze(r, -1) * Op.Unsqueeze(r, -2);                           // [..., 3, 3]
        var eye = Tensor.Eye(3, r.DType);
        if (eye.Device != r.Device) eye = eye.To(r.Device);
        return Coefficient(s, 0) * eye + Coefficient(s, 1) * Skew(r) + Coefficient(s, 2) * outer;
    }

    /// <summary>R(r) in plain doubles, the same formula.</summary>
    public static Matrix3 Rotation(Vec3 r)
    {
        double s = r.Dot(r);
        return Coefficient(0, s) * Matrix3.Identity + Coefficient(1, s) * Matrix3.Skew(r) + Coefficient(2, s) * Matrix3.Outer(r, r);
    }

    /// <summary>
    /// The inverse map (the matrix logarithm): r with R(r) = R and θ = ‖r‖ ∈ [0, π]. From the antisymmetric part,
    /// (R − Rᵀ)/2 = sin θ·[k]×, when θ ≤ π/2; near θ = π, where sin θ → 0 loses the axis, from the symmetric part
    /// (R + Rᵀ)/2 = cos θ·I + (1 − cos θ)·k kᵀ, with k's sign taken from the antisymmetric part.
    /// </summary>
    public static Vec3 AxisAngle(Matrix3 rotation)
    {
        var m = rotation;
        var v = 0.5 * new Vec3(m.M21 - m.M12, m.M02 - m.M20, m.M10 - m.M01); // sin θ · k
        double sin = v.Norm, cos = Math.Clamp((m.Trace - 1) / 2, -1, 1);
        double theta = Math.Atan2(sin, cos);
        if (cos >= 0) return (1 / Coefficient(1, theta * theta)) * v; // v = f₁(θ²)·r
        // k kᵀ = (S − cos θ I)/(1 − cos θ): its largest diagonal entry gives the best-conditioned column
        double c = 1 - cos;
        double kxx = (m.M00 - cos) / c, kyy = (m.M11 - cos) / c, kzz = (m.M22 - cos) / c;
        Vec3 k;
        if (kxx >= kyy && kxx >= kzz)
        {
            double kx = Math.Sqrt(Math.Max(kxx, 0));
            k = new Vec3(kx, (m.M01 + m.M10) / (2 * c * kx), (m.M02 + m.M20) / (2 * c * kx));
        }
        else if (kyy >= kzz)
        {
            double ky = Math.Sqrt(Math.Max(kyy, 0));
            k = new Vec3((m.M01 + m.M10) / (2 * c * ky), ky, (m.M12 + m.M21) / (2 * c * ky));
        }
        else
        {
            double kz = Math.Sqrt(Math.Max(kzz, 0));
            k = new Vec3((m.M02 + m.M20) / (2 * c * kz), (m.M12 + m.M21) / (2 * c * kz), kz);
        }
        k = k.Normalized();
        if (k.Dot(v) < 0) k = -k;
        return theta * k;
    }

    static void CheckVectors(string op, Tensor r)
    {
        if (r.Rank < 1 || r.Shape[r.Rank - 1] != 3)
            throw new ArgumentException($"{op}: axis-angle vectors must be [..., 3], got {r.Shape}");
    }
}
