using MachinePerception.Exercises.Ch07;
using MachinePerception.Rl;
using MachinePerception.Tests.Exercises;

namespace MachinePerception.Tests.Rl;

/// <summary>The chapter 7 exercises' plain-loop references against the Rl/ code the chapter runs.</summary>
public class Ch07ExerciseCrossCheckTests
{
    [Fact]
    public void Bellman_backup_matches_the_grid_world_and_dynamic_programming()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new BellmanBackup(seed);
            var v = ExerciseInputs.Field<double[,]>(e, "v");
            var g = new GridWorld("...\n...\n...", ExerciseInputs.Field<double>(e, "gamma"), stepReward: ExerciseInputs.Field<double>(e, "reward"));
            var values = new double[9];
            for (int s = 0; s < 9; s++) values[s] = v[g.CellOf(s).Row, g.CellOf(s).Col];
            int cell = g.StateAt(ExerciseInputs.Field<int>(e, "row"), ExerciseInputs.Field<int>(e, "col"));
            var reference = e.Reference();
            Assert.Equal(DynamicProgramming.BellmanExpectation(g.Mdp, g.Mdp.UniformPolicy(), values)[cell], reference[0], 12);
            Assert.Equal(DynamicProgramming.BellmanOptimality(g.Mdp, values)[cell], reference[1], 12);
        }
    }

    [Fact]
    public void Sarsa_and_q_learning_updates_match_td_control()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new SarsaAndQLearningUpdate(seed);
            var q = ExerciseInputs.Field<double[,]>(e, "q");
            int a = ExerciseInputs.Field<int>(e, "action"), next = ExerciseInputs.Field<int>(e, "nextAction");
            double alpha = ExerciseInputs.Field<double>(e, "alpha"), gamma = ExerciseInputs.Field<double>(e, "gamma");
            var t = new Transition(0, a, ExerciseInputs.Field<double>(e, "reward"), 1, false);
            var reference = e.Reference();
            Assert.Equal(q[0, a] + alpha * TdControl.SarsaError(q, t, next, gamma), reference[0], 12);
            Assert.Equal(q[0, a] + alpha * TdControl.QLearningError(q, t, gamma), reference[1], 12);
            Assert.NotEqual(reference[0], reference[1]); // A′ explored, so the two rules disagree
        }
    }

    [Fact]
    public void Discounted_return_matches_the_episode_returns()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new DiscountedReturn(seed);
            var rewards = ExerciseInputs.Field<double[]>(e, "rewards");
            double gamma = ExerciseInputs.Field<double>(e, "gamma");
            var g = Episodes.Returns(rewards.Select(r => new Transition(0, 0, r, 0, false)).ToArray(), gamma);
            Assert.Equal(g[0], e.Reference()[0], 12);
            Assert.Equal(g[1], e.Reference()[1], 12);
        }
    }

    [Fact]
    public void Td_update_matches_temporal_difference()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new TdUpdate(seed);
            var v = (double[])ExerciseInputs.Field<double[]>(e, "v").Clone();
            int from = ExerciseInputs.Field<int>(e, "from");
            var t = new Transition(from, 0, ExerciseInputs.Field<double>(e, "reward"), ExerciseInputs.Field<int>(e, "to"), false);
            TemporalDifference.Update(v, t, ExerciseInputs.Field<double>(e, "gamma"), ExerciseInputs.Field<double>(e, "alpha"));
            Assert.Equal(v[from], e.Reference()[0], 12);
        }
    }
}
