namespace MachinePerception.Rl;

/// <summary>
/// A planar kinematic chain (§7.9's character in miniature): links of given lengths joined by hinge joints, the
/// first one fixed at the origin. Joint angles q are relative (q_i is the angle of link i to link i−1), so link i
/// points along φ_i = q_0 + … + q_i and the joints sit at p_{i+1} = p_i + L_i (cos φ_i, sin φ_i).
/// Each joint is driven, as in DeepMimic, by a PD servo towards a target angle â_i (the action):
/// q̈ = k_p (â − q) − k_d q̇, integrated with semi-implicit Euler (velocity first, then position with the new velocity).
/// </summary>
public sealed class KinematicChain
{
    public double[] Lengths { get; }
    public double Stiffness { get; }
    public double Damping { get; }
    public double TimeStep { get; }
    public int Joints => Lengths.Length;

    public KinematicChain(double[] lengths, double stiffness = 60, double damping = 8, double timeStep = 0.02)
    {
        if (lengths.Length == 0 || lengths.Any(l => !(l > 0)))
            throw new ArgumentException($"KinematicChain: link lengths [{string.Join(", ", lengths)}] must be positive, at least one");
        if (!(stiffness > 0) || !(damping >= 0) || !(timeStep > 0))
            throw new ArgumentException($"KinematicChain: k_p = {stiffness} and τ = {timeStep} must be positive, k_d = {damping} ≥ 0");
        Lengths = (double[])lengths.Clone();
        Stiffness = stiffness;
        Damping = damping;
        TimeStep = timeStep;
    }

    /// <summary>The joint positions p_0 = (0, 0), p_1, …, p_n (the last is the end effector) for angles q.</summary>
    public (double X, double Y)[] JointPositions(double[] q)
    {
        CheckLength("JointPositions", q);
        var p = new (double X, double Y)[Joints + 1];
        double phi = 0;
        for (int i = 0; i < Joints; i++)
        {
            phi += q[i];
            p[i + 1] = (p[i].X + Lengths[i] * Math.Cos(phi), p[i].Y + Lengths[i] * Math.Sin(phi));
        }
        return p;
    }

    /// <summary>The end effector's position (the tip of the last link).</summary>
    public (double X, double Y) EndEffector(double[] q) => JointPositions(q)[^1];

    /// <summary>One servo step from (q, q̇) towards the targets: returns the new (q, q̇).</summary>
    public (double[] Q, double[] Velocity) Step(double[] q, double[] velocity, double[] targets)
    {
        CheckLength("Step", q);
        CheckLength("Step", velocity);
        CheckLength("Step", targets);
        var v = new double[Joints];
        var next = new double[Joints];
        for (int i = 0; i < Joints; i++)
        {
            double acceleration = Stiffness * (targets[i] - q[i]) - Damping * velocity[i];
            v[i] = velocity[i] + TimeStep * acceleration;
            next[i] = q[i] + TimeStep * v[i];
        }
        return (next, v);
    }

    void CheckLength(string method, double[] x)
    {
        if (x.Length != Joints) throw new ArgumentException($"KinematicChain.{method}: got {x.Length} values for {Joints} joints");
    }
}
