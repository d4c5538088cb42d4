using MachinePerception.Rl;

namespace MachinePerception.Tests.Rl;

public class KinematicChainTests
{
    [Fact]
    public void Forward_kinematics_adds_the_relative_angles_link_by_link()
    {
        var chain = new KinematicChain([1.0, 0.8]);
        var p = chain.JointPositions([Math.PI / 2, -Math.PI / 2]);   // up 1, then turn right: along +x
        Assert.Equal((0.0, 0.0), p[0]);
        Assert.Equal(0, p[1].X, 12);
        Assert.Equal(1, p[1].Y, 12);
        Assert.Equal(0.8, p[2].X, 12);
        Assert.Equal(1, p[2].Y, 12);
        var (x, y) = chain.EndEffector([0.3, 0.4]);
        Assert.Equal(Math.Cos(0.3) + 0.8 * Math.Cos(0.7), x, 12);
        Assert.Equal(Math.Sin(0.3) + 0.8 * Math.Sin(0.7), y, 12);
    }

    [Fact]
    public void A_servo_step_is_semi_implicit_euler_of_the_pd_law()
    {
        var chain = new KinematicChain([1.0, 1.0], stiffness: 50, damping: 5, timeStep: 0.1);
        var (q, v) = chain.Step([0.2, -0.1], [1.0, 0.0], [0.5, 0.5]);
        // q̈ = 50 (0.5 − 0.2) − 5·1 = 10 → v = 1 + 0.1·10 = 2 → q = 0.2 + 0.1·2 = 0.4
        Assert.Equal(2.0, v[0], 12);
        Assert.Equal(0.4, q[0], 12);
        // q̈ = 50 (0.5 + 0.1) − 0 = 30 → v = 3 → q = −0.1 + 0.3 = 0.2
        Assert.Equal(3.0, v[1], 12);
        Assert.Equal(0.2, q[1], 12);
    }

    [Fact]
    public void Bad_input_is_named()
    {
        Assert.StartsWith("KinematicChain", Assert.Throws<ArgumentException>(() => new KinematicChain([1.0, -0.5])).Message);
        var ex = Assert.Throws<ArgumentException>(() => new KinematicChain([1.0, 1.0]).EndEffector([0.1]));
        Assert.StartsWith("KinematicChain.JointPositions", ex.Message);
        Assert.Contains("1 values for 2 joints", ex.Message);
    }
}
