using MachinePerception.Data;
using MachinePerception.Geometry;

namespace MachinePerception.Body;

/// <summary>
/// The 16-joint skeleton of the chapter's 2-D and 3-D pose experiments (keypoint heatmaps, lifting): pelvis, hips, knees,
/// ankles, chest, neck, head, shoulders, elbows, wrists — the joints that pose datasets such as Human3.6M and LSP label.
/// Its tree (<see cref="Tree"/>) gives the 15 bones whose lengths the lifting experiment measures.
/// </summary>
public static class PoseSkeleton
{
    public static KinematicTree Tree { get; } = new(
        [-1, 0, 1, 2, 0, 4, 5, 0, 7, 8, 8, 10, 11, 8, 13, 14],
        ["pelvis", "left_hip", "left_knee", "left_ankle", "right_hip", "right_knee", "right_ankle", "chest", "neck", "head",
         "left_shoulder", "left_elbow", "left_wrist", "right_shoulder", "right_elbow", "right_wrist"]);

    public static int Count => Tree.Count;

    /// <summary>+1 for joints on the body's left, −1 on its right, 0 on the midline (the renderer draws the sides differently).</summary>
    public static IReadOnlyList<int> Side { get; } = [0, 1, 1, 1, -1, -1, -1, 0, 0, 0, 1, 1, 1, -1, -1, -1];

    /// <summary>The joints of the CMU skeleton (cgspeed's BVH conversion) that play these roles.</summary>
    public static IReadOnlyList<string> CmuNames { get; } =
        ["Hips", "LeftUpLeg", "LeftLeg", "LeftFoot", "RightUpLeg", "RightLeg", "RightFoot", "Spine1", "Neck1", "Head",
         "LeftArm", "LeftForeArm", "LeftHand", "RightArm", "RightForeArm", "RightHand"];

    /// <summary>The same joints in the skeleton of Boxing_Toes.bvh.</summary>
    public static IReadOnlyList<string> BoxingNames { get; } =
        ["Hips", "LeftHip", "LeftKnee", "LeftAnkle", "RightHip", "RightKnee", "RightAnkle", "Chest", "Neck", "Head",
         "LeftShoulder", "LeftElbow", "LeftWrist", "RightShoulder", "RightElbow", "RightWrist"];

    /// <summary>
    /// The bones (indices into <see cref="BoneLengths"/>) that are rigid in every skeleton: thighs, shins, upper arms,
    /// forearms. The others span several joints of the mocap skeleton (the spine, the clavicles) and bend a little.
    /// </summary>
    public static IReadOnlyList<int> LimbBones { get; } = [1, 2, 4, 5, 10, 11, 13, 14];

    /// <summary>Bone lengths ‖p_child − p_parent‖ of one pose [15], in the order of <see cref="KinematicTree.Bones"/>.</summary>
    public static double[] BoneLengths(IReadOnlyList<Vec3> pose) =>
        Tree.Bones().Select(b => (pose[b.Child] - pose[b.Parent]).Norm).ToArray();
}

/// <summary>
/// The motion-capture clips shipped in data/mocap (cut from Debian's assimp-testmodels, see data/README.md): two clips of
/// subject 1 of the CMU Graphics Lab Motion Capture Database (01_01, 01_03) and the Boxing_Toes clip of assimp's test
/// models, each at a quarter of its frame rate. <see cref="Joints"/> returns the <see cref="PoseSkeleton"/> joints in metres,
/// y up, facing +z at rest.
/// </summary>
public static class MotionCapture
{
    public static IReadOnlyList<string> Clips { get; } = ["01_01", "01_03", "Boxing_Toes"];

    /// <summary>
    /// CMU's ASF files declare "length 0.45": one unit is 1/0.45 inch = 5.644 cm, and the BVH conversion keeps those units
    /// (it gives subject 1 a thigh of 40 cm and a lower leg of 42 cm). Boxing_Toes is in centimetres (170 cm tall).
    /// </summary>
    public static double MetresPerUnit(BvhClip clip) =>
        clip.Joints.Any(j => j.Name == "LeftUpLeg") ? 0.0254 / 0.45 : 0.01;

    /// <summary>Reads a shipped clip, data/mocap/&lt;name&gt;.bvh.gz.</summary>
    public static BvhClip Load(string name)
    {
        if (!Clips.Contains(name)) throw new ArgumentException($"MotionCapture.Load: no clip '{name}' (shipped: {string.Join(", ", Clips)})");
        return BvhReader.Read(Path.Combine(DataDirectory.Find(), "mocap", name + ".bvh.gz"));
    }

    /// <summary>
    /// Splits a clip's frames into training and held-out frames by blocks of <paramref name="block"/> consecutive frames, every
    /// <paramref name="every"/>-th block held out (neighbouring frames are nearly the same pose, so a frame-by-frame split would
    /// leak the held-out poses into training).
    /// </summary>
    public static (T[] Train, T[] Test) SplitByBlocks<T>(IReadOnlyList<T> frames, int block = 30, int every = 5, int offset = 2)
    {
        if (block < 1 || every < 2) throw new ArgumentException($"MotionCapture.SplitByBlocks: block {block} ≥ 1 and every {every} ≥ 2 needed");
        var train = new List<T>();
        var test = new List<T>();
        for (int f = 0; f < frames.Count; f++) ((f / block) % every == offset ? test : train).Add(frames[f]);
        return (train.ToArray(), test.ToArray());
    }

    /// <summary>
    /// The 16 <see cref="PoseSkeleton"/> joints of every frame in metres: [frame][joint]. The CMU conversion's first frame is a
    /// T-pose added by the converter, not captured motion; <paramref name="skipTPose"/> drops it.
    /// </summary>
    public static Vec3[][] Joints(BvhClip clip, bool skipTPose = true)
    {
        bool cmu = clip.Joints.Any(j => j.Name == "LeftUpLeg");
        var all = clip.Positions(cmu ? PoseSkeleton.CmuNames : PoseSkeleton.BoxingNames, MetresPerUnit(clip));
        return cmu && skipTPose ? all[1..] : all;
    }
}
