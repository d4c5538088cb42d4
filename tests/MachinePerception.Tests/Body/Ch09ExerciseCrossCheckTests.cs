using MachinePerception.Body;
using MachinePerception.Exercises.Ch09;
using MachinePerception.Geometry;
using MachinePerception.Tensors;
using MachinePerception.Tests.Exercises;

namespace MachinePerception.Tests.Body;

/// <summary>The chapter 9 exercises' plain-loop references against the Body/ code the chapter runs.</summary>
public class Ch09ExerciseCrossCheckTests
{
    [Fact]
    public void Lbs_exercise_matches_linear_blend_skinning()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new LinearBlendSkinningVertex(seed);
            var t = ExerciseInputs.Field<double[]>(e, "t");
            var w = ExerciseInputs.Field<double[]>(e, "w");
            var angles = ExerciseInputs.Field<int[]>(e, "angles");
            var b = ExerciseInputs.Field<double[][]>(e, "b");
            var rotations = angles.SelectMany(a => Matrix3.RotationZ(a * Math.PI / 180).ToRowMajor()).ToArray();
            var skinned = LinearBlendSkinning.Apply(Tensor.FromArray(t, 1, 3), Tensor.FromArray(w, 1, 2),
                Tensor.FromArray(rotations, 1, 2, 3, 3), Tensor.FromArray(b.SelectMany(v => v).ToArray(), 1, 2, 3)).ToDoubleArray();
            var reference = e.Reference();
            for (int i = 0; i < 3; i++) Assert.Equal(skinned[i], reference[i], 12);
        }
    }

    [Fact]
    public void Rodrigues_exercise_matches_the_library_rotation()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new RodriguesRotation(seed);
            var k = ExerciseInputs.Field<double[]>(e, "k");
            var p = ExerciseInputs.Field<double[]>(e, "p");
            double theta = ExerciseInputs.Field<int>(e, "degrees") * Math.PI / 180;
            var rotated = Rodrigues.Rotation(theta * new Vec3(k[0], k[1], k[2])) * new Vec3(p[0], p[1], p[2]);
            var reference = e.Reference();
            Assert.Equal(rotated.X, reference[0], 11);
            Assert.Equal(rotated.Y, reference[1], 11);
            Assert.Equal(rotated.Z, reference[2], 11);
        }
    }

    [Fact]
    public void Pca_exercise_matches_the_library_pca_on_its_own_shape_space()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var e = new PcaShapeReconstruction(seed);
            var mean = ExerciseInputs.Field<double[]>(e, "mean");
            var body = ExerciseInputs.Field<double[]>(e, "body");
            var s = ExerciseInputs.Field<double[][]>(e, "s");
            // a population spanning exactly the two directions around μ: PCA must find them (up to sign), and its
            // reconstruction must equal the exercise's
            var rng = new Rng(seed);
            var data = new double[40 * 4];
            for (int n = 0; n < 40; n++)
            {
                double a = 3 * rng.NextNormal(), c = rng.NextNormal();
                for (int i = 0; i < 4; i++) data[n * 4 + i] = mean[i] + a * s[0][i] + c * s[1][i];
            }
            var pca = MachinePerception.Generative.Pca.FitBySvdOfData(Tensor.FromArray(data, 40, 4), 2);
            var reconstructed = pca.Reconstruct(Tensor.FromArray(body, 1, 4)).ToDoubleArray();
            var reference = e.Reference();
            for (int i = 0; i < 4; i++) Assert.Equal(reconstructed[i], reference[2 + i], 9);
        }
    }
}
