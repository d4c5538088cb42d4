using MachinePerception.Exercises.Ch07;
using MachinePerception.Nn;
using MachinePerception.Rl;
using MachinePerception.Tensors;
using MachinePerception.Tests.Exercises;

namespace MachinePerception.Tests.Rl;

/// <summary>The dqn-target exercise's plain-double reference against the library's <see cref="Dqn.Targets"/>.</summary>
public class DqnTargetExerciseTests
{
    // A "network" that returns a fixed row of Q-values whatever the state: a bias-only Linear.
    static Sequential Constant(double[] q)
    {
        var layer = new Linear(1, q.Length, new Rng(1), dtype: DType.Float64);
        layer.Weight.AsSpan<double>().Clear();
        q.CopyTo(layer.Bias!.AsSpan<double>());
        return new Sequential(layer);
    }

    [Fact]
    public void The_reference_matches_the_library_target_for_50_seeds()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new DqnTarget(seed);
            var qS = ExerciseInputs.Field<double[]>(e, "qS");
            int a = ExerciseInputs.Field<int>(e, "action");
            var batch = new ReplayBatch(Tensor.Zeros([1, 1], DType.Float64), Tensor.FromArray([(double)a], 1, 1),
                Tensor.FromArray([ExerciseInputs.Field<double>(e, "reward")], 1), Tensor.Zeros([1, 1], DType.Float64),
                Tensor.FromArray([ExerciseInputs.Field<bool>(e, "terminal") ? 1.0 : 0.0], 1));
            double y = Dqn.Targets(Constant(ExerciseInputs.Field<double[]>(e, "qNextTarget")), batch, ExerciseInputs.Field<double>(e, "gamma")).Item();
            double q = Dqn.TakenActionValues(Constant(qS), batch.States, batch.Actions).Item();
            Assert.Equal(y, e.Reference()[0], 12);
            Assert.Equal(y - q, e.Reference()[1], 12);
        }
    }

    [Fact]
    public void The_default_seed_bootstraps_through_the_target_network_and_both_kinds_of_transition_occur()
    {
        Assert.False(ExerciseInputs.Field<bool>(new DqnTarget(1), "terminal"));
        var variants = Enumerable.Range(0, 40).Select(seed => new DqnTarget(seed)).ToArray();
        Assert.Contains(variants, e => ExerciseInputs.Field<bool>(e, "terminal"));
        foreach (var e in variants.Where(e => !ExerciseInputs.Field<bool>(e, "terminal")))
            Assert.NotEqual(ExerciseInputs.Field<double[]>(e, "qNextOnline").Max(), ExerciseInputs.Field<double[]>(e, "qNextTarget").Max());
    }
}
