using MachinePerception.Tensors;

namespace MachinePerception.Rl;

/// <summary>
/// TD(0) against Monte Carlo on the 5-state random walk (§7.3; Sutton &amp; Barto, Example 6.2): how fast each
/// prediction method's estimate approaches the true values 1/6 … 5/6 under the equiprobable policy.
/// </summary>
public static class RandomWalkExperiment
{
    /// <summary>
    /// The RMS error over the non-terminal states of the random walk (§7.3, Sutton &amp; Barto Example 6.2) after each of
    /// <paramref name="episodes"/> episodes (index 0 = before learning), V starting at ½, for TD(0) or constant-α Monte Carlo.
    /// </summary>
    public static double[] RmsError(bool temporalDifference, double alpha, int episodes, Rng rng)
    {
        var walk = TextbookGridWorlds.RandomWalk();
        var m = walk.Mdp;
        var truth = TextbookGridWorlds.RandomWalkTrueValues();
        var v = new double[m.States];
        for (int s = 0; s < m.States; s++) v[s] = m.IsTerminal(s) ? 0 : 0.5;
        var uniform = Episodes.Sampler(m.UniformPolicy(), rng);
        var rms = new double[episodes + 1];
        rms[0] = Rms(v, truth);
        for (int e = 1; e <= episodes; e++)
        {
            var episode = Episodes.Run(m, walk.Start, uniform, rng);
            if (temporalDifference) foreach (var t in episode) TemporalDifference.Update(v, t, m.Gamma, alpha);
            else MonteCarlo.ConstantAlphaUpdate(v, episode, m.Gamma, alpha);
            rms[e] = Rms(v, truth);
        }
        return rms;
    }

    // √(mean over A … E of (V − v_π)²); states 1 … 5 of the walk are A … E.
    static double Rms(double[] v, double[] truth)
    {
        double sum = 0;
        for (int i = 0; i < truth.Length; i++) sum += (v[i + 1] - truth[i]) * (v[i + 1] - truth[i]);
        return Math.Sqrt(sum / truth.Length);
    }
}
