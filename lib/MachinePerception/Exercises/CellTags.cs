namespace MachinePerception.Exercises;

/// <summary>
/// The notebook cell tags (cell <c>metadata.tags</c>) that the book tool collects. See README.md in this folder.
/// </summary>
public static class CellTags
{
    /// <summary>A code cell that poses an exercise (its value is the exercise object).</summary>
    public const string Exercise = "exercise";

    /// <summary>A markdown cell holding a revision card: first line the title, the rest statement and formula;
    /// the next code cell is the numeric check whose PASS line verifies it.</summary>
    public const string Card = "card";

    /// <summary>A code cell that calls <see cref="Errata.Show(string, string, string, string, double, double, double, double)"/>.</summary>
    public const string Errata = "errata";
}
