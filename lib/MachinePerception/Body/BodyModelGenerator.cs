using MathNet.Numerics.LinearAlgebra;
using MachinePerception.Generative;
using MachinePerception.Geometry;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Body;

/// <summary>How well the generated model reproduces what it was built from (all distances in metres).</summary>
/// <param name="Population">people in the population the shape space was fitted to</param>
/// <param name="Vertices">vertices of the mesh</param>
/// <param name="Eigenvalues">the largest eigenvalues λ of the population's covariance (m²)</param>
/// <param name="ExplainedVariance">share of the population's variance kept by the shape directions</param>
/// <param name="HeldOutShapeError">mean vertex distance of new people to their projection into the shape space</param>
/// <param name="HeldOutJointError">mean distance of J(β) of those projections to the people's true joints</param>
/// <param name="CorrectivePoses">random poses the correctives were fitted to</param>
/// <param name="LbsError">mean vertex distance of plain LBS to the "scans" on held-out poses</param>
/// <param name="CorrectedError">the same with the fitted pose correctives</param>
public sealed record GenerationReport(int Population, int Vertices, double[] Eigenvalues, double ExplainedVariance, double HeldOutShapeError,
    double HeldOutJointError, int CorrectivePoses, double LbsError, double CorrectedError);

/// <summary>
/// The book's own SMPL-format body model (§9.3), generated from a seed, because SMPL's files may not be redistributed:
/// <list type="number">
/// <item>a population of people (<see cref="BodyMeasurements.Sample"/>), each meshed by <see cref="BodyMesh"/> with the same
/// vertices in the same order — the registered, T-posed meshes of the summary;</item>
/// <item>shape space by PCA of the vectorised meshes: T = Sβ + μ, with μ = v_template the mean person and the columns of
/// S = shapedirs the principal directions scaled by √λ, so that β ~ N(0, I) over the population;</item>
/// <item>J_regressor: each joint the mean of the ring of vertices centred on it (exact for every person of the family);</item>
/// <item>skinning weights from the mesh builder;</item>
/// <item>pose correctives P fitted by least squares so that t + p(θ), skinned by LBS, matches "scans" of the posed mean body,
/// which we make with <see cref="Scan"/>: dual-quaternion skinning plus a muscle bulge that grows with elbow and knee flexion
/// (SMPL fits P to thousands of registered scans of real people; ours are the stand-in).</item>
/// </list>
/// </summary>
public static class BodyModelGenerator
{
    /// <summary>Generates the model and a report of how well it fits its own population and scans.</summary>
    public static (SmplModel Model, GenerationReport Report) Generate(int seed = 9, int population = 200, int shapeCount = 10,
        int correctivePoses = 240, int heldOut = 40)
    {
        if (population <= shapeCount) throw new ArgumentException($"BodyModelGenerator.Generate: a population of {population} cannot give {shapeCount} shape directions");
        var rng = new Rng(seed);
        var people = Enumerable.Range(0, population).Select(_ => BodyMeasurements.Sample(rng)).ToArray();
        var reference = BodyMesh.Build(BodyMeasurements.Average);
        int v = reference.VertexCount;
        var data = new double[population * 3 * v];
        for (int n = 0; n < population; n++) Flatten(BodyMesh.Build(people[n]).Vertices, data, n * 3 * v);
        var pca = Pca.FitByGram(Tensor.FromArray(data, population, 3 * v), shapeCount);

        // shapedirs [V, 3, B]: principal directions × √λ, each signed to point towards larger bodies (positive overlap with μ − centroid)
        var mean = pca.Mean;
        var shapeDirs = new double[3 * v * shapeCount];
        for (int b = 0; b < shapeCount; b++)
        {
            double sign = Outwardness(pca.Components.Column(b).ToArray(), mean) < 0 ? -1 : 1, scale = sign * Math.Sqrt(pca.Eigenvalues[b]);
            for (int i = 0; i < 3 * v; i++) shapeDirs[i * shapeCount + b] = scale * pca.Components[i, b];
        }

        // J_regressor: joint k = mean of the ring centred on it
        var regressor = new double[24 * v];
        for (int k = 0; k < 24; k++)
        {
            var ring = reference.Rings[reference.JointRing[k]];
            for (int j = 0; j < ring.Size; j++) regressor[k * v + ring.FirstVertex + j] = 1.0 / ring.Size;
        }
        var weights = reference.Weights;
        var weightData = new double[v * 24];
        for (int i = 0; i < v; i++) for (int k = 0; k < 24; k++) weightData[i * 24 + k] = weights[i, k];

        var template = Enumerable.Range(0, v).Select(i => new Vec3(mean[3 * i], mean[3 * i + 1], mean[3 * i + 2])).ToArray();
        var restJoints = Regress(regressor, template);
        var (poseDirs, lbsError, correctedError) = FitCorrectives(template, restJoints, weights, rng, correctivePoses, heldOut);

        var model = new SmplModel(Tensor.FromArray(mean, v, 3), Tensor.FromArray(shapeDirs, v, 3, shapeCount),
            Tensor.FromArray(poseDirs, v, 3, 9 * 23), Tensor.FromArray(regressor, 24, v), Tensor.FromArray(weightData, v, 24),
            KinematicTree.Smpl.Parents, reference.Triangles);

        // held-out people: project into the shape space and compare meshes and joints
        double shapeError = 0, jointError = 0;
        for (int n = 0; n < heldOut; n++)
        {
            var m = BodyMeasurements.Sample(rng);
            var mesh = BodyMesh.Build(m);
            var x = new double[3 * v];
            Flatten(mesh.Vertices, x, 0);
            var beta = ProjectShape(model, x);
            var shaped = model.ShapedVertices(Tensor.FromArray(beta, 1, shapeCount)).ToDoubleArray();
            for (int i = 0; i < v; i++)
                shapeError += Math.Sqrt(Sq(shaped[3 * i] - x[3 * i]) + Sq(shaped[3 * i + 1] - x[3 * i + 1]) + Sq(shaped[3 * i + 2] - x[3 * i + 2])) / (v * heldOut);
            var joints = model.RestJoints(Tensor.FromArray(beta, 1, shapeCount)).ToDoubleArray();
            for (int k = 0; k < 24; k++)
                jointError += (new Vec3(joints[3 * k], joints[3 * k + 1], joints[3 * k + 2]) - mesh.Joints[k]).Norm / (24 * heldOut);
        }
        double explained = pca.ExplainedVarianceRatio(shapeCount);
        return (model, new GenerationReport(population, v, pca.Eigenvalues.Take(Math.Min(population, 20)).ToArray(), explained, shapeError, jointError,
            correctivePoses, lbsError, correctedError));
    }

    static double Sq(double x) => x * x;

    static void Flatten(IReadOnlyList<Vec3> vertices, double[] into, int offset)
    {
        for (int i = 0; i < vertices.Count; i++)
        {
            into[offset + 3 * i] = vertices[i].X;
            into[offset + 3 * i + 1] = vertices[i].Y;
            into[offset + 3 * i + 2] = vertices[i].Z;
        }
    }

    // Σ_i d_i · (μ_i − centroid): positive when the direction moves vertices away from the body's centre
    static double Outwardness(double[] direction, double[] mean)
    {
        int v = mean.Length / 3;
        double cx = 0, cy = 0, cz = 0;
        for (int i = 0; i < v; i++) { cx += mean[3 * i] / v; cy += mean[3 * i + 1] / v; cz += mean[3 * i + 2] / v; }
        double s = 0;
        for (int i = 0; i < v; i++)
            s += direction[3 * i] * (mean[3 * i] - cx) + direction[3 * i + 1] * (mean[3 * i + 1] - cy) + direction[3 * i + 2] * (mean[3 * i + 2] - cz);
        return s;
    }

    static Vec3[] Regress(double[] regressor, IReadOnlyList<Vec3> vertices)
    {
        int v = vertices.Count;
        var joints = new Vec3[24];
        for (int k = 0; k < 24; k++)
            for (int i = 0; i < v; i++)
                if (regressor[k * v + i] != 0) joints[k] += regressor[k * v + i] * vertices[i];
        return joints;
    }

    /// <summary>
    /// β of a mesh [3V] in the model's shape space: the least-squares solution of S β = x − t (S's columns are orthogonal, so
    /// this is β_b = s_bᵀ(x − t)/‖s_b‖²: PCA's encoding, in units of standard deviations).
    /// </summary>
    public static double[] ProjectShape(SmplModel model, double[] mesh)
    {
        int v = model.VertexCount, b = model.ShapeCount;
        if (mesh.Length != 3 * v) throw new ArgumentException($"BodyModelGenerator.ProjectShape: {mesh.Length} numbers for {v} vertices");
        var t = model.VTemplate.ToDoubleArray();
        var s = model.ShapeDirs.ToDoubleArray();
        var beta = new double[b];
        for (int c = 0; c < b; c++)
        {
            double dot = 0, norm = 0;
            for (int i = 0; i < 3 * v; i++) { dot += s[i * b + c] * (mesh[i] - t[i]); norm += s[i * b + c] * s[i * b + c]; }
            beta[c] = dot / norm;
        }
        return beta;
    }

    /// <summary>
    /// A "scan" of the rest-pose body <paramref name="vertices"/> in pose θ (local axis-angle per joint): muscles bulge by up to
    /// 1.2 cm around the upper arm and thigh as the elbow or knee flexes (in proportion to 1 − cos of the flexion angle), then
    /// dual-quaternion skinning poses the body (no candy wrapper).
    /// </summary>
    public static Vec3[] Scan(IReadOnlyList<Vec3> vertices, IReadOnlyList<Vec3> restJoints, double[,] weights, IReadOnlyList<Vec3> pose)
    {
        var tree = KinematicTree.Smpl;
        var local = pose.Select(Rodrigues.Rotation).ToArray();
        var bulged = vertices.ToArray();
        foreach (var (upper, lower) in new[] { (16, 18), (17, 19), (1, 4), (2, 5) })
        {
            double angle = pose[lower].Norm;
            double flex = (1 - Math.Cos(angle)) / 2;
            if (flex == 0) continue;
            var a = restJoints[upper];
            var axis = restJoints[lower] - a;
            double length = axis.Norm;
            axis = (1 / length) * axis;
            for (int i = 0; i < bulged.Length; i++)
            {
                double w = weights[i, upper];
                if (w == 0) continue;
                var d = vertices[i] - a;
                double u = d.Dot(axis) / length;
                if (u <= 0.15 || u >= 0.95) continue;
                var radial = d - (u * length) * axis;
                double r = radial.Norm;
                if (r == 0) continue;
                double bump = Math.Sin(Math.PI * (u - 0.15) / 0.8);
                bulged[i] += (0.012 * flex * bump * w / r) * radial;
            }
        }
        var (world, posed) = tree.Forward(local, tree.Offsets(restJoints));
        var translations = Enumerable.Range(0, 24).Select(k => posed[k] - world[k] * restJoints[k]).ToArray();
        return DualQuaternionSkinning.Apply(bulged, weights, world, translations);
    }

    /// <summary>A random pose for fitting the correctives: each joint but the root turned about a random axis by up to 100°.</summary>
    public static Vec3[] RandomPose(Rng rng, double maxDegrees = 100)
    {
        var pose = new Vec3[24];
        for (int k = 1; k < 24; k++)
        {
            var axis = new Vec3(rng.NextNormal(), rng.NextNormal(), rng.NextNormal()).Normalized();
            pose[k] = (maxDegrees * Math.PI / 180 * rng.NextDouble()) * axis;
        }
        return pose;
    }

    /// <summary>LBS in doubles: t′_i = Σ_k w_ki (W_k t_i + b_k), the same arithmetic as <see cref="LinearBlendSkinning"/>.</summary>
    public static Vec3[] Skin(IReadOnlyList<Vec3> vertices, IReadOnlyList<Vec3> restJoints, double[,] weights, IReadOnlyList<Vec3> pose)
    {
        var tree = KinematicTree.Smpl;
        var (world, posed) = tree.Forward(pose.Select(Rodrigues.Rotation).ToArray(), tree.Offsets(restJoints));
        var result = new Vec3[vertices.Count];
        for (int i = 0; i < vertices.Count; i++)
            for (int k = 0; k < 24; k++)
            {
                double w = weights[i, k];
                if (w != 0) result[i] += w * (world[k] * (vertices[i] - restJoints[k]) + posed[k]);
            }
        return result;
    }

    // Per vertex: regress the rest-space correction p_i = M_i⁻¹(scan_i − c_i) − t_i on vec(R_k − I) of the joints that
    // move the vertex (non-zero weight) and their children (whose flexion bulges it), by ridge least squares.
    static (double[] PoseDirs, double LbsError, double CorrectedError) FitCorrectives(Vec3[] template, Vec3[] restJoints,
        double[,] weights, Rng rng, int poses, int heldOut)
    {
        var tree = KinematicTree.Smpl;
        int v = template.Length;
        var features = new List<double[]>();      // per pose: vec(R_k − I) for k = 1..23 [207]
        var targets = new List<Vec3[]>();          // per pose: p_i
        var validation = new List<(Vec3[] Pose, Vec3[] Scan)>();
        for (int n = 0; n < poses + heldOut; n++)
        {
            var pose = RandomPose(rng);
            var scan = Scan(template, restJoints, weights, pose);
            if (n >= poses) { validation.Add((pose, scan)); continue; }
            var local = pose.Select(Rodrigues.Rotation).ToArray();
            var (world, posed) = tree.Forward(local, tree.Offsets(restJoints));
            var p = new Vec3[v];
            for (int i = 0; i < v; i++)
            {
                var m = default(Matrix3);                    // Σ w W_k
                var c = new Vec3();                          // Σ w b_k
                for (int k = 0; k < 24; k++)
                {
                    double w = weights[i, k];
                    if (w == 0) continue;
                    m += w * world[k];
                    c += w * (posed[k] - world[k] * restJoints[k]);
                }
                p[i] = Solve(m, scan[i] - c) - template[i];
            }
            features.Add(Feature(local));
            targets.Add(p);
        }
        var poseDirs = new double[v * 3 * 207];
        for (int i = 0; i < v; i++)
        {
            var joints = new SortedSet<int>();
            for (int k = 1; k < 24; k++) if (weights[i, k] != 0) joints.Add(k);
            for (int k = 0; k < 24; k++)
                if (weights[i, k] != 0) foreach (int c in tree.Children(k)) joints.Add(c);
            if (joints.Count == 0) continue;
            var columns = joints.SelectMany(k => Enumerable.Range(9 * (k - 1), 9)).ToArray();
            var x = Matrix<double>.Build.Dense(poses, columns.Length, (r, c) => features[r][columns[c]]);
            var y = Matrix<double>.Build.Dense(poses, 3, (r, c) => c == 0 ? targets[r][i].X : c == 1 ? targets[r][i].Y : targets[r][i].Z);
            var gram = x.TransposeThisAndMultiply(x) + 1e-3 * Matrix<double>.Build.DenseIdentity(columns.Length);
            var coef = gram.Solve(x.TransposeThisAndMultiply(y)); // [columns, 3]
            for (int c = 0; c < columns.Length; c++)
                for (int d = 0; d < 3; d++) poseDirs[(i * 3 + d) * 207 + columns[c]] = coef[c, d];
        }
        double lbs = 0, corrected = 0;
        foreach (var (pose, scan) in validation)
        {
            var local = pose.Select(Rodrigues.Rotation).ToArray();
            var f = Feature(local);
            var withCorrectives = new Vec3[v];
            for (int i = 0; i < v; i++)
            {
                double px = 0, py = 0, pz = 0;
                for (int j = 0; j < 207; j++)
                {
                    if (f[j] == 0) continue;
                    px += poseDirs[(i * 3) * 207 + j] * f[j];
                    py += poseDirs[(i * 3 + 1) * 207 + j] * f[j];
                    pz += poseDirs[(i * 3 + 2) * 207 + j] * f[j];
                }
                withCorrectives[i] = template[i] + new Vec3(px, py, pz);
            }
            var plain = Skin(template, restJoints, weights, pose);
            var fixedUp = Skin(withCorrectives, restJoints, weights, pose);
            for (int i = 0; i < v; i++)
            {
                lbs += (plain[i] - scan[i]).Norm / (v * validation.Count);
                corrected += (fixedUp[i] - scan[i]).Norm / (v * validation.Count);
            }
        }
        return (poseDirs, lbs, corrected);
    }

    /// <summary>SMPL's pose feature vec(R_k − I), k = 1…23, in doubles [207].</summary>
    public static double[] Feature(IReadOnlyList<Matrix3> local)
    {
        var f = new double[207];
        for (int k = 1; k < 24; k++)
        {
            var d = (local[k] - Matrix3.Identity).ToRowMajor();
            Array.Copy(d, 0, f, 9 * (k - 1), 9);
        }
        return f;
    }

    // m⁻¹ r by Cramer's rule (m is a blend of rotations: invertible unless the blend collapses completely)
    static Vec3 Solve(Matrix3 m, Vec3 r)
    {
        double det = m.Determinant;
        if (Math.Abs(det) < 1e-9) return r;
        var c0 = m.Column(0); var c1 = m.Column(1); var c2 = m.Column(2);
        return new Vec3(r.Dot(c1.Cross(c2)) / det, c0.Dot(r.Cross(c2)) / det, c0.Dot(c1.Cross(r)) / det);
    }
}
