using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch09;

/// <summary>
/// §9.3 linear blend skinning of one vertex: t′ = Σ_k w_k (R_k t + b_k) with two bones, each a rotation about the z axis by
/// a given angle and a translation b_k (the bones' motions from the rest pose). Answer: the three coordinates of t′.
/// </summary>
[Exercise(9, "lbs-vertex", "Linear blend skinning of one vertex")]
public sealed class LinearBlendSkinningVertex : NumericExercise
{
    readonly double[] t = new double[3];
    readonly double[] w = new double[2];
    readonly int[] angles = new int[2];
    readonly double[][] b = [new double[3], new double[3]];

    public LinearBlendSkinningVertex(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        int[] choices = [-90, -60, -45, -30, 0, 30, 45, 60, 90];
        do
        {
            for (int i = 0; i < 3; i++) t[i] = rng.NextInt(-3, 4);
            w[0] = rng.NextInt(1, 10) / 10.0;
            w[1] = 1 - w[0];
            for (int k = 0; k < 2; k++)
            {
                angles[k] = choices[rng.NextInt(choices.Length)];
                for (int i = 0; i < 3; i++) b[k][i] = rng.NextInt(-2, 3);
            }
        }
        while (angles[0] == angles[1] || w[0] == 0.5 || t[0] == 0 && t[1] == 0);
    }

    static double[] Rotate(double degrees, double[] p)
    {
        double a = degrees * Math.PI / 180, c = Math.Cos(a), s = Math.Sin(a);
        return [c * p[0] - s * p[1], s * p[0] + c * p[1], p[2]];
    }

    double[] Blend(Func<int, double[]> bone) =>
        Enumerable.Range(0, 3).Select(i => w[0] * bone(0)[i] + w[1] * bone(1)[i]).ToArray();

    protected override int[] AnswerShape => [3];

    protected override Prose Pose() => new Prose()
        .Text("A vertex of a skinned mesh sits at t in the rest pose and is weighted to two bones:")
        .Vector("t =", t)
        .Text($"Bone 1 (weight w₁ = {Prose.Number(w[0])}) turns by {angles[0]}° about the z axis, then moves by b₁; bone 2 (weight w₂ = {Prose.Number(w[1])}) turns by {angles[1]}° about the z axis, then moves by b₂:")
        .Vector("b₁ =", b[0])
        .Vector("b₂ =", b[1])
        .Text("R_z(α) maps (x, y, z) to (x cos α − y sin α, x sin α + y cos α, z). Give the skinned position t′ = Σ_k w_k (R_k t + b_k) (§9.3, linear blend skinning).");

    internal override double[] Reference() => Blend(k => Rotate(angles[k], t).Zip(b[k], (r, s) => r + s).ToArray());

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("blended the angles", "Linear blend skinning averages the transformed positions, not the angles: rotating by w₁α₁ + w₂α₂ is a different (nonlinear) rule.",
            Rotate(w[0] * angles[0] + w[1] * angles[1], t).Zip(Blend(k => b[k]), (r, s) => r + s).ToArray());
        yield return Wrong("forgot the translations", "Each bone's motion is a rotation and a translation: R_k t + b_k.",
            Blend(k => Rotate(angles[k], t)));
        yield return Wrong("swapped the weights", "Bone 1's transform is weighted by w₁ and bone 2's by w₂.",
            Enumerable.Range(0, 3).Select(i => w[1] * (Rotate(angles[0], t)[i] + b[0][i]) + w[0] * (Rotate(angles[1], t)[i] + b[1][i])).ToArray());
        int main = w[0] > w[1] ? 0 : 1;
        yield return Wrong("used only the heavier bone", "Every bone with a non-zero weight contributes; only rigid skinning snaps a vertex to one bone.",
            Rotate(angles[main], t).Zip(b[main], (r, s) => r + s).ToArray());
        yield return Wrong("rotated the wrong way", "R_z(α) turns counter-clockwise seen from +z: x cos α − y sin α, x sin α + y cos α.",
            Blend(k => Rotate(-angles[k], t).Zip(b[k], (r, s) => r + s).ToArray()));
    }

    protected override Prose Solve()
    {
        var r1 = Rotate(angles[0], t).Zip(b[0], (r, s) => r + s).ToArray();
        var r2 = Rotate(angles[1], t).Zip(b[1], (r, s) => r + s).ToArray();
        return new Prose()
            .Vector($"bone 1: R_z({angles[0]}°) t + b₁ =", r1)
            .Vector($"bone 2: R_z({angles[1]}°) t + b₂ =", r2)
            .Vector($"t′ = {Prose.Number(w[0])}·(bone 1) + {Prose.Number(w[1])}·(bone 2) =", Reference())
            .Text("The result is a weighted average of two rigidly moved copies of the vertex; if the bones turn far apart, that average lies inside the arc between them — the origin of LBS's volume loss (the candy wrapper).");
    }
}
