using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch08;

/// <summary>
/// §8 / §14 SDFs and CSG: the signed distances of a sphere S and an axis-aligned box B at a point, and of S ∪ B, S ∩ B and
/// S \ B (min, max, max(f_S, −f_B)). Answer: (f_S, f_B, f_union, f_intersection, f_difference).
/// </summary>
[Exercise(8, "csg-sdf", "Signed distance of primitives and CSG expressions")]
public sealed class CsgSignedDistance : NumericExercise
{
    readonly double[] centre, half, point;
    readonly double radius;

    public CsgSignedDistance(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        centre = [rng.NextInt(-2, 3), rng.NextInt(-2, 3), rng.NextInt(-2, 3)];
        radius = rng.NextInt(1, 4);
        half = [rng.NextInt(1, 4), rng.NextInt(1, 4), rng.NextInt(1, 4)];
        bool inBox = rng.NextInt(2) == 0;    // half of the variants put p inside the box, where its distance is negative
        do point = inBox
            ? [0.5 * rng.NextInt(-2 * (int)half[0] + 1, 2 * (int)half[0]), 0.5 * rng.NextInt(-2 * (int)half[1] + 1, 2 * (int)half[1]), 0.5 * rng.NextInt(-2 * (int)half[2] + 1, 2 * (int)half[2])]
            : [0.5 * rng.NextInt(-8, 9), 0.5 * rng.NextInt(-8, 9), 0.5 * rng.NextInt(-8, 9)];
        while (Math.Abs(Sphere() - Box()) < 0.25 || Math.Abs(Sphere() + Box()) < 0.25);  // keep the min/max choices visible
    }

    double Sphere() => Math.Sqrt(Enumerable.Range(0, 3).Sum(k => (point[k] - centre[k]) * (point[k] - centre[k]))) - radius;

    double[] Q => Enumerable.Range(0, 3).Select(k => Math.Abs(point[k]) - half[k]).ToArray();

    // outside part ‖max(q, 0)‖ plus inside part min(max_k q_k, 0), q = |p| − h
    double Box()
    {
        var q = Q;
        return Math.Sqrt(q.Sum(v => Math.Max(v, 0) * Math.Max(v, 0))) + Math.Min(q.Max(), 0);
    }

    static double[] Answer(double s, double b, double union, double intersection, double difference) => [s, b, union, intersection, difference];

    static double[] Correct(double s, double b) => Answer(s, b, Math.Min(s, b), Math.Max(s, b), Math.Max(s, -b));

    static string P(double[] x) => $"({string.Join(", ", x.Select(Prose.Number))})";

    protected override int[] AnswerShape => [5];
    protected override Tolerance Tolerance => new(1e-6, 1e-4);

    protected override Prose Pose() => new Prose()
        .Text($"S is the sphere of radius {Prose.Number(radius)} centred at {P(centre)}; B is the axis-aligned box centred at the origin with half-extents h = {P(half)}.")
        .Text($"At the point p = {P(point)}, give five signed distances (negative inside): of S, of B, of the union S ∪ B, of the intersection S ∩ B and of the difference S \\ B (the sphere with the box cut away).")
        .Text("Sphere: ‖p − c‖ − r. Box: with q = |p| − h (per axis), ‖max(q, 0)‖ + min(max_k q_k, 0).");

    internal override double[] Reference() => Correct(Sphere(), Box());

    internal override IEnumerable<Mistake> Mistakes()
    {
        double s = Sphere(), b = Box();
        yield return Wrong("union and intersection swapped", "A point is in A ∪ B when it is in either one, so the union takes the smaller distance (min); the intersection needs both (max).",
            Answer(s, b, Math.Max(s, b), Math.Min(s, b), Math.Max(s, -b)));
        yield return Wrong("difference without negating B", "S \\ B = S ∩ (complement of B), and the complement of B has the SDF −f_B: max(f_S, −f_B), not max(f_S, f_B).",
            Answer(s, b, Math.Min(s, b), Math.Max(s, b), Math.Max(s, b)));
        var q = Q;
        double outsideOnly = Math.Sqrt(q.Sum(v => Math.Max(v, 0) * Math.Max(v, 0)));
        yield return Wrong("box distance without its inside part", "Inside the box ‖max(q, 0)‖ is 0; the term min(max_k q_k, 0) gives the (negative) distance to the nearest face.", Correct(s, outsideOnly));
        double norm = Math.Sqrt(q.Sum(v => v * v));
        yield return Wrong("box distance as ‖q‖", "Only the positive parts of q count outside (max(q, 0)): an axis on which p lies within the slab adds no distance.", Correct(s, norm));
    }

    protected override Prose Solve()
    {
        var q = Q;
        var r = Reference();
        return new Prose()
            .Text($"Sphere: ‖p − c‖ − r = ‖{P(point.Zip(centre, (a, b) => a - b).ToArray())}‖ − {Prose.Number(radius)} = **{Prose.Number(r[0])}**.")
            .Text($"Box: q = |p| − h = {P(q)}; ‖max(q, 0)‖ = {Prose.Number(Math.Sqrt(q.Sum(v => Math.Max(v, 0) * Math.Max(v, 0))))}, min(max q, 0) = {Prose.Number(Math.Min(q.Max(), 0))}: **{Prose.Number(r[1])}**.")
            .Text($"Union min = **{Prose.Number(r[2])}**, intersection max = **{Prose.Number(r[3])}**, difference max(f_S, −f_B) = max({Prose.Number(r[0])}, {Prose.Number(-r[1])}) = **{Prose.Number(r[4])}**.");
    }
}
