using MachinePerception.Body;
using MachinePerception.Geometry;
using MachinePerception.Tensors;
using static MachinePerception.Body.DualQuaternionSkinning;

namespace MachinePerception.Tests.Body;

public class DualQuaternionSkinningTests
{
    [Fact]
    public void Quaternions_round_trip_rotations_including_half_turns()
    {
        var rng = new Rng(6);
        foreach (double angle in new[] { 0.0, 0.3, 2.0, Math.PI - 1e-7, Math.PI })
            for (int t = 0; t < 6; t++)
            {
                var r = Rodrigues.Rotation(angle * new Vec3(rng.NextNormal(), rng.NextNormal(), rng.NextNormal()).Normalized());
                var q = Quaternion.FromRotation(r);
                Assert.Equal(1, Math.Sqrt(q.Dot(q)), 12);
                Assert.True(Matrix3.MaxAbsDifference(q.ToRotation(), r) < 1e-12);
            }
    }

    [Fact]
    public void A_vertex_on_one_bone_moves_rigidly_with_it()
    {
        var rng = new Rng(7);
        var rotation = Rodrigues.Rotation(new Vec3(0.3, -0.8, 1.1));
        var translation = new Vec3(0.5, -1, 2);
        var vertices = Enumerable.Range(0, 5).Select(_ => new Vec3(rng.NextNormal(), rng.NextNormal(), rng.NextNormal())).ToArray();
        var weights = new double[5, 2];
        for (int i = 0; i < 5; i++) weights[i, 1] = 1;
        var moved = Apply(vertices, weights, [Matrix3.Identity, rotation], [new Vec3(), translation]);
        for (int i = 0; i < 5; i++) Assert.True((moved[i] - (rotation * vertices[i] + translation)).Norm < 1e-12);
    }

    [Fact]
    public void Same_motion_on_all_bones_is_that_motion_whatever_the_weights()
    {
        var rng = new Rng(9);
        var rotation = Rodrigues.Rotation(new Vec3(-1.2, 0.4, 0.9));
        var translation = new Vec3(1, 2, 3);
        var vertices = Enumerable.Range(0, 4).Select(_ => new Vec3(rng.NextNormal(), rng.NextNormal(), rng.NextNormal())).ToArray();
        var weights = new double[4, 3];
        for (int i = 0; i < 4; i++) { weights[i, 0] = 0.2; weights[i, 1] = 0.5; weights[i, 2] = 0.3; }
        var moved = Apply(vertices, weights, [rotation, rotation, rotation], [translation, translation, translation]);
        for (int i = 0; i < 4; i++) Assert.True((moved[i] - (rotation * vertices[i] + translation)).Norm < 1e-12);
    }
}
