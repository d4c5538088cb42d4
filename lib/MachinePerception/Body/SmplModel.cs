using MachinePerception.Geometry;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Body;

/// <summary>What <see cref="SmplModel.Forward"/> computes, from the shaped template to the posed mesh.</summary>
/// <param name="Vertices">posed vertices t′ [B, V, 3]</param>
/// <param name="Joints">posed joints p [B, K, 3]</param>
/// <param name="RestJoints">J(β) [B, K, 3]</param>
/// <param name="World">world rotations W [B, K, 3, 3]</param>
/// <param name="Shaped">t + s(β) [B, V, 3]</param>
/// <param name="Corrected">t + s(β) + p(θ) [B, V, 3], what skinning moves</param>
public sealed record SmplOutput(Tensor Vertices, Tensor Joints, Tensor RestJoints, Tensor World, Tensor Shaped, Tensor Corrected);

/// <summary>
/// A body model in SMPL's format (§9.3, Loper et al. 2015): the arrays and shapes of SMPL's model files,
/// <code>v_template [V, 3]   shapedirs [V, 3, B]   posedirs [V, 3, 9(K−1)]   J_regressor [K, V]
/// weights [V, K]      kintree_table [2, K]  f [F, 3]</code>
/// and its forward pass
/// <code>t′_i = Σ_k w_ki · G′_k(θ, J(β)) · (t_i + s_i(β) + p_i(θ)),
/// s(β) = S β,   J(β) = 𝒥 (t + S β),   p(θ) = P · vec(R_k(θ_k) − I : k = 1…K−1),</code>
/// with R_k = Rodrigues(θ_k), G′_k from forward kinematics along kintree_table (<see cref="KinematicTree"/>) and linear
/// blend skinning (<see cref="LinearBlendSkinning"/>). The pose correctives are linear in the entries of R_k − I, not in θ
/// itself (SMPL's eq. 9; the course summary's "p(θ) = Pθ" is the chapter's erratum). Everything is differentiable in β, θ
/// and the translation. <see cref="Load"/> reads this layout from an .npz, so a reader who has SMPL's own files converted
/// to .npz can load them; <see cref="BodyModelGenerator"/> makes the book's own model.
/// </summary>
public sealed class SmplModel
{
    public Tensor VTemplate { get; }   // [V, 3]
    public Tensor ShapeDirs { get; }   // [V, 3, B]
    public Tensor PoseDirs { get; }    // [V, 3, 9(K−1)]
    public Tensor JRegressor { get; }  // [K, V]
    public Tensor Weights { get; }     // [V, K]
    public KinematicTree Tree { get; }
    public IReadOnlyList<(int A, int B, int C)> Faces { get; }

    public int VertexCount => VTemplate.Shape[0];
    public int JointCount => Tree.Count;
    public int ShapeCount => ShapeDirs.Shape[2];

    readonly Tensor shapeDirsFlat;   // [3V, B]
    readonly Tensor poseDirsFlat;    // [3V, 9(K−1)]
    readonly Tensor jointTemplate;   // 𝒥 t [K, 3]
    readonly Tensor jointShapeDirs;  // 𝒥 S [3K, B]

    public SmplModel(Tensor vTemplate, Tensor shapeDirs, Tensor poseDirs, Tensor jRegressor, Tensor weights,
        IReadOnlyList<int> parents, IReadOnlyList<(int A, int B, int C)> faces, IReadOnlyList<string>? jointNames = null)
    {
        int v = vTemplate.Shape.Rank == 2 ? vTemplate.Shape[0] : -1, k = parents.Count;
        string Shapes() => $"v_template {vTemplate.Shape}, shapedirs {shapeDirs.Shape}, posedirs {poseDirs.Shape}, J_regressor {jRegressor.Shape}, weights {weights.Shape}, {k} joints";
        if (v < 1 || vTemplate.Shape[1] != 3) throw new ArgumentException($"SmplModel: v_template must be [V, 3]; got {Shapes()}");
        if (shapeDirs.Rank != 3 || shapeDirs.Shape[0] != v || shapeDirs.Shape[1] != 3)
            throw new ArgumentException($"SmplModel: shapedirs must be [V, 3, B] with V = {v}; got {Shapes()}");
        if (poseDirs.Rank != 3 || poseDirs.Shape[0] != v || poseDirs.Shape[1] != 3 || poseDirs.Shape[2] != 9 * (k - 1))
            throw new ArgumentException($"SmplModel: posedirs must be [V, 3, 9(K−1)] = [{v}, 3, {9 * (k - 1)}]; got {Shapes()}");
        if (jRegressor.Rank != 2 || jRegressor.Shape[0] != k || jRegressor.Shape[1] != v)
            throw new ArgumentException($"SmplModel: J_regressor must be [K, V] = [{k}, {v}]; got {Shapes()}");
        if (weights.Rank != 2 || weights.Shape[0] != v || weights.Shape[1] != k)
            throw new ArgumentException($"SmplModel: weights must be [V, K] = [{v}, {k}]; got {Shapes()}");
        foreach (var (a, b, c) in faces)
            if (a < 0 || b < 0 || c < 0 || a >= v || b >= v || c >= v)
                throw new ArgumentException($"SmplModel: face ({a}, {b}, {c}) names a vertex outside 0..{v - 1}");
        Tensor F64(Tensor t) => t.DType == DType.Float64 ? t.Detach() : t.To(DType.Float64).Detach();
        VTemplate = F64(vTemplate);
        ShapeDirs = F64(shapeDirs);
        PoseDirs = F64(poseDirs);
        JRegressor = F64(jRegressor);
        Weights = F64(weights);
        Tree = new KinematicTree(parents, jointNames ?? (k == 24 ? KinematicTree.Smpl.Names : null));
        Faces = faces.ToArray();
        shapeDirsFlat = Op.Reshape(ShapeDirs, 3 * v, ShapeCount);
        poseDirsFlat = Op.Reshape(PoseDirs, 3 * v, 9 * (k - 1));
        jointTemplate = Op.MatMul(JRegressor, VTemplate);
        var js = Op.MatMul(JRegressor, Op.Reshape(ShapeDirs, v, 3 * ShapeCount));             // [K, 3B]
        jointShapeDirs = Op.Reshape(js, 3 * k, ShapeCount);
    }

    void CheckBatch(string op, Tensor betas, Tensor? pose, Tensor? translation)
    {
        if (betas.Rank != 2 || betas.Shape[1] > ShapeCount)
            throw new ArgumentException($"SmplModel.{op}: betas must be [B, ≤{ShapeCount}], got {betas.Shape}");
        int b = betas.Shape[0];
        if (pose is not null && (pose.Rank != 3 || pose.Shape[0] != b || pose.Shape[1] != JointCount || pose.Shape[2] != 3))
            throw new ArgumentException($"SmplModel.{op}: pose must be axis-angle vectors [{b}, {JointCount}, 3], got {pose.Shape}");
        if (translation is not null && (translation.Rank != 2 || translation.Shape[0] != b || translation.Shape[1] != 3))
            throw new ArgumentException($"SmplModel.{op}: translation must be [{b}, 3], got {translation.Shape}");
    }

    // the first betas.Shape[1] shape directions (a model with 300 may be driven by 10)
    Tensor Directions(Tensor flat, int count) => count == ShapeCount ? flat : Op.Slice(flat, 1, 0, count);

    /// <summary>t + S β [B, V, 3].</summary>
    public Tensor ShapedVertices(Tensor betas)
    {
        CheckBatch("ShapedVertices", betas, null, null);
        var s = Op.MatMul(betas.To(DType.Float64), Directions(shapeDirsFlat, betas.Shape[1]), transB: true); // [B, 3V]
        return Op.Reshape(s, betas.Shape[0], VertexCount, 3) + VTemplate;
    }

    /// <summary>J(β) = 𝒥(t + Sβ) = 𝒥t + (𝒥S)β [B, K, 3], without forming the shaped mesh.</summary>
    public Tensor RestJoints(Tensor betas)
    {
        CheckBatch("RestJoints", betas, null, null);
        var j = Op.MatMul(betas.To(DType.Float64), Directions(jointShapeDirs, betas.Shape[1]), transB: true); // [B, 3K]
        return Op.Reshape(j, betas.Shape[0], JointCount, 3) + jointTemplate;
    }

    /// <summary>SMPL's pose feature vec(R_k − I) for k = 1…K−1 (the root excluded) [B, 9(K−1)].</summary>
    public static Tensor PoseFeature(Tensor rotations)
    {
        if (rotations.Rank != 4 || rotations.Shape[2] != 3 || rotations.Shape[3] != 3)
            throw new ArgumentException($"SmplModel.PoseFeature: rotations must be [B, K, 3, 3], got {rotations.Shape}");
        int b = rotations.Shape[0], k = rotations.Shape[1];
        var eye = Tensor.Eye(3, rotations.DType);
        return Op.Reshape(Op.Slice(rotations, 1, 1, k - 1) - eye, b, 9 * (k - 1));
    }

    /// <summary>p(θ) = P·vec(R(θ) − I) [B, V, 3].</summary>
    public Tensor PoseCorrectives(Tensor rotations) =>
        Op.Reshape(Op.MatMul(PoseFeature(rotations), poseDirsFlat, transB: true), rotations.Shape[0], VertexCount, 3);

    /// <summary>
    /// The full model: betas [B, ≤S], pose [B, K, 3] (axis-angle per joint, joint 0 the global orientation), an optional
    /// translation [B, 3] → posed mesh and joints. <paramref name="poseCorrectives"/> = false skips p(θ) (plain LBS).
    /// </summary>
    public SmplOutput Forward(Tensor betas, Tensor pose, Tensor? translation = null, bool poseCorrectives = true)
    {
        CheckBatch("Forward", betas, pose, translation);
        var rotations = Rodrigues.Rotation(pose.To(DType.Float64));                      // [B, K, 3, 3]
        var shaped = ShapedVertices(betas);                                               // [B, V, 3]
        var restJoints = RestJoints(betas);                                               // [B, K, 3]
        var corrected = poseCorrectives ? shaped + PoseCorrectives(rotations) : shaped;
        var (world, joints) = Tree.Forward(rotations, restJoints, translation?.To(DType.Float64));
        var bones = KinematicTree.BoneTranslations(world, joints, restJoints);            // b_k [B, K, 3]
        var vertices = LinearBlendSkinning.Apply(corrected, Weights, world, bones);
        return new SmplOutput(vertices, joints, restJoints, world, shaped, corrected);
    }

    /// <summary>Only the posed joints [B, K, 3] (what fitting to keypoints needs: no mesh is formed).</summary>
    public Tensor Joints(Tensor betas, Tensor pose, Tensor? translation = null)
    {
        CheckBatch("Joints", betas, pose, translation);
        return Tree.Forward(Rodrigues.Rotation(pose.To(DType.Float64)), RestJoints(betas), translation?.To(DType.Float64)).Joints;
    }

    /// <summary>One mesh of a [V, 3] or [1, V, 3] vertex tensor with the model's faces.</summary>
    public Mesh ToMesh(Tensor vertices)
    {
        if (vertices.Size != VertexCount * 3) throw new ArgumentException($"SmplModel.ToMesh: expected {VertexCount} vertices, got {vertices.Shape}");
        var v = vertices.ToDoubleArray();
        return new Mesh(Enumerable.Range(0, VertexCount).Select(i => new Vec3(v[3 * i], v[3 * i + 1], v[3 * i + 2])).ToArray(), Faces);
    }

    /// <summary>The arrays under SMPL's names, in SMPL's dtypes (float64; uint32 kintree_table with 2³² − 1 for the root's parent; uint32 faces).</summary>
    public IEnumerable<(string Name, NpyArray Array)> ToArrays()
    {
        yield return ("v_template", NpyArray.FromTensor(VTemplate));
        yield return ("shapedirs", NpyArray.FromTensor(ShapeDirs));
        yield return ("posedirs", NpyArray.FromTensor(PoseDirs));
        yield return ("J_regressor", NpyArray.FromTensor(JRegressor));
        yield return ("weights", NpyArray.FromTensor(Weights));
        var kintree = Tree.Parents.Select(p => p < 0 ? uint.MaxValue : (long)p).Concat(Enumerable.Range(0, JointCount).Select(k => (long)k));
        yield return ("kintree_table", NpyArray.FromIntegers(kintree, [2, JointCount], "<u4"));
        yield return ("f", NpyArray.FromIntegers(Faces.SelectMany(f => new long[] { f.A, f.B, f.C }), [Faces.Count, 3], "<u4"));
    }

    public void Save(string path) => NpzArchive.Write(path, ToArrays());

    /// <summary>
    /// Loads a model from SMPL's arrays in an .npz (the names above; extra arrays such as "J" are ignored). The root's
    /// parent may be −1 or 2³² − 1. <paramref name="shapeCount"/> keeps only the first shape directions.
    /// </summary>
    public static SmplModel Load(string path, int? shapeCount = null) => FromArrays(NpzArchive.Read(path), Path.GetFileName(path), shapeCount);

    public static SmplModel FromArrays(IReadOnlyDictionary<string, NpyArray> arrays, string source = "arrays", int? shapeCount = null)
    {
        NpyArray Get(string name) => arrays.TryGetValue(name, out var a) ? a
            : throw new ArgumentException($"SmplModel.Load: {source} has no array '{name}' (it has {string.Join(", ", arrays.Keys)})");
        var kintree = Get("kintree_table");
        if (kintree.Shape.Length != 2 || kintree.Shape[0] != 2)
            throw new ArgumentException($"SmplModel.Load: kintree_table must be [2, K], got ({string.Join(", ", kintree.Shape)}) in {source}");
        int k = kintree.Shape[1];
        var parents = new int[k];
        for (int j = 0; j < k; j++)
        {
            double p = kintree.Values[j], id = kintree.Values[k + j];
            if (id != j) throw new ArgumentException($"SmplModel.Load: kintree_table's second row must list 0..K−1 in order; entry {j} is {id} in {source}");
            parents[j] = p is -1 or uint.MaxValue ? -1 : (int)p;
        }
        var f = Get("f");
        if (f.Shape.Length != 2 || f.Shape[1] != 3) throw new ArgumentException($"SmplModel.Load: f must be [F, 3], got ({string.Join(", ", f.Shape)}) in {source}");
        var faces = Enumerable.Range(0, f.Shape[0]).Select(i => ((int)f.Values[3 * i], (int)f.Values[3 * i + 1], (int)f.Values[3 * i + 2])).ToArray();
        var shapeDirs = Get("shapedirs").ToTensor();
        if (shapeCount is int n)
        {
            if (shapeDirs.Rank != 3 || n < 1 || n > shapeDirs.Shape[2])
                throw new ArgumentException($"SmplModel.Load: {n} shape directions asked, shapedirs is {shapeDirs.Shape} in {source}");
            shapeDirs = Op.Slice(shapeDirs, 2, 0, n).Clone();
        }
        return new SmplModel(Get("v_template").ToTensor(), shapeDirs, Get("posedirs").ToTensor(), Get("J_regressor").ToTensor(),
            Get("weights").ToTensor(), parents, faces);
    }
}
