using MachinePerception.Tensors;

namespace MachinePerception.Rl;

/// <summary>A sampled mini-batch of transitions: States and NextStates [B, d], Actions [B, 1] (integers stored as
/// numbers, ready for <c>Op.Gather</c>), Rewards [B] and Terminal [B] (1 where s′ ended the task, else 0).</summary>
public sealed record ReplayBatch(Tensor States, Tensor Actions, Tensor Rewards, Tensor NextStates, Tensor Terminal);

/// <summary>
/// The replay buffer of deep Q-learning (§7.5): the last <see cref="Capacity"/> transitions (s, a, r, s′, terminal)
/// in a ring, the oldest overwritten first. Training samples mini-batches uniformly from it, so consecutive (strongly
/// correlated) steps of one episode rarely meet in the same batch, and each transition is reused many times.
/// </summary>
public sealed class ReplayBuffer
{
    readonly float[] states, nextStates, rewards, terminal;
    readonly int[] actions;
    int next;

    public int Capacity { get; }
    public int StateSize { get; }
    /// <summary>Transitions stored (at most <see cref="Capacity"/>).</summary>
    public int Count { get; private set; }

    public ReplayBuffer(int capacity, int stateSize)
    {
        if (capacity <= 0 || stateSize <= 0)
            throw new ArgumentException($"ReplayBuffer: capacity {capacity} and state size {stateSize} must be positive");
        Capacity = capacity;
        StateSize = stateSize;
        states = new float[capacity * stateSize];
        nextStates = new float[capacity * stateSize];
        rewards = new float[capacity];
        terminal = new float[capacity];
        actions = new int[capacity];
    }

    /// <summary>Stores one transition; when full, it replaces the oldest.</summary>
    public void Add(double[] state, int action, double reward, double[] nextState, bool terminated)
    {
        if (state.Length != StateSize || nextState.Length != StateSize)
            throw new ArgumentException($"ReplayBuffer.Add: states have {state.Length} and {nextState.Length} entries, expected {StateSize}");
        for (int j = 0; j < StateSize; j++)
        {
            states[next * StateSize + j] = (float)state[j];
            nextStates[next * StateSize + j] = (float)nextState[j];
        }
        actions[next] = action;
        rewards[next] = (float)reward;
        terminal[next] = terminated ? 1f : 0f;
        next = (next + 1) % Capacity;
        Count = Math.Min(Count + 1, Capacity);
    }

    /// <summary>The transition in slot i (0 ≤ i &lt; Count), for inspection and tests.</summary>
    public (double[] State, int Action, double Reward, double[] NextState, bool Terminal) this[int i]
    {
        get
        {
            if (i < 0 || i >= Count) throw new ArgumentOutOfRangeException(nameof(i), $"ReplayBuffer: slot {i} is outside 0..{Count - 1}");
            return (Row(states, i), actions[i], rewards[i], Row(nextStates, i), terminal[i] == 1f);
        }
    }

    double[] Row(float[] a, int i) => a.AsSpan(i * StateSize, StateSize).ToArray().Select(v => (double)v).ToArray();

    /// <summary>B transitions drawn uniformly with replacement (float32 tensors).</summary>
    public ReplayBatch Sample(int batchSize, Rng rng)
    {
        if (Count == 0) throw new InvalidOperationException("ReplayBuffer.Sample: the buffer is empty");
        if (batchSize <= 0) throw new ArgumentException($"ReplayBuffer.Sample: batch size {batchSize} must be positive");
        var idx = new int[batchSize];
        for (int b = 0; b < batchSize; b++) idx[b] = rng.NextInt(Count);
        return Gather(idx);
    }

    /// <summary>The transitions in the given slots as a batch.</summary>
    public ReplayBatch Gather(int[] slots)
    {
        int n = slots.Length, d = StateSize;
        var s = new float[n * d];
        var s2 = new float[n * d];
        var a = new float[n];
        var r = new float[n];
        var t = new float[n];
        for (int b = 0; b < n; b++)
        {
            int i = slots[b];
            if (i < 0 || i >= Count) throw new ArgumentOutOfRangeException(nameof(slots), $"ReplayBuffer.Gather: slot {i} is outside 0..{Count - 1}");
            Array.Copy(states, i * d, s, b * d, d);
            Array.Copy(nextStates, i * d, s2, b * d, d);
            a[b] = actions[i];
            r[b] = rewards[i];
            t[b] = terminal[i];
        }
        return new ReplayBatch(Tensor.FromArray(s, n, d), Tensor.FromArray(a, n, 1), Tensor.FromArray(r, n),
            Tensor.FromArray(s2, n, d), Tensor.FromArray(t, n));
    }
}
