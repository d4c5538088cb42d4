using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch09;

/// <summary>
/// §9.3 Rodrigues' formula: the rotation of a point p by angle θ about a unit axis k,
/// p′ = cos θ · p + sin θ · (k × p) + (1 − cos θ)(k · p) k. The axis is given as an axis-angle vector r = θk, as SMPL stores a
/// joint's pose. Answer: the three coordinates of p′.
/// </summary>
[Exercise(9, "rodrigues-rotation", "Rotate a point with Rodrigues' formula")]
public sealed class RodriguesRotation : NumericExercise
{
    // unit axes with rational coordinates, so ‖r‖ and k are easy to read off
    static readonly double[][] Axes = [[0, 0, 1], [1, 0, 0], [0, 1, 0], [1 / 3.0, 2 / 3.0, 2 / 3.0], [2 / 3.0, -1 / 3.0, 2 / 3.0], [2 / 7.0, 3 / 7.0, 6 / 7.0], [0.6, 0, 0.8]];
    static readonly int[] Degrees = [30, 45, 60, 90, 120, 135, 150];

    readonly double[] k, p = new double[3];
    readonly int degrees;

    public RodriguesRotation(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        k = Axes[rng.NextInt(Axes.Length)].Select(v => (rng.NextInt(2) == 0 ? 1 : -1) * v).ToArray();
        degrees = Degrees[rng.NextInt(Degrees.Length)];
        do for (int i = 0; i < 3; i++) p[i] = rng.NextInt(-3, 4);
        while (Norm(Cross(k, p)) < 1e-9 || Math.Abs(Dot(k, p)) < 1e-9); // both the k × p and the k·k·p terms matter
    }

    static double Dot(double[] a, double[] b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    static double[] Cross(double[] a, double[] b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
    static double Norm(double[] a) => Math.Sqrt(Dot(a, a));

    double Theta => degrees * Math.PI / 180;
    double[] R => k.Select(v => v * Theta).ToArray();

    double[] Rotate(double[] axis, double theta, bool withAxial = true)
    {
        double c = Math.Cos(theta), s = Math.Sin(theta), kp = Dot(axis, p);
        var kxp = Cross(axis, p);
        return Enumerable.Range(0, 3).Select(i => c * p[i] + s * kxp[i] + (withAxial ? (1 - c) * kp * axis[i] : 0)).ToArray();
    }

    protected override int[] AnswerShape => [3];

    protected override Prose Pose() => new Prose()
        .Text($"A joint's pose is stored as the axis-angle vector r = θk (θ = ‖r‖ in radians, k = r/θ); here θ = {degrees}° = {Prose.Number(Theta)} rad:")
        .Vector("r =", R)
        .Vector("Rotate the point p =", p)
        .Text("with Rodrigues' formula p′ = cos θ · p + sin θ · (k × p) + (1 − cos θ)(k·p) k (§9.3). Give p′.");

    internal override double[] Reference()
    {
        // independent of the formula: R = exp([r]×) by its power series, applied to p
        var m = new double[3, 3];
        var term = new double[3, 3] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
        var r = R;
        var skew = new double[3, 3] { { 0, -r[2], r[1] }, { r[2], 0, -r[0] }, { -r[1], r[0], 0 } };
        for (int n = 0; n < 40; n++)
        {
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) m[i, j] += term[i, j];
            var next = new double[3, 3];
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int l = 0; l < 3; l++) next[i, j] += term[i, l] * skew[l, j] / (n + 1);
            term = next;
        }
        return Enumerable.Range(0, 3).Select(i => m[i, 0] * p[0] + m[i, 1] * p[1] + m[i, 2] * p[2]).ToArray();
    }

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("rotated by −θ", "The sin θ term is + sin θ (k × p): a positive angle turns counter-clockwise seen from the tip of k.", Rotate(k, -Theta));
        yield return Wrong("dropped the (1 − cos θ)(k·p)k term", "The component of p along the axis does not rotate; without the last term it would shrink by cos θ.", Rotate(k, Theta, withAxial: false));
        yield return Wrong("used the angle in degrees as radians", $"cos and sin take radians: θ = {degrees}° = {Prose.Number(Theta)} rad.", Rotate(k, degrees));
        yield return Wrong("used r instead of the unit axis k", "k = r/‖r‖ has length one; with r itself the cross and outer products are scaled by θ and θ².",
            Rotate(R, Theta));
    }

    protected override Prose Solve()
    {
        double c = Math.Cos(Theta), s = Math.Sin(Theta), kp = Dot(k, p);
        return new Prose()
            .Vector("k = r/‖r‖ =", k)
            .Text($"cos θ = {Prose.Number(c)}, sin θ = {Prose.Number(s)}, k·p = {Prose.Number(kp)}")
            .Vector("k × p =", Cross(k, p))
            .Vector("p′ = cos θ·p + sin θ·(k × p) + (1 − cos θ)(k·p)k =", Rotate(k, Theta))
            .Text("Check: ‖p′‖ = ‖p‖ and k·p′ = k·p (a rotation keeps lengths and the component along its axis).");
    }
}
