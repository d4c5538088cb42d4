using MachinePerception.Exercises.Ch13;
using MachinePerception.Generative;
using MachinePerception.Implicit;
using MachinePerception.Numerics;
using MachinePerception.Rl;

namespace MachinePerception.Tests.Proofs;

/// <summary>The chapter 13 exercises' plain-loop references against the library's independent implementations.</summary>
public class Ch13ExerciseCrossCheckTests
{
    [Fact]
    public void The_KL_exercise_agrees_with_the_closed_form_of_DiagonalGaussian()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var e = new GaussianKl(seed);
            Assert.Equal(-DiagonalGaussian.NegativeKlToStandardNormal(e.Mean, e.Variance), e.Reference()[0], 1e-13);
        }
    }

    [Fact]
    public void The_Bellman_exercise_agrees_with_DynamicProgramming()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var e = new BellmanBackup(seed);
            var (p, r, v, gamma) = e.Model;
            var backup = DynamicProgramming.BellmanOptimality(new FiniteMdp(p, r, gamma), v);
            var reference = e.Reference();
            for (int s = 0; s < 3; s++) Assert.Equal(backup[s], reference[s], 1e-13);
        }
    }

    [Fact]
    public void The_implicit_slope_exercise_agrees_with_finite_differences_along_the_curve()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var e = new ImplicitSlope(seed);
            var (f, x, y) = e.Curve;
            double slope = e.Reference()[0], numeric = ImplicitFunction.SlopeByDifferences(f, x, y, 1e-6);
            Assert.True(Math.Abs(slope - numeric) <= 1e-6 * Math.Max(1, Math.Abs(slope)), $"seed {seed}: {slope} vs {numeric}");
        }
    }

    [Fact]
    public void The_sphere_depth_exercise_agrees_with_RayDepth()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var e = new SphereDepthGradient(seed);
            var (r, o) = e.Setup;
            var hit = RayDepth.Find(p => p[0] * p[0] + p[1] * p[1] + p[2] * p[2] - r * r, 0, o, [0, 0, 1], 0, 20)!;
            var g = RayDepth.DepthGradient([2 * hit.Point[0], 2 * hit.Point[1], 2 * hit.Point[2]], [0, 0, 1], [-2.0 * r]);
            Assert.Equal(hit.Depth, e.Reference()[0], 1e-10);
            Assert.Equal(g[0], e.Reference()[1], 1e-9);
        }
    }
}
