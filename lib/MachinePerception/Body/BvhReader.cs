using System.Globalization;
using System.IO.Compression;
using MachinePerception.Geometry;

namespace MachinePerception.Body;

/// <summary>One joint of a BVH skeleton: its parent (−1 for the root), its offset from the parent in the rest pose,
/// its channels ("Xposition", "Zrotation", …) and where they start in a frame's numbers. End sites have no channels.</summary>
public sealed record BvhJoint(string Name, int Parent, Vec3 Offset, IReadOnlyList<string> Channels, int FirstChannel, bool IsEndSite);

/// <summary>
/// A motion-capture clip in the BVH format (Biovision hierarchy): a skeleton (the HIERARCHY block) and one line of
/// channel values per frame (the MOTION block). Pose a frame with <see cref="Pose"/>: each joint's local transform is a
/// translation by its offset (plus its position channels, usually only the root's) followed by the rotation of its
/// Euler-angle channels in the listed order (<see cref="EulerAngles"/>), and <see cref="KinematicTree.Forward(IReadOnlyList{Matrix3}, IReadOnlyList{Vec3})"/>
/// composes them down the tree.
/// </summary>
public sealed class BvhClip
{
    readonly double[] values; // [FrameCount, ChannelCount]

    /// <summary>Joints and end sites in file order (parents first).</summary>
    public IReadOnlyList<BvhJoint> Joints { get; }

    public KinematicTree Tree { get; }
    public int FrameCount { get; }
    public int ChannelCount { get; }

    /// <summary>Seconds per frame.</summary>
    public double FrameTime { get; }

    /// <summary>Non-empty lines found after the declared number of frames (ignored; a real file in the book has one).</summary>
    public int ExtraFrameLines { get; }

    /// <summary>Where the clip was read from (a file name), for messages.</summary>
    public string Source { get; }

    internal BvhClip(IReadOnlyList<BvhJoint> joints, double[] values, int frames, int channels, double frameTime, int extraLines, string source)
    {
        Joints = joints;
        this.values = values;
        FrameCount = frames;
        ChannelCount = channels;
        FrameTime = frameTime;
        ExtraFrameLines = extraLines;
        Source = source;
        Tree = new KinematicTree(joints.Select(j => j.Parent).ToArray(), joints.Select(j => j.Name).ToArray());
    }

    /// <summary>The channel values of one frame, in file order.</summary>
    public ReadOnlySpan<double> Frame(int frame)
    {
        if (frame < 0 || frame >= FrameCount) throw new ArgumentException($"BvhClip.Frame: frame {frame} outside 0..{FrameCount - 1} of {Source}");
        return values.AsSpan(frame * ChannelCount, ChannelCount);
    }

    /// <summary>The index of the joint (or end site) with this name.</summary>
    public int IndexOf(string name) => Tree.IndexOf(name);

    /// <summary>Local rotations and offsets of every joint in a frame (end sites: identity and their fixed offset).</summary>
    public (Matrix3[] Rotations, Vec3[] Offsets) LocalTransforms(int frame)
    {
        var f = Frame(frame);
        var rotations = new Matrix3[Joints.Count];
        var offsets = new Vec3[Joints.Count];
        Span<char> axes = stackalloc char[3];
        Span<double> angles = stackalloc double[3];
        for (int j = 0; j < Joints.Count; j++)
        {
            var joint = Joints[j];
            var offset = joint.Offset;
            int n = 0;
            for (int c = 0; c < joint.Channels.Count; c++)
            {
                string channel = joint.Channels[c];
                double v = f[joint.FirstChannel + c];
                char axis = channel[0];
                if (channel.EndsWith("position", StringComparison.Ordinal))
                    offset += axis switch { 'X' => new Vec3(v, 0, 0), 'Y' => new Vec3(0, v, 0), _ => new Vec3(0, 0, v) };
                else
                {
                    axes[n] = axis;
                    angles[n++] = v;
                }
            }
            rotations[j] = EulerAngles.ToRotation(axes[..n], angles[..n]);
            offsets[j] = offset;
        }
        return (rotations, offsets);
    }

    /// <summary>Forward kinematics of one frame: world rotations and positions of every joint and end site (file units).</summary>
    public (Matrix3[] World, Vec3[] Positions) Pose(int frame)
    {
        var (rotations, offsets) = LocalTransforms(frame);
        return Tree.Forward(rotations, offsets);
    }

    /// <summary>The positions of the named joints in every frame, scaled by <paramref name="scale"/>: [frame][joint].</summary>
    public Vec3[][] Positions(IReadOnlyList<string> names, double scale = 1)
    {
        var index = names.Select(IndexOf).ToArray();
        var result = new Vec3[FrameCount][];
        for (int f = 0; f < FrameCount; f++)
        {
            var p = Pose(f).Positions;
            result[f] = index.Select(i => scale * p[i]).ToArray();
        }
        return result;
    }
}

/// <summary>
/// Reads BVH motion capture (§9.3: real human motion for lifting, fitting and tracking): the HIERARCHY block (ROOT, JOINT
/// and "End Site" entries with OFFSET and CHANNELS, nested in braces) and the MOTION block ("Frames: N", "Frame Time: t",
/// then N lines of numbers, one per channel). Gzipped files (.gz) are read directly. Malformed input gets a
/// <see cref="FormatException"/> naming the file, the line and what was expected.
/// </summary>
public static class BvhReader
{
    public static BvhClip Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"BvhReader.Read: no file {path}", path);
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), Path.GetFileName(path));
    }

    public static BvhClip Parse(string text, string source = "BVH text")
    {
        var lines = text.Split('\n');
        int motion = Array.FindIndex(lines, l => l.Trim() == "MOTION");
        if (motion < 0) throw new FormatException($"{source}: no MOTION line");
        var tokens = new List<(string Token, int Line)>();
        for (int i = 0; i < motion; i++)
            foreach (var t in lines[i].Split((char[])[' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries)) tokens.Add((t, i + 1));
        int pos = 0;
        (string Token, int Line) Next(string expected)
        {
            if (pos >= tokens.Count) throw new FormatException($"{source}: the hierarchy ends early, expected {expected}");
            return tokens[pos++];
        }
        void Expect(string word)
        {
            var (t, line) = Next(word);
            if (t != word) throw new FormatException($"{source}, line {line}: expected '{word}', found '{t}'");
        }
        double Number(string what)
        {
            var (t, line) = Next(what);
            if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                throw new FormatException($"{source}, line {line}: expected a number ({what}), found '{t}'");
            return v;
        }

        var joints = new List<BvhJoint>();
        int channels = 0;
        void ParseJoint(string name, int parent, bool endSite)
        {
            Expect("{");
            Expect("OFFSET");
            var offset = new Vec3(Number("offset x"), Number("offset y"), Number("offset z"));
            var list = new List<string>();
            int first = channels;
            if (!endSite)
            {
                Expect("CHANNELS");
                var (countToken, line) = Next("channel count");
                if (!int.TryParse(countToken, out int count) || count < 0 || count > 6)
                    throw new FormatException($"{source}, line {line}: channel count '{countToken}' is not 0..6");
                for (int c = 0; c < count; c++)
                {
                    var (ch, chLine) = Next("channel name");
                    if (ch.Length != 9 || ch[0] is not ('X' or 'Y' or 'Z') || !(ch.EndsWith("position", StringComparison.Ordinal) || ch.EndsWith("rotation", StringComparison.Ordinal)))
                        throw new FormatException($"{source}, line {chLine}: '{ch}' is not a channel (Xposition … Zrotation)");
                    list.Add(ch);
                }
                channels += count;
            }
            int index = joints.Count;
            joints.Add(new BvhJoint(name, parent, offset, list, first, endSite));
            while (true)
            {
                var (t, line) = Next("JOINT, End Site or }");
                if (t == "}") return;
                if (endSite) throw new FormatException($"{source}, line {line}: an End Site holds only an OFFSET, found '{t}'");
                if (t == "JOINT") ParseJoint(Next("joint name").Token, index, false);
                else if (t == "End")
                {
                    Expect("Site");
                    ParseJoint(name + "_end", index, true);
                }
                else throw new FormatException($"{source}, line {line}: expected JOINT, End Site or '}}', found '{t}'");
            }
        }

        Expect("HIERARCHY");
        Expect("ROOT");
        ParseJoint(Next("root name").Token, -1, false);
        if (pos != tokens.Count) throw new FormatException($"{source}, line {tokens[pos].Line}: text after the root's closing brace: '{tokens[pos].Token}'");

        int l = motion + 1;
        string Header(string prefix)
        {
            while (l < lines.Length && lines[l].Trim().Length == 0) l++;
            if (l >= lines.Length || !lines[l].TrimStart().StartsWith(prefix, StringComparison.Ordinal))
                throw new FormatException($"{source}, line {l + 1}: expected '{prefix}'");
            return lines[l++].Trim()[prefix.Length..].Trim();
        }
        string framesText = Header("Frames:"), timeText = Header("Frame Time:");
        if (!int.TryParse(framesText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int frames) || frames < 0)
            throw new FormatException($"{source}: 'Frames: {framesText}' is not a frame count");
        if (!double.TryParse(timeText, NumberStyles.Float, CultureInfo.InvariantCulture, out double frameTime) || !(frameTime > 0))
            throw new FormatException($"{source}: 'Frame Time: {timeText}' is not a positive number of seconds");

        var values = new double[(long)frames * channels];
        int read = 0, extra = 0;
        for (; l < lines.Length; l++)
        {
            var parts = lines[l].Split((char[])[' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            if (read == frames) { extra++; continue; }
            if (parts.Length != channels)
                throw new FormatException($"{source}, line {l + 1}: frame {read} has {parts.Length} numbers, the hierarchy declares {channels} channels");
            for (int c = 0; c < channels; c++)
                if (!double.TryParse(parts[c], NumberStyles.Float, CultureInfo.InvariantCulture, out values[(long)read * channels + c]))
                    throw new FormatException($"{source}, line {l + 1}: '{parts[c]}' is not a number");
            read++;
        }
        if (read < frames) throw new FormatException($"{source}: declares {frames} frames but holds {read}");
        return new BvhClip(joints, values, frames, channels, frameTime, extra, source);
    }
}
