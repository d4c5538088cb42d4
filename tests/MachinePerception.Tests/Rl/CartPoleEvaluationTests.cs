using MachinePerception.Rl;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Rl;

public class CartPoleEvaluationTests
{
    [Fact]
    public void The_best_evaluated_parameters_are_restored_and_training_may_stop_at_the_threshold()
    {
        var q = Dqn.QNetwork(4, 4, 2, new Rng(1));
        bool good = false;
        // a policy that balances (the hand-made rule) while "good", and always pushes right otherwise
        var eval = new CartPoleEvaluation(q, x => Enumerable.Range(0, x.Shape[0]).Select(i => good ? (x[i, 2] + 0.5 * x[i, 3] > 0 ? 1 : 0) : 1).ToArray(),
            episodes: 3, stopAt: 500, new Rng(2));
        Assert.False(eval.Evaluate(10));
        good = true;
        var atBest = q.Parameters().Select(p => p.ToFloatArray()).ToArray();
        Assert.True(eval.Evaluate(20));
        good = false;
        q.Parameters()[0].AsSpan<float>().Fill(7);   // "training" moves on and gets worse
        Assert.False(eval.Evaluate(30));
        eval.RestoreBest();
        Assert.Equal(atBest[0], q.Parameters()[0].ToFloatArray());
        Assert.Equal(20, eval.BestStep);
        Assert.Equal(500, eval.BestReturn);
        Assert.Equal([10, 20, 30], eval.History.Select(h => h.Step));
    }
}
