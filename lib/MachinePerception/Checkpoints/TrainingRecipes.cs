namespace MachinePerception.Checkpoints;

/// <summary>The recipes of the library: every public <see cref="TrainingRecipe"/> subclass with a parameterless constructor, by name.</summary>
public static class TrainingRecipes
{
    static readonly Lazy<IReadOnlyList<TrainingRecipe>> all = new(() => typeof(TrainingRecipe).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(TrainingRecipe)) && t is { IsAbstract: false, IsPublic: true } && t.GetConstructor(Type.EmptyTypes) is not null)
        .Select(t => (TrainingRecipe)Activator.CreateInstance(t)!)
        .OrderBy(r => r.Name, StringComparer.Ordinal)
        .ToList());

    /// <summary>Every recipe, ordered by name.</summary>
    public static IReadOnlyList<TrainingRecipe> All => all.Value;

    /// <summary>The recipe called <paramref name="name"/>, or an error that lists the known names.</summary>
    public static TrainingRecipe Find(string name) =>
        All.FirstOrDefault(r => r.Name == name) ?? throw new ArgumentException(
            $"TrainingRecipes.Find: no model '{name}'; known: {(All.Count == 0 ? "(none)" : string.Join(", ", All.Select(r => r.Name)))}");
}
