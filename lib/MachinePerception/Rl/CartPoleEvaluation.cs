using MachinePerception.Nn;
using MachinePerception.Tensors;

namespace MachinePerception.Rl;

/// <summary>
/// Evaluation during training on <see cref="CartPole"/>: every so often the current policy plays a few episodes
/// of its own (fresh start states from a separate generator, no learning), the mean return is recorded, the best
/// parameters so far are kept, and training may stop once a target mean is reached. Value-based and actor–critic
/// learners on CartPole are known to forget: a policy that balances for 500 steps can degrade a few thousand updates
/// later, so keeping the best evaluated snapshot ("early stopping") is part of the method, and the final score is
/// measured afterwards on other, unseen start states.
/// </summary>
public sealed class CartPoleEvaluation(Module model, Func<Tensor, int[]> policy, int episodes, double stopAt, Rng rng)
{
    float[][]? best;

    /// <summary>(training step or update, mean return) of every evaluation so far.</summary>
    public List<(int Step, double MeanReturn)> History { get; } = [];
    public double BestReturn { get; private set; } = double.NegativeInfinity;
    public int BestStep { get; private set; }

    /// <summary>Evaluates now; returns true when the mean reached the stopping threshold.</summary>
    public bool Evaluate(int step)
    {
        double mean = CartPole.Evaluate(policy, episodes, rng).Average();
        History.Add((step, mean));
        if (mean > BestReturn)
        {
            BestReturn = mean;
            BestStep = step;
            best = model.Parameters().Select(p => p.ToFloatArray()).ToArray();
        }
        return mean >= stopAt;
    }

    /// <summary>Puts the best evaluated parameters back into the model (float32 models).</summary>
    public void RestoreBest()
    {
        if (best is null) return;
        var ps = model.Parameters();
        for (int i = 0; i < ps.Length; i++) best[i].CopyTo(ps[i].AsSpan<float>());
    }
}
