using MachinePerception.Nn;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Benchmarks;

/// <summary>
/// A training step of a small CNN on 28×28 images, batch 64:
/// conv 3×3 (1→8, pad 1) → ReLU → max-pool 2 → conv 3×3 (8→16, pad 1) → ReLU → max-pool 2 → linear 784→10,
/// mean cross-entropy, Adam. Ours is the library's <see cref="Conv2d"/>, <see cref="MaxPool2d"/>, <see cref="Linear"/>,
/// <see cref="Losses.CrossEntropy"/> and <see cref="Adam"/>; the reference is <see cref="DirectCnn"/> (im2col + OpenBLAS + loops).
/// </summary>
sealed class CnnTrainingCase : BenchmarkCase
{
    const int Batch = 64, Classes = 10;
    public override string Name => "cnn-28x28-b64";

    // forward: conv1 2·8·9·784, conv2 2·16·72·196, linear 2·784·10 per image; backward: ∂W of all three,
    // ∂x of conv2 and the linear layer (conv1's input needs no gradient)
    protected override double Flops => Batch * (2.0 * 8 * 9 * 784 * 2 + 2.0 * 16 * 72 * 196 * 3 + 2.0 * 784 * 10 * 3);

    protected override (Action ours, Action reference) Setup()
    {
        var rng = new Rng(5);
        var conv1 = new Conv2d(1, 8, 3, rng, padding: 1);
        var conv2 = new Conv2d(8, 16, 3, rng, padding: 1);
        var fc = new Linear(16 * 7 * 7, Classes, rng);
        var model = new Sequential(
            conv1, new ReLU(), new MaxPool2d(2),   // [64, 8, 14, 14]
            conv2, new ReLU(), new MaxPool2d(2),   // [64, 16, 7, 7]
            new Flatten(), fc);                    // [64, 10]
        var opt = new Adam(model.Parameters(), learningRate: 1e-3);
        var x = rng.Uniform([Batch, 1, 28, 28]);
        var labels = Enumerable.Range(0, Batch).Select(_ => rng.NextInt(Classes)).ToArray();

        var direct = new DirectCnn(Batch, [conv1.Weight, conv1.Bias!, conv2.Weight, conv2.Bias!, fc.Weight, fc.Bias!]);
        var xs = x.ToFloatArray();
        Tensor Loss() => Losses.CrossEntropy(model.Forward(x), labels);
        // the first step's loss, from the same initial weights on both sides
        double first = Loss().Item(), firstDirect = direct.Step(xs, labels);
        SameWork = FormattableString.Invariant($"first loss ours {first:G6}, reference {firstDirect:G6}");
        void Ours()
        {
            opt.ZeroGrad();
            Loss().Backward();
            opt.Step();
        }
        return (Ours, () => direct.Step(xs, labels));
    }
}

/// <summary>
/// The reference CNN step written directly: im2col per image, OpenBLAS for the products, plain loops for bias,
/// ReLU, max-pooling (with the argmax kept for the backward), col2im, cross-entropy and Adam. No allocation per step.
/// </summary>
sealed class DirectCnn
{
    readonly int batch;
    // parameters, gradients and Adam moments, in the order w1, b1, w2, b2, wf, bf
    readonly float[][] p, g, m, v;
    readonly float[] cols1, a1, p1, cols2, a2, p2, z, dz, dp2, da2, dcols2, dp1, da1;
    readonly int[] arg1, arg2;
    int t;
    const float Lr = 1e-3f, Beta1 = 0.9f, Beta2 = 0.999f, Eps = 1e-8f;

    /// <summary>Copies the initial parameters: conv1 weight [8, 1, 3, 3] and bias, conv2 [16, 8, 3, 3] and bias, linear [10, 784] and bias.</summary>
    public DirectCnn(int batch, Tensor[] parameters)
    {
        this.batch = batch;
        p = parameters.Select(t => t.ToFloatArray()).ToArray();
        g = p.Select(a => new float[a.Length]).ToArray();
        m = p.Select(a => new float[a.Length]).ToArray();
        v = p.Select(a => new float[a.Length]).ToArray();
        cols1 = new float[batch * 9 * 784]; a1 = new float[batch * 8 * 784]; p1 = new float[batch * 8 * 196]; arg1 = new int[batch * 8 * 196];
        cols2 = new float[batch * 72 * 196]; a2 = new float[batch * 16 * 196]; p2 = new float[batch * 16 * 49]; arg2 = new int[batch * 16 * 49];
        z = new float[batch * 10]; dz = new float[batch * 10]; dp2 = new float[batch * 784];
        da2 = new float[16 * 196]; dcols2 = new float[72 * 196]; dp1 = new float[8 * 196]; da1 = new float[8 * 784];
    }

    /// <summary>One step; returns the loss before the update.</summary>
    public float Step(float[] x, int[] labels)
    {
        for (int n = 0; n < batch; n++)
        {
            var c1 = cols1.AsSpan(n * 9 * 784, 9 * 784);
            Im2Col3x3(x.AsSpan(n * 784, 784), 1, 28, c1);
            ConvForward(p[0], p[1], c1, a1.AsSpan(n * 8 * 784, 8 * 784), 8, 9, 784);
            MaxPool2(a1.AsSpan(n * 8 * 784, 8 * 784), 8, 28, p1.AsSpan(n * 8 * 196, 8 * 196), arg1.AsSpan(n * 8 * 196, 8 * 196));
            var c2 = cols2.AsSpan(n * 72 * 196, 72 * 196);
            Im2Col3x3(p1.AsSpan(n * 8 * 196, 8 * 196), 8, 14, c2);
            ConvForward(p[2], p[3], c2, a2.AsSpan(n * 16 * 196, 16 * 196), 16, 72, 196);
            MaxPool2(a2.AsSpan(n * 16 * 196, 16 * 196), 16, 14, p2.AsSpan(n * 16 * 49, 16 * 49), arg2.AsSpan(n * 16 * 49, 16 * 49));
        }
        // linear layer and cross-entropy: z = p2·Wfᵀ + bf, ∂z = (softmax(z) − onehot) / B
        OpenBlas.Sgemm(p2, p[4], z, batch, 10, 784, transB: true);
        float loss = 0;
        for (int i = 0; i < batch; i++)
        {
            var row = z.AsSpan(i * 10, 10);
            float max = float.NegativeInfinity, sum = 0;
            for (int j = 0; j < 10; j++) { row[j] += p[5][j]; max = Math.Max(max, row[j]); }
            for (int j = 0; j < 10; j++) sum += MathF.Exp(row[j] - max);
            loss -= (row[labels[i]] - max - MathF.Log(sum)) / batch;
            for (int j = 0; j < 10; j++) dz[i * 10 + j] = (MathF.Exp(row[j] - max) / sum - (j == labels[i] ? 1 : 0)) / batch;
        }
        OpenBlas.Sgemm(dz, p2, g[4], 10, 784, batch, transA: true);        // ∂Wf = ∂zᵀ·p2
        Array.Clear(g[5]);
        for (int i = 0; i < batch; i++) for (int j = 0; j < 10; j++) g[5][j] += dz[i * 10 + j];
        OpenBlas.Sgemm(dz, p[4], dp2, batch, 784, 10);                    // ∂p2 = ∂z·Wf
        Array.Clear(g[0]); Array.Clear(g[1]); Array.Clear(g[2]); Array.Clear(g[3]);
        for (int n = 0; n < batch; n++)
        {
            // max-pool backward routes to the argmax, then the ReLU mask
            Unpool(dp2.AsSpan(n * 784, 784), arg2.AsSpan(n * 784, 784), a2.AsSpan(n * 16 * 196, 16 * 196), da2);
            ConvBackwardWeights(da2, cols2.AsSpan(n * 72 * 196, 72 * 196), g[2], g[3], 16, 72, 196);
            OpenBlas.Sgemm(p[2], da2, dcols2, 72, 196, 16, transA: true);   // ∂cols = W2ᵀ·∂y
            Col2Im3x3(dcols2, 8, 14, dp1);
            Unpool(dp1, arg1.AsSpan(n * 8 * 196, 8 * 196), a1.AsSpan(n * 8 * 784, 8 * 784), da1);
            ConvBackwardWeights(da1, cols1.AsSpan(n * 9 * 784, 9 * 784), g[0], g[1], 8, 9, 784);
        }
        t++;
        float bias1 = 1 - MathF.Pow(Beta1, t), bias2 = 1 - MathF.Pow(Beta2, t);
        for (int i = 0; i < p.Length; i++)
            for (int j = 0; j < p[i].Length; j++)
            {
                m[i][j] = Beta1 * m[i][j] + (1 - Beta1) * g[i][j];
                v[i][j] = Beta2 * v[i][j] + (1 - Beta2) * g[i][j] * g[i][j];
                p[i][j] -= Lr * (m[i][j] / bias1) / (MathF.Sqrt(v[i][j] / bias2) + Eps);
            }
        return loss;
    }

    // cols[(c·9 + ky·3 + kx), (i·S + j)] = x[c, i + ky − 1, j + kx − 1] (zero outside): 3×3, stride 1, pad 1, S×S maps
    static void Im2Col3x3(ReadOnlySpan<float> x, int channels, int s, Span<float> cols)
    {
        for (int c = 0; c < channels; c++)
            for (int ky = 0; ky < 3; ky++)
                for (int kx = 0; kx < 3; kx++)
                {
                    var row = cols.Slice(((c * 3 + ky) * 3 + kx) * s * s, s * s);
                    for (int i = 0; i < s; i++)
                        for (int j = 0; j < s; j++)
                        {
                            int y = i + ky - 1, xx = j + kx - 1;
                            row[i * s + j] = y >= 0 && y < s && xx >= 0 && xx < s ? x[(c * s + y) * s + xx] : 0;
                        }
                }
    }

    // the adjoint of Im2Col3x3: dx[c, i + ky − 1, j + kx − 1] += cols[…]
    static void Col2Im3x3(ReadOnlySpan<float> cols, int channels, int s, Span<float> dx)
    {
        dx.Clear();
        for (int c = 0; c < channels; c++)
            for (int ky = 0; ky < 3; ky++)
                for (int kx = 0; kx < 3; kx++)
                {
                    var row = cols.Slice(((c * 3 + ky) * 3 + kx) * s * s, s * s);
                    for (int i = 0; i < s; i++)
                        for (int j = 0; j < s; j++)
                        {
                            int y = i + ky - 1, xx = j + kx - 1;
                            if (y >= 0 && y < s && xx >= 0 && xx < s) dx[(c * s + y) * s + xx] += row[i * s + j];
                        }
                }
    }

    // a = relu(W·cols + b): W [cout, rows], cols [rows, cells], a [cout, cells]
    static void ConvForward(float[] w, float[] b, ReadOnlySpan<float> cols, Span<float> a, int cout, int rows, int cells)
    {
        OpenBlas.Sgemm(w, cols, a, cout, cells, rows);
        for (int o = 0; o < cout; o++)
            for (int l = 0; l < cells; l++) a[o * cells + l] = Math.Max(0, a[o * cells + l] + b[o]);
    }

    // ∂W += ∂y·colsᵀ, ∂b += Σ_cells ∂y
    static void ConvBackwardWeights(ReadOnlySpan<float> dy, ReadOnlySpan<float> cols, float[] gw, float[] gb, int cout, int rows, int cells)
    {
        OpenBlas.Sgemm(dy, cols, gw, cout, rows, cells, transB: true, beta: 1);
        for (int o = 0; o < cout; o++)
            for (int l = 0; l < cells; l++) gb[o] += dy[o * cells + l];
    }

    // 2×2 max-pooling of [C, S, S]; arg holds the flat index in the C·S·S map of each window's (first) maximum
    static void MaxPool2(ReadOnlySpan<float> a, int channels, int s, Span<float> y, Span<int> arg)
    {
        int h = s / 2;
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < h; i++)
                for (int j = 0; j < h; j++)
                {
                    int best = (c * s + 2 * i) * s + 2 * j;
                    for (int dy = 0; dy < 2; dy++)
                        for (int dx = 0; dx < 2; dx++)
                        {
                            int at = (c * s + 2 * i + dy) * s + 2 * j + dx;
                            if (a[at] > a[best]) best = at;
                        }
                    y[(c * h + i) * h + j] = a[best];
                    arg[(c * h + i) * h + j] = best;
                }
    }

    // ∂a = the pooled gradient placed at the argmax, times the ReLU mask (a > 0)
    static void Unpool(ReadOnlySpan<float> dy, ReadOnlySpan<int> arg, ReadOnlySpan<float> a, Span<float> da)
    {
        da.Clear();
        for (int i = 0; i < dy.Length; i++)
            if (a[arg[i]] > 0) da[arg[i]] += dy[i];
    }
}
