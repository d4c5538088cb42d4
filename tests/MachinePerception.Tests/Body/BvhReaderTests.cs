using MachinePerception.Body;
using MachinePerception.Geometry;

namespace MachinePerception.Tests.Body;

public class BvhReaderTests
{
    const string Tiny = """
        HIERARCHY
        ROOT Hips
        {
          OFFSET 0 0 0
          CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
          JOINT Knee
          {
            OFFSET 0 -2 0
            CHANNELS 3 Xrotation Yrotation Zrotation
            End Site
            {
              OFFSET 0 -3 0
            }
          }
        }
        MOTION
        Frames: 2
        Frame Time: 0.5
        1 2 3 0 0 0 0 0 0
        0 0 0 90 0 0 90 0 0
        """;

    [Fact]
    public void A_small_file_is_parsed_and_posed_by_forward_kinematics()
    {
        var clip = BvhReader.Parse(Tiny, "tiny");
        Assert.Equal(3, clip.Joints.Count);
        Assert.Equal(["Hips", "Knee", "Knee_end"], clip.Joints.Select(j => j.Name));
        Assert.Equal(9, clip.ChannelCount);
        Assert.Equal(2, clip.FrameCount);
        Assert.Equal(0.5, clip.FrameTime);
        Assert.True(clip.Joints[2].IsEndSite);
        // frame 0: only the root moves by (1, 2, 3)
        var (_, p0) = clip.Pose(0);
        Assert.Equal(new Vec3(1, 2, 3), p0[0]);
        Assert.Equal(new Vec3(1, 0, 3), p0[1]);
        Assert.Equal(new Vec3(1, -3, 3), p0[2]);
        // frame 1: root turned 90° about z (−y becomes +x), knee turned 90° about x (−y becomes −z in the root's frame)
        var (_, p1) = clip.Pose(1);
        Assert.True((p1[1] - new Vec3(2, 0, 0)).Norm < 1e-12, p1[1].ToString());
        // in the knee's frame the end site is at (0, −3, 0); R_x(90°) maps it to (0, 0, −3), R_z(90°) keeps (0, 0, −3)
        Assert.True((p1[2] - new Vec3(2, 0, -3)).Norm < 1e-12, p1[2].ToString());
    }

    [Fact]
    public void Euler_order_matters()
    {
        var xy = EulerAngles.ToRotation("XY", [90.0, 90.0]);
        var yx = EulerAngles.ToRotation("YX", [90.0, 90.0]);
        Assert.True(Matrix3.MaxAbsDifference(xy, Matrix3.RotationX(Math.PI / 2) * Matrix3.RotationY(Math.PI / 2)) < 1e-15);
        Assert.True(Matrix3.MaxAbsDifference(xy, yx) > 0.5);
    }

    [Theory]
    [InlineData("Frames: 2", "Frames: 3", "declares 3 frames but holds 2")]
    [InlineData("1 2 3 0 0 0 0 0 0", "1 2 3 0 0 0 0 0", "frame 0 has 8 numbers")]
    [InlineData("OFFSET 0 -2 0", "OFFSET 0 -2", "expected a number")]
    [InlineData("CHANNELS 3 Xrotation", "CHANNELS 3 Wrotation", "'Wrotation' is not a channel")]
    [InlineData("Frame Time: 0.5", "Frame Time: -1", "positive number of seconds")]
    public void Malformed_files_get_a_message_naming_the_problem(string from, string to, string expected)
    {
        var e = Assert.Throws<FormatException>(() => BvhReader.Parse(Tiny.Replace(from, to), "tiny"));
        Assert.Contains(expected, e.Message);
        Assert.Contains("tiny", e.Message);
    }

    [Fact]
    public void Extra_frame_lines_are_counted_not_read()
    {
        var clip = BvhReader.Parse(Tiny + "\n5 5 5 0 0 0 0 0 0\n", "tiny");
        Assert.Equal(2, clip.FrameCount);
        Assert.Equal(1, clip.ExtraFrameLines);
    }

    [Fact]
    public void The_shipped_clips_have_the_documented_frames_and_a_rigid_skeleton()
    {
        var expected = new Dictionary<string, (int Frames, double FrameTime)> { ["01_01"] = (688, 0.0333332), ["01_03"] = (1128, 0.0333332), ["Boxing_Toes"] = (768, 0.04) };
        foreach (var name in MotionCapture.Clips)
        {
            var clip = MotionCapture.Load(name);
            Assert.Equal(expected[name].Frames, clip.FrameCount);
            Assert.Equal(expected[name].FrameTime, clip.FrameTime, 9);
            var joints = MotionCapture.Joints(clip);
            var first = PoseSkeleton.BoneLengths(joints[0]);
            foreach (var pose in joints)
            {
                var lengths = PoseSkeleton.BoneLengths(pose);
                foreach (int b in PoseSkeleton.LimbBones) Assert.Equal(first[b], lengths[b], 9);
            }
            // a thigh (hip → knee) of 35–50 cm: the unit conversion is right
            Assert.InRange(first[1], 0.35, 0.50);
        }
    }

    [Fact]
    public void The_shipped_clips_are_every_fourth_frame_of_the_debian_copies()
    {
        const string debian = "/usr/share/assimp/models/BVH";
        if (!Directory.Exists(debian)) return; // assimp-testmodels is not installed here
        foreach (var name in MotionCapture.Clips)
        {
            var full = BvhReader.Read(Path.Combine(debian, name + ".bvh"));
            var shipped = MotionCapture.Load(name);
            Assert.Equal((full.FrameCount + 3) / 4, shipped.FrameCount);
            Assert.Equal(full.FrameTime * 4, shipped.FrameTime, 6);
            Assert.Equal(name == "Boxing_Toes" ? 1 : 0, full.ExtraFrameLines);
            for (int f = 0; f < shipped.FrameCount; f += 97)
                Assert.True(full.Frame(4 * f).SequenceEqual(shipped.Frame(f)), $"{name}: frame {f}");
        }
    }
}
