using MachinePerception.Rl;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Rl;

public class MaximizationBiasTests
{
    static (double Early, double Late) Fractions(bool doubleQ)
    {
        var curve = AveragedRuns.Mean(400, 77, rng => MaximizationBias.LeftChoices(doubleQ, 300, rng));
        return (curve.Take(100).Average(), curve.Skip(200).Average());
    }

    [Fact]
    public void Q_learning_prefers_the_worse_left_action_early_and_Double_Q_learning_does_not()
    {
        var q = Fractions(false);
        var d = Fractions(true);
        Assert.True(q.Early > 0.5, $"Q-learning, episodes 1–100: {q.Early}");
        Assert.True(d.Early < 0.3, $"Double Q-learning, episodes 1–100: {d.Early}");
        Assert.True(q.Late > d.Late, $"late: Q-learning {q.Late}, Double Q-learning {d.Late}");
        Assert.InRange(d.Late, 0.03, 0.1);                                    // near the ε-greedy optimum ε/2 = 0.05
    }

    [Fact]
    public void Bad_settings_are_named()
    {
        Assert.StartsWith("MaximizationBias.LeftChoices", Assert.Throws<ArgumentException>(() => MaximizationBias.LeftChoices(false, 0, new Rng(1))).Message);
        Assert.StartsWith("MaximizationBias.LeftChoices", Assert.Throws<ArgumentException>(() => MaximizationBias.LeftChoices(false, 5, new Rng(1), alpha: 0)).Message);
    }
}
