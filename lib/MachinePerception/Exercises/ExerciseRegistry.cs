using System.Reflection;

namespace MachinePerception.Exercises;

/// <summary>One registered exercise type.</summary>
public sealed record ExerciseEntry(int Chapter, string Id, string Title, Type Type)
{
    /// <summary>The instance for a seed.</summary>
    public Exercise Create(int seed) => (Exercise)Activator.CreateInstance(Type, seed)!;
}

/// <summary>
/// Every exercise of the book: the classes deriving from <see cref="Exercise"/> that carry an
/// <see cref="ExerciseAttribute"/>, ordered by chapter then id. The quiz draws from here.
/// </summary>
public static class ExerciseRegistry
{
    public static IReadOnlyList<ExerciseEntry> All { get; } = Discover();

    static List<ExerciseEntry> Discover()
    {
        var all = typeof(Exercise).Assembly.GetTypes()
            .Where(t => typeof(Exercise).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => (t, a: t.GetCustomAttribute<ExerciseAttribute>()))
            .Where(x => x.a is not null)
            .Select(x => new ExerciseEntry(x.a!.Chapter, x.a.Id, x.a.Title, x.t))
            .OrderBy(e => e.Chapter).ThenBy(e => e.Id, StringComparer.Ordinal)
            .ToList();
        // the quiz and Create look exercises up by id, so two chapters must not share one
        foreach (var clash in all.GroupBy(e => e.Id).Where(g => g.Count() > 1))
            throw new InvalidOperationException($"ExerciseRegistry: the id '{clash.Key}' is used by " +
                $"{string.Join(" and ", clash.Select(e => $"{e.Type.FullName} (chapter {e.Chapter})"))}; ids must be unique");
        return all;
    }

    /// <summary>The exercises of the given chapters (all when none are given).</summary>
    public static IReadOnlyList<ExerciseEntry> ForChapters(IReadOnlyCollection<int>? chapters) =>
        chapters is null || chapters.Count == 0 ? All : All.Where(e => chapters.Contains(e.Chapter)).ToList();

    /// <summary>The exercise with this id for a seed, e.g. <c>ExerciseRegistry.Create("adam-step", 7)</c>.</summary>
    public static Exercise Create(string id, int seed) =>
        (All.FirstOrDefault(e => e.Id == id)
         ?? throw new ArgumentException($"ExerciseRegistry.Create: no exercise with id '{id}'; known: {string.Join(", ", All.Select(e => e.Id))}"))
        .Create(seed);
}
