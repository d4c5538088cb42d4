using MachinePerception.Checkpoints;
using MachinePerception.Autodiff;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Implicit;

/// <summary>
/// An MLP signed distance field f_θ: R³ → R for learning from point clouds (§8.1.2) and from images (§8.1.3): softplus
/// activations with a sharpness β (softplus_β(x) = log(1 + e^{βx})/β, a smooth ReLU, so that ∇f and the eikonal
/// term's gradient of ∇f exist) and the <b>geometric initialisation</b> of Atzmon and Lipman (2020): hidden weights
/// N(0, 2/width), zero biases, last layer weights N(√π/√width, (10⁻⁶)²) with bias −r, which makes f ≈ ‖x‖ − r at the start (up to
/// fluctuations of order 1/√width: an rms 0.14 at width 128), the SDF of a sphere, instead of a random field whose zero set is anywhere.
/// </summary>
public sealed class SdfNetwork : Module
{
    readonly Linear[] layers;
    public double Beta { get; }

    public SdfNetwork(int width, int depth, double radius, Rng rng, double beta = 100, DType dtype = DType.Float32)
    {
        if (width < 2 || depth < 1 || !(radius > 0) || !(beta > 0)) throw new ArgumentException($"SdfNetwork: needs width ≥ 2, depth ≥ 1, radius > 0, β > 0; got {width}, {depth}, {radius}, {beta}");
        Beta = beta;
        layers = new Linear[depth + 1];
        for (int l = 0; l <= depth; l++)
        {
            int fanIn = l == 0 ? 3 : width, fanOut = l == depth ? 1 : width;
            layers[l] = RegisterModule(l.ToString(System.Globalization.CultureInfo.InvariantCulture), new Linear(fanIn, fanOut, rng, dtype: dtype));
            var w = l == depth
                ? rng.Normal([fanOut, fanIn], Math.Sqrt(Math.PI) / Math.Sqrt(fanIn), 1e-6, dtype)
                : rng.Normal([fanOut, fanIn], 0, Math.Sqrt(2.0) / Math.Sqrt(fanOut), dtype);
            Overwrite(layers[l].Weight, w);
            Overwrite(layers[l].Bias!, Tensor.Full([fanOut], l == depth ? -radius : 0, dtype));
        }
    }

    static void Overwrite(Tensor parameter, Tensor value)
    {
        using var _ = Autograd.NoGrad();
        Backends.Backend.Get(parameter.Device).Copy(value, parameter);
    }

    /// <summary>Points [N, 3] → f(x) [N].</summary>
    public Tensor Forward(Tensor points)
    {
        var h = points;
        for (int l = 0; l < layers.Length - 1; l++) h = Op.Softplus(layers[l].Forward(h) * Beta) / Beta;
        return Op.Reshape(layers[^1].Forward(h), points.Shape[0]);
    }

    /// <summary>∇_x f [N, 3] with the graph kept (createGraph), so a loss on it can be differentiated again.</summary>
    public (Tensor Value, Tensor Gradient) ValueAndGradient(Tensor points)
    {
        var x = points.Detach().RequireGrad();
        var f = Forward(x);
        var g = Autograd.Grad([Op.Sum(f)], [x], createGraph: true)[0]!;
        return (f, g);
    }
}

/// <summary>
/// Learning an SDF from a point cloud alone (§8.1.2, Gropp et al. 2020 "IGR"): only surface samples x_i are known, so
/// L(θ) = mean_i |f_θ(x_i)|² + λ E_y (‖∇f_θ(y)‖ − 1)²: the first term puts the zero set through the points, the eikonal
/// term makes f a distance (‖∇f‖ = 1) at points y spread through space (uniform and near the cloud). ∇f enters the
/// loss, so its gradient needs gradients of gradients (the engine's createGraph).
/// </summary>
public sealed class EikonalTrainer : ITrainer
{
    readonly SdfNetwork model;
    readonly Adam adam;
    readonly Rng rng;
    readonly double[] cloud;
    readonly int batch;
    readonly double lambda;

    public EikonalTrainer(SdfNetwork model, double[] cloud, int batch, double lambda, double learningRate, ulong seed)
    {
        if (cloud.Length < 3 || cloud.Length % 3 != 0) throw new ArgumentException($"EikonalTrainer: the cloud must be [n·3] with n ≥ 1, got {cloud.Length} numbers");
        (this.model, this.cloud, this.batch, this.lambda) = (model, cloud, batch, lambda);
        adam = new Adam(model.Parameters(), learningRate);
        rng = new Rng(seed);
    }

    /// <summary>The loss of the summary for surface points [B, 3] and eikonal points [M, 3].</summary>
    public static (Tensor Loss, Tensor Surface, Tensor Eikonal) Loss(SdfNetwork model, Tensor surface, Tensor free, double lambda)
    {
        var onSurface = Op.Mean(Op.Square(model.Forward(surface)));
        var (_, g) = model.ValueAndGradient(free);
        var norm = Op.Sqrt(Op.Sum(Op.Square(g), 1) + 1e-12);
        var eikonal = Op.Mean(Op.Square(norm - 1));
        return (onSurface + lambda * eikonal, onSurface, eikonal);
    }

    /// <summary>One Adam step on a batch of cloud points and as many eikonal points (half uniform in [−1, 1]³, half near the cloud).</summary>
    public double Step()
    {
        var s = new double[batch * 3];
        var y = new double[batch * 3];
        for (int k = 0; k < batch; k++)
        {
            int i = rng.NextInt(cloud.Length / 3);
            for (int a = 0; a < 3; a++)
            {
                s[3 * k + a] = cloud[3 * i + a];
                y[3 * k + a] = k % 2 == 0 ? 2 * rng.NextDouble() - 1 : cloud[3 * i + a] + 0.1 * rng.NextNormal();
            }
        }
        adam.ZeroGrad();
        var (loss, _, _) = Loss(model, Tensor.FromArray(s, batch, 3).To(DType.Float32), Tensor.FromArray(y, batch, 3).To(DType.Float32), lambda);
        loss.Backward();
        adam.Step();
        return loss.Item();
    }
}
