using MachinePerception.Checks;
using MachinePerception.Implicit;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Implicit;

public class RayDepthTests
{
    // sphere of radius ρ around c: f(p) = ‖p − c‖² / ρ² with level 1; θ = (c, ρ)
    static double Field(double[] theta, double[] p) =>
        ((p[0] - theta[0]) * (p[0] - theta[0]) + (p[1] - theta[1]) * (p[1] - theta[1]) + (p[2] - theta[2]) * (p[2] - theta[2])) / (theta[3] * theta[3]);

    // nearer root of ‖r₀ + d w − c‖² = ρ² (w unit)
    static double ExactDepth(double[] theta, double[] o, double[] w)
    {
        double[] oc = [o[0] - theta[0], o[1] - theta[1], o[2] - theta[2]];
        double b = oc[0] * w[0] + oc[1] * w[1] + oc[2] * w[2], c = oc.Sum(v => v * v) - theta[3] * theta[3];
        return -b - Math.Sqrt(b * b - c);
    }

    static readonly double[] Theta = [0.1, -0.2, 0.3, 1.2];
    static readonly double[] Origin = [0.2, 0.1, -4];
    static readonly double[] Direction = Normalize([0.05, -0.1, 1]);

    static double[] Normalize(double[] v)
    {
        double n = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / n).ToArray();
    }

    [Fact]
    public void Depth_by_marching_and_secant_equals_the_quadratic_formula()
    {
        var hit = RayDepth.Find(p => Field(Theta, p), 1, Origin, Direction, 0, 10)!;
        Assert.Equal(ExactDepth(Theta, Origin, Direction), hit.Depth, 1e-12);
        Assert.Null(RayDepth.Find(p => Field(Theta, p), 1, Origin, [1, 0, 0], 0, 10));
    }

    [Fact]
    public void The_implicit_gradient_matches_finite_differences_of_the_depth()
    {
        var hit = RayDepth.Find(p => Field(Theta, p), 1, Origin, Direction, 0, 10)!;
        const double h = 1e-6;
        var dfdp = new double[3];
        var dfdt = new double[4];
        for (int k = 0; k < 3; k++)
        {
            double[] pp = (double[])hit.Point.Clone(), pm = (double[])hit.Point.Clone();
            pp[k] += h; pm[k] -= h;
            dfdp[k] = (Field(Theta, pp) - Field(Theta, pm)) / (2 * h);
        }
        for (int k = 0; k < 4; k++)
        {
            double[] tp = (double[])Theta.Clone(), tm = (double[])Theta.Clone();
            tp[k] += h; tm[k] -= h;
            dfdt[k] = (Field(tp, hit.Point) - Field(tm, hit.Point)) / (2 * h);
        }
        var g = RayDepth.DepthGradient(dfdp, Direction, dfdt);
        for (int k = 0; k < 4; k++)
        {
            double[] tp = (double[])Theta.Clone(), tm = (double[])Theta.Clone();
            tp[k] += h; tm[k] -= h;
            Assert.Equal((ExactDepth(tp, Origin, Direction) - ExactDepth(tm, Origin, Direction)) / (2 * h), g[k], 1e-6);
        }
    }

    [Fact]
    public void The_differentiable_depth_carries_the_implicit_gradient_through_autodiff()
    {
        var theta = Tensor.FromArray(Theta, 4).RequireGrad();
        Tensor TensorField(Tensor p)   // [N, 3] → [N]
        {
            var c = Op.Reshape(Op.Slice(theta, 0, 0, 3), [1, 3]);
            var rho = Op.Slice(theta, 0, 3, 1);
            return Op.Sum(Op.Square(p - c), 1) / Op.Square(rho);
        }
        var hit = RayDepth.Find(p => Field(Theta, p), 1, Origin, Direction, 0, 10)!;
        var (depth, points) = RayDepth.Differentiable(TensorField, 1, new double[,] { { Origin[0], Origin[1], Origin[2] } },
            new double[,] { { Direction[0], Direction[1], Direction[2] } }, [hit.Depth]);
        Assert.Equal(hit.Depth, depth.ToDoubleArray()[0], 1e-12);
        Assert.Equal(hit.Point[2], points.ToDoubleArray()[2], 1e-12);
        var g = MachinePerception.Autodiff.Autograd.Grad(MachinePerception.Ops.Op.Sum(depth), theta).ToDoubleArray();
        const double h = 1e-6;
        for (int k = 0; k < 4; k++)
        {
            double[] tp = (double[])Theta.Clone(), tm = (double[])Theta.Clone();
            tp[k] += h; tm[k] -= h;
            Assert.Equal((ExactDepth(tp, Origin, Direction) - ExactDepth(tm, Origin, Direction)) / (2 * h), g[k], 1e-6);
        }
    }

    [Fact]
    public void A_grazing_ray_and_a_bad_origin_are_named()
    {
        Assert.StartsWith("RayDepth.DepthGradient", Assert.Throws<ArgumentException>(() => RayDepth.DepthGradient([1, 0, 0], [0, 1, 0], [1.0])).Message);
        Assert.StartsWith("RayDepth.Find", Assert.Throws<ArgumentException>(() => RayDepth.Find(_ => 0, 1, [0, 0], [0, 0, 1], 0, 1)).Message);
    }

    [Fact]
    public void Depths_found_again_at_each_perturbation_pass_the_gradient_check_of_the_differentiable_depths()
    {
        var theta = Tensor.FromArray(Theta, 4).RequireGrad();
        var origins = new double[,] { { 0.2, 0.1, -4 }, { -0.1, 0.3, -4 } };
        var directions = new double[,] { { Direction[0], Direction[1], Direction[2] }, { 0, -0.05, 1 } };
        Tensor Depths()
        {
            var th = theta.ToDoubleArray();
            var d = Enumerable.Range(0, 2).Select(i => RayDepth.Find(p => Field(th, p), 1, [origins[i, 0], origins[i, 1], origins[i, 2]],
                [directions[i, 0], directions[i, 1], directions[i, 2]], 0, 10)!.Depth).ToArray();
            return RayDepth.Differentiable(p =>
                Op.Sum(Op.Square(p - Op.Reshape(Op.Slice(theta, 0, 0, 3), [1, 3])), 1) / Op.Square(Op.Slice(theta, 0, 3, 1)), 1, origins, directions, d).Depths;
        }
        var r = GradCheck.RunOn(Depths, [theta]);
        Assert.True(r.Passed, r.Summary);
    }
}
