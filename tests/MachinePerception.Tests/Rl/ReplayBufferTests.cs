using MachinePerception.Rl;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Rl;

public class ReplayBufferTests
{
    static ReplayBuffer Filled(int capacity, int count)
    {
        var b = new ReplayBuffer(capacity, 2);
        for (int i = 0; i < count; i++) b.Add([i, -i], i % 2, 10 + i, [i + 1, -i - 1], i % 3 == 0);
        return b;
    }

    [Fact]
    public void When_full_the_oldest_transition_is_overwritten()
    {
        var b = Filled(4, 6);   // transitions 0..5 into 4 slots: 4 and 5 replaced 0 and 1
        Assert.Equal(4, b.Count);
        var rewards = Enumerable.Range(0, 4).Select(i => b[i].Reward).OrderBy(r => r).ToArray();
        Assert.Equal([12.0, 13, 14, 15], rewards);
        var slot0 = b[0];
        Assert.Equal([4.0, -4], slot0.State);
        Assert.Equal([5.0, -5], slot0.NextState);
        Assert.Equal(0, slot0.Action);
        Assert.False(slot0.Terminal);
        Assert.Equal(15, b[1].Reward);   // slot 1 holds transition 5, slots 2 and 3 still hold 2 and 3
        Assert.False(b[1].Terminal);
        Assert.True(b[3].Terminal);      // 3 % 3 = 0
    }

    [Fact]
    public void Gather_returns_the_slots_as_tensors_row_by_row()
    {
        var b = Filled(8, 5);
        var batch = b.Gather([3, 0]);
        Assert.Equal([3f, -3, 0, 0], batch.States.ToFloatArray());
        Assert.Equal([4f, -4, 1, -1], batch.NextStates.ToFloatArray());
        Assert.Equal([1f, 0], batch.Actions.ToFloatArray());
        Assert.Equal(new[] { 2, 1 }, batch.Actions.Shape.ToArray());
        Assert.Equal([13f, 10], batch.Rewards.ToFloatArray());
        Assert.Equal([1f, 1], batch.Terminal.ToFloatArray());
    }

    [Fact]
    public void Sampling_is_uniform_over_stored_slots_and_seeded()
    {
        var b = Filled(10, 4);
        var counts = new int[4];
        var rng = new Rng(5);
        for (int k = 0; k < 200; k++)
            foreach (var r in b.Sample(20, rng).Rewards.ToFloatArray()) counts[(int)r - 10]++;
        // 4000 draws, 1000 expected per slot, standard deviation √(4000 · ¼ · ¾) ≈ 27
        Assert.All(counts, c => Assert.InRange(c, 1000 - 120, 1000 + 120));
        Assert.Equal(b.Sample(6, new Rng(9)).Rewards.ToFloatArray(), b.Sample(6, new Rng(9)).Rewards.ToFloatArray());
    }

    [Fact]
    public void Bad_input_is_named()
    {
        var b = new ReplayBuffer(3, 2);
        Assert.StartsWith("ReplayBuffer.Sample", Assert.Throws<InvalidOperationException>(() => b.Sample(1, new Rng(1))).Message);
        var ex = Assert.Throws<ArgumentException>(() => b.Add([1, 2, 3], 0, 0, [1, 2], false));
        Assert.StartsWith("ReplayBuffer.Add", ex.Message);
        Assert.Contains("3", ex.Message);
    }
}
