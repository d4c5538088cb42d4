using System.Text.Json.Nodes;
using MachinePerception.Nn;

namespace MachinePerception.Checkpoints;

/// <summary>
/// A model that the book trains with <c>book train &lt;Name&gt;</c> and ships as a checkpoint in
/// <c>data/checkpoints/</c>, because training it takes longer than a chapter may run. A recipe holds everything that
/// decides the result (architecture, hyper-parameters, data, seed), so that anyone can retrain the shipped weights
/// and compare (<see cref="Checkpoint.Verify"/>). One subclass per model, next to the model in its chapter's folder;
/// <see cref="TrainingRecipes"/> finds them by reflection (public, parameterless constructor).
/// </summary>
public abstract class TrainingRecipe
{
    /// <summary>The name on the command line and of the file (<c>data/checkpoints/&lt;Name&gt;.mpck</c>): lower-case letters, digits, '-'.</summary>
    public abstract string Name { get; }

    /// <summary>The chapter that uses the model, e.g. "03".</summary>
    public abstract string Chapter { get; }

    /// <summary>One line: what the model is and what it is trained on.</summary>
    public abstract string Description { get; }

    /// <summary>The number of optimisation steps of the shipped checkpoint.</summary>
    public abstract int DefaultSteps { get; }

    /// <summary>The loss log records the mean training loss of every block of this many steps.</summary>
    public virtual int LogEvery => 50;

    /// <summary>Steps that the test suite retrains to compare with the shipped log (keep it ≤ 20 s; a multiple of <see cref="LogEvery"/>).</summary>
    public virtual int VerifySteps => LogEvery;

    /// <summary>The seed of initialisation and data order.</summary>
    public virtual ulong Seed => 1;

    /// <summary>Architecture and hyper-parameters: everything that changes the result. A checkpoint loads only into an equal configuration.</summary>
    public abstract JsonObject Configuration { get; }

    /// <summary>
    /// The files the training reads (relative to the repository root, or absolute for system datasets); their SHA-256
    /// are recorded in the checkpoint and must match when it is loaded.
    /// </summary>
    public abstract IReadOnlyList<string> DataFiles { get; }

    /// <summary>A freshly initialised model, from <see cref="Seed"/>.</summary>
    public abstract Module CreateModel();

    /// <summary>The training loop's state (optimizer, seeded data order, schedule over <paramref name="totalSteps"/>) for one model.</summary>
    public abstract ITrainer CreateTrainer(Module model, int totalSteps);

    /// <summary>The metrics the chapter reports (e.g. test NLL in nats), computed from the weights; deterministic.</summary>
    public abstract IReadOnlyDictionary<string, double> Evaluate(Module model);

    public override string ToString() => $"{Name} (chapter {Chapter}): {Description}";
}

/// <summary>One optimisation step at a time: <see cref="Step"/> updates the model and returns that step's training loss.</summary>
public interface ITrainer
{
    double Step();
}
