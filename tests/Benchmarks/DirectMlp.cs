namespace MachinePerception.Benchmarks;

/// <summary>
/// The reference training step of a ReLU MLP written directly: OpenBLAS for the three products per layer
/// (forward z = a·Wᵀ, backward ∂W = ∂zᵀ·a and ∂a = ∂z·W) and plain loops for bias, ReLU, loss and Adam.
/// No graph, no allocation per step: what a hand-written C program would do.
/// </summary>
sealed class DirectMlp
{
    readonly int[] sizes;
    readonly int batch;
    readonly float[][] w, b, gw, gb, mw, vw, mb, vb;
    readonly float[][] act;   // act[0] = x, act[l+1] = layer l's output, [batch, sizes[l+1]]
    readonly float[] dz, da;  // gradient of the current layer's output and of its input
    int t;
    const float Lr = 1e-3f, Beta1 = 0.9f, Beta2 = 0.999f, Eps = 1e-8f;

    /// <summary>Copies the initial weights (W [out, in] and b [out] per layer, as Nn.Linear stores them).</summary>
    public DirectMlp(int[] sizes, int batch, IReadOnlyList<(float[] w, float[] b)> init)
    {
        this.sizes = sizes;
        this.batch = batch;
        int layers = sizes.Length - 1;
        w = init.Select(p => (float[])p.w.Clone()).ToArray();
        b = init.Select(p => (float[])p.b.Clone()).ToArray();
        gw = w.Select(x => new float[x.Length]).ToArray(); mw = w.Select(x => new float[x.Length]).ToArray(); vw = w.Select(x => new float[x.Length]).ToArray();
        gb = b.Select(x => new float[x.Length]).ToArray(); mb = b.Select(x => new float[x.Length]).ToArray(); vb = b.Select(x => new float[x.Length]).ToArray();
        act = sizes.Select(s => new float[batch * s]).ToArray();
        dz = new float[batch * sizes.Max()];
        da = new float[batch * sizes.Max()];
        _ = layers;
    }

    /// <summary>One step of Adam on the mean cross-entropy (labels given) or mean squared error (targets given).</summary>
    public float Step(float[] x, int[]? labels, float[]? targets)
    {
        int L = sizes.Length - 1;
        x.CopyTo(act[0], 0);
        for (int l = 0; l < L; l++)
        {
            int nIn = sizes[l], nOut = sizes[l + 1];
            var z = act[l + 1];
            OpenBlas.Sgemm(act[l], w[l], z, batch, nOut, nIn, transB: true);
            for (int i = 0; i < batch; i++)
                for (int j = 0; j < nOut; j++)
                {
                    float v = z[i * nOut + j] + b[l][j];
                    z[i * nOut + j] = l < L - 1 && v < 0 ? 0 : v;
                }
        }
        float loss = 0;
        int classes = sizes[L];
        var y = act[L];
        if (labels is not null)
        {
            for (int i = 0; i < batch; i++)
            {
                var row = y.AsSpan(i * classes, classes);
                float max = float.NegativeInfinity;
                foreach (var v in row) max = Math.Max(max, v);
                float sum = 0;
                for (int j = 0; j < classes; j++) sum += MathF.Exp(row[j] - max);
                loss -= row[labels[i]] - max - MathF.Log(sum);
                for (int j = 0; j < classes; j++)
                    dz[i * classes + j] = (MathF.Exp(row[j] - max) / sum - (j == labels[i] ? 1 : 0)) / batch;
            }
            loss /= batch;
        }
        else
        {
            for (int i = 0; i < batch * classes; i++)
            {
                float d = y[i] - targets![i];
                loss += d * d;
                dz[i] = 2 * d / (batch * classes);
            }
            loss /= batch * classes;
        }
        for (int l = L - 1; l >= 0; l--)
        {
            int nIn = sizes[l], nOut = sizes[l + 1];
            OpenBlas.Sgemm(dz, act[l], gw[l], nOut, nIn, batch, transA: true);   // ∂W = ∂zᵀ·a
            Array.Clear(gb[l]);
            for (int i = 0; i < batch; i++)
                for (int j = 0; j < nOut; j++) gb[l][j] += dz[i * nOut + j];
            if (l == 0) break;
            OpenBlas.Sgemm(dz, w[l], da, batch, nIn, nOut);                       // ∂a = ∂z·W
            for (int i = 0; i < batch * nIn; i++) dz[i] = act[l][i] > 0 ? da[i] : 0; // through the ReLU
        }
        t++;
        float c1 = 1 - MathF.Pow(Beta1, t), c2 = 1 - MathF.Pow(Beta2, t);
        for (int l = 0; l < L; l++)
        {
            Adam(w[l], gw[l], mw[l], vw[l], c1, c2);
            Adam(b[l], gb[l], mb[l], vb[l], c1, c2);
        }
        return loss;
    }

    static void Adam(float[] p, float[] g, float[] m, float[] v, float c1, float c2)
    {
        for (int i = 0; i < p.Length; i++)
        {
            m[i] = Beta1 * m[i] + (1 - Beta1) * g[i];
            v[i] = Beta2 * v[i] + (1 - Beta2) * g[i] * g[i];
            p[i] -= Lr * (m[i] / c1) / (MathF.Sqrt(v[i] / c2) + Eps);
        }
    }
}
