using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch01;

/// <summary>
/// §1 (autoencoder X → Z → X): the number of parameters of a fully connected autoencoder whose decoder mirrors its
/// encoder; every linear layer has a weight per connection and a bias per output.
/// </summary>
[Exercise(1, "ae-parameter-count", "Parameters of an autoencoder")]
public sealed class AutoencoderParameterCount : NumericExercise
{
    readonly int[] sizes; // [|X|, hidden…, |Z|]
    readonly string what;

    public AutoencoderParameterCount(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        (string What, int Size)[] inputs = [("28 × 28 grey images", 784), ("32 × 32 RGB images", 3072), ("16 × 16 grey images", 256), ("64-dimensional sensor vectors", 64)];
        var (w, d) = inputs[rng.NextInt(inputs.Length)];
        what = w;
        int hidden = rng.NextInt(0, 3);
        var list = new List<int> { d };
        int current = d;
        for (int i = 0; i < hidden; i++)
        {
            current = Math.Max(8, current / rng.NextInt(2, 5) / 8 * 8);
            list.Add(current);
        }
        var codes = new[] { 2, 8, 16, 32 }.Where(z => z < current).ToArray(); // the code is the bottleneck
        list.Add(codes[rng.NextInt(codes.Length)]);
        sizes = [.. list];
    }

    protected override int[] AnswerShape => [];
    protected override Tolerance Tolerance => Tolerance.Exact;

    string Layers => string.Join(" → ", sizes) + " → " + string.Join(" → ", sizes.Reverse().Skip(1));

    protected override Prose Pose() => new Prose()
        .Text($"An autoencoder for {what} has fully connected layers of sizes {Layers}: the encoder goes down to a code of " +
              $"|Z| = {sizes[^1]}, the decoder mirrors it back to |X| = {sizes[0]}. Every linear layer has a weight matrix and a bias vector " +
              "(activations have no parameters). How many parameters does the whole autoencoder have?");

    // Sum over the encoder's layers (in → out) and the decoder's (out → in): in·out weights plus out biases each.
    double Count(Func<int, int, long> perLayer, bool decoder = true)
    {
        long total = 0;
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            total += perLayer(sizes[i], sizes[i + 1]);
            if (decoder) total += perLayer(sizes[i + 1], sizes[i]);
        }
        return total;
    }

    internal override double[] Reference() => [Count((i, o) => (long)i * o + o)];

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("forgot the biases", "Each linear layer also has one bias per output unit.", [Count((i, o) => (long)i * o)]);
        yield return Wrong("counted the encoder only", "The decoder has its own weights (they are not tied to the encoder's here).", [Count((i, o) => (long)i * o + o, decoder: false)]);
        yield return Wrong("counted the weights once, as if tied", "Only with tied weights (decoder matrices = encoder matrices transposed) are they shared; here the decoder has its own.",
            [Count((i, o) => (long)i * o + o, decoder: false) + Count((i, o) => i, decoder: false)]);
        yield return Wrong("counted units instead of connections", "A fully connected layer in → out has in·out weights, one per pair of units.",
            [sizes.Sum() * 2 - sizes[^1]]);
    }

    protected override Prose Solve()
    {
        var p = new Prose().Text("A linear layer in → out has in·out weights and out biases: (in + 1)·out parameters.");
        for (int i = 0; i + 1 < sizes.Length; i++)
            p.Text($"encoder {sizes[i]} → {sizes[i + 1]}: ({sizes[i]} + 1)·{sizes[i + 1]} = {(long)(sizes[i] + 1) * sizes[i + 1]}; " +
                   $"decoder {sizes[i + 1]} → {sizes[i]}: ({sizes[i + 1]} + 1)·{sizes[i]} = {(long)(sizes[i + 1] + 1) * sizes[i]}");
        return p.Text($"Total: **{Reference()[0]:0}**.");
    }
}
