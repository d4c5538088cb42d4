using MachinePerception.Autodiff;
using MachinePerception.Data;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Gans;

/// <summary>
/// An MLP discriminator whose forward pass can run with parameters other than its own (a "functional" module): the unrolled
/// GAN evaluates D with parameters θ_D^k that are themselves computed from G's output. x [B, 2] → logits [B]; two hidden
/// ReLU layers.
/// </summary>
public sealed class FunctionalMlp : Layer
{
    public FunctionalMlp(int inputs, int hidden, Rng rng, DType dtype = DType.Float32)
    {
        RegisterModule("fc0", new Linear(inputs, hidden, rng, dtype: dtype));
        RegisterModule("fc1", new Linear(hidden, hidden, rng, dtype: dtype));
        RegisterModule("fc2", new Linear(hidden, 1, rng, dtype: dtype));
    }

    /// <summary>D(x) with its own parameters.</summary>
    public override Tensor Forward(Tensor x) => Forward(x, Parameters());

    /// <summary>D(x; θ) with θ = [W₀, b₀, W₁, b₁, W₂, b₂] in the order of <see cref="Module.Parameters"/>.</summary>
    public static Tensor Forward(Tensor x, IReadOnlyList<Tensor> p)
    {
        if (p.Count != 6) throw new ArgumentException($"FunctionalMlp.Forward: expected 6 parameter tensors, got {p.Count}");
        var h = Op.Relu(Op.MatMul(x, p[0], transB: true) + p[1]);
        h = Op.Relu(Op.MatMul(h, p[2], transB: true) + p[3]);
        return Op.Reshape(Op.MatMul(h, p[4], transB: true) + p[5], x.Shape[0]);
    }
}

/// <summary>
/// The unrolled GAN (§5; Metz, Poole, Pfau and Sohl-Dickstein 2017), the summary's answer to mode collapse. The generator is
/// trained against the discriminator as it will be after k more of its own updates,
/// <code>θ_D⁰ = θ_D,   θ_D^{i+1} = θ_D^i − η ∇_θ L_D(θ_D^i, G(z)),   L_G = −E log D(G(z); θ_D^k),</code>
/// and — this is what makes it unrolled — the gradient of L_G with respect to θ_G flows through θ_D^k's dependence on the
/// fakes G(z), i.e. through all k updates (each built with createGraph, so their own gradients are differentiable). G then
/// sees how D would react: moving all its mass to one mode is punished by the D that has already learnt to reject that
/// mode. With k = 0 this is a plain GAN. <see cref="Connected"/> = false detaches the fakes inside the unrolled updates: the
/// "look-ahead copy" of D many implementations use, which is not unrolling (the test checks the difference). D itself is
/// updated by its own optimizer as usual; the unrolled parameters are thrown away after G's step.
/// The look-ahead uses plain gradient steps of size η (the paper's form with D's own Adam state differs only in the step).
/// </summary>
public sealed class UnrolledGan : Module
{
    public Sequential Generator { get; }
    public FunctionalMlp Discriminator { get; }
    public int LatentSize { get; }
    public int UnrollSteps { get; }
    public double UnrollLearningRate { get; }
    public bool Connected { get; set; } = true;

    public UnrolledGan(int latentSize, int hidden, int unrollSteps, double unrollLearningRate, Rng rng, DType dtype = DType.Float32)
    {
        if (unrollSteps < 0) throw new ArgumentException($"UnrolledGan: unroll steps {unrollSteps} must be ≥ 0");
        LatentSize = latentSize;
        UnrollSteps = unrollSteps;
        UnrollLearningRate = unrollLearningRate;
        Generator = RegisterModule("generator", new Sequential(new Linear(latentSize, hidden, rng, dtype: dtype), new ReLU(),
            new Linear(hidden, hidden, rng, dtype: dtype), new ReLU(), new Linear(hidden, 2, rng, dtype: dtype)));
        Discriminator = RegisterModule("discriminator", new FunctionalMlp(2, hidden, rng, dtype));
    }

    /// <summary>−V(G, D; θ) on a batch of real points and fakes [B, 2].</summary>
    public static Tensor DiscriminatorLoss(Tensor real, Tensor fake, IReadOnlyList<Tensor> theta) =>
        GanLosses.Discriminator(FunctionalMlp.Forward(real, theta), FunctionalMlp.Forward(fake, theta));

    /// <summary>
    /// θ_D^k after k gradient steps on L_D from the current θ_D, one real batch per step; the result depends on
    /// <paramref name="fake"/> through the steps when <see cref="Connected"/>.
    /// </summary>
    public Tensor[] Unroll(Tensor fake, IReadOnlyList<Tensor> realBatches)
    {
        if (realBatches.Count < UnrollSteps)
            throw new ArgumentException($"UnrolledGan.Unroll: needs {UnrollSteps} real batches, got {realBatches.Count}");
        Tensor[] theta = Discriminator.Parameters();
        var fakeSeen = Connected ? fake : fake.Detach();
        for (int i = 0; i < UnrollSteps; i++)
        {
            var grads = Autograd.Grad([DiscriminatorLoss(realBatches[i], fakeSeen, theta)], theta, createGraph: Connected);
            theta = theta.Select((t, j) => t - grads[j]! * UnrollLearningRate).ToArray();
        }
        return theta;
    }

    /// <summary>The generator's (non-saturating) loss against the unrolled discriminator: −mean log D(G(z); θ_D^k).</summary>
    public Tensor GeneratorLoss(Tensor z, IReadOnlyList<Tensor> realBatches)
    {
        var fake = Generator.Forward(z);
        return GanLosses.GeneratorNonSaturating(FunctionalMlp.Forward(fake, Unroll(fake, realBatches)));
    }

    /// <summary>n samples G(z), z ~ N(0, I) from <paramref name="rng"/>, without gradients.</summary>
    public Tensor Sample(int n, Rng rng)
    {
        using var _ = Autograd.NoGrad();
        return Generator.Forward(rng.Normal([n, LatentSize], dtype: Parameters()[0].DType));
    }
}

/// <summary>
/// The training loop of one <see cref="UnrolledGan"/> on the ring of 8 Gaussians (<see cref="Toy.RingOfGaussians"/>): per
/// step one discriminator update (Adam) on a real and a fake batch, then one generator update (Adam) through the unrolled
/// discriminator. Real points are drawn fresh from the ring each time from the trainer's own seeded generator.
/// Learning rates decay with a cosine to 10 % over the run, which sharpens the modes at the end.
/// </summary>
public sealed class UnrolledGanTrainer
{
    readonly UnrolledGan gan;
    readonly Adam generatorOptimizer, discriminatorOptimizer;
    readonly Rng rng;
    readonly int batchSize;
    readonly CosineDecay generatorSchedule, discriminatorSchedule;
    int step;

    public UnrolledGanTrainer(UnrolledGan gan, int batchSize, double generatorRate, double discriminatorRate, int totalSteps, Rng rng)
    {
        this.gan = gan;
        this.batchSize = batchSize;
        this.rng = rng;
        generatorSchedule = new CosineDecay(generatorRate, totalSteps, 0.1 * generatorRate);
        discriminatorSchedule = new CosineDecay(discriminatorRate, totalSteps, 0.1 * discriminatorRate);
        generatorOptimizer = new Adam(gan.Generator.Parameters(), generatorRate, beta1: 0.5);
        discriminatorOptimizer = new Adam(gan.Discriminator.Parameters(), discriminatorRate, beta1: 0.5);
    }

    Tensor Real() => Toy.RingOfGaussians(batchSize, rng, dtype: gan.Parameters()[0].DType).Points;

    /// <summary>One D update and one G update; returns the discriminator's loss −V before its update.</summary>
    public double Step()
    {
        generatorSchedule.Apply(generatorOptimizer, step);
        discriminatorSchedule.Apply(discriminatorOptimizer, step);
        step++;

        var theta = gan.Discriminator.Parameters();
        Tensor fake;
        using (Autograd.NoGrad()) fake = gan.Generator.Forward(rng.Normal([batchSize, gan.LatentSize], dtype: theta[0].DType));
        var dLoss = UnrolledGan.DiscriminatorLoss(Real(), fake, theta);
        var dGrads = Autograd.Grad([dLoss], theta);
        for (int i = 0; i < theta.Length; i++) theta[i].Grad = dGrads[i];
        discriminatorOptimizer.Step();

        var z = rng.Normal([batchSize, gan.LatentSize], dtype: theta[0].DType);
        var reals = Enumerable.Range(0, gan.UnrollSteps).Select(_ => Real()).ToArray();
        var gParams = gan.Generator.Parameters();
        var gGrads = Autograd.Grad([gan.GeneratorLoss(z, reals)], gParams);
        for (int i = 0; i < gParams.Length; i++) gParams[i].Grad = gGrads[i];
        generatorOptimizer.Step();
        return dLoss.Item();
    }
}
