using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Nn;

/// <summary>
/// A lookup table of learned vectors, one row per token: tokens int[] → [tokens.Length, dim] (§12 sequences,
/// §3 autoregressive models). The same as multiplying one-hot rows by the table, without building them; the
/// backward adds each row's gradient into the row it was read from (a token seen twice gets both).
/// Rows start N(0, 1).
/// </summary>
public sealed class Embedding : Module
{
    public int Count { get; }
    public int Dimension { get; }
    public Tensor Weight => Parameter("weight"); // [count, dim]

    public Embedding(int count, int dimension, Rng rng, DType dtype = DType.Float32)
    {
        if (count <= 0 || dimension <= 0)
            throw new ArgumentException($"Embedding: sizes must be positive, got count = {count}, dimension = {dimension}");
        Count = count;
        Dimension = dimension;
        RegisterParameter("weight", Init.Normal([count, dimension], rng, 0, 1, dtype));
    }

    /// <summary>The rows of the tokens: [tokens.Length, dim].</summary>
    public Tensor Forward(int[] tokens)
    {
        for (int i = 0; i < tokens.Length; i++)
            if (tokens[i] < 0 || tokens[i] >= Count)
                throw new ArgumentException($"Embedding: token {tokens[i]} at position {i} is not in [0, {Count})");
        return Op.IndexSelect(Weight, 0, tokens);
    }

    /// <summary>The rows of a [B, T] grid of tokens: [B, T, dim].</summary>
    public Tensor Forward(int[,] tokens)
    {
        int b = tokens.GetLength(0), t = tokens.GetLength(1);
        var flat = new int[b * t];
        for (int i = 0; i < b; i++)
            for (int j = 0; j < t; j++) flat[i * t + j] = tokens[i, j];
        return Op.Reshape(Forward(flat), b, t, Dimension);
    }

    public override string ToString() => $"Embedding({Count}, {Dimension})";
}
