using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MachinePerception.Checks;

namespace MachinePerception.Exercises;

/// <summary>
/// One slip of the course summary, shown numerically: the written form fails to match the truth and the
/// corrected form matches it. <see cref="Verified"/> is true when both checks printed PASS.
/// </summary>
public sealed record Erratum(string Id, string Where, string Written, string Corrected, IReadOnlyList<string> CheckLines, bool Verified)
    : IHtmlDisplayable
{
    public override string ToString() =>
        $"{Id} ({Where}): written {Written}; corrected {Corrected}; {(Verified ? "verified" : "NOT verified")}";

    public string ToHtml() =>
        $"<li><strong>{Prose.Escape(Where)}</strong> ({Prose.Escape(Id)}): the summary writes " +
        $"<code>{Prose.Escape(Written)}</code>; correct is <code>{Prose.Escape(Corrected)}</code>" +
        (Verified ? " — checked numerically." : " — <em>not verified</em>.") + "</li>";
}

/// <summary>The "Errata" box at the end of a chapter: every erratum shown in it.</summary>
public sealed record ErrataBox(IReadOnlyList<Erratum> Items) : IHtmlDisplayable
{
    public override string ToString() =>
        "Errata" + (Items.Count == 0 ? ": none found in this chapter." : Environment.NewLine + string.Join(Environment.NewLine, Items.Select(e => "  • " + e)));

    public string ToHtml() =>
        "<div style=\"border:2px solid #9a6700;border-radius:6px;padding:0.4em 1em\"><h4 style=\"margin:0.2em 0\">Errata</h4>" +
        (Items.Count == 0 ? "<p>None found in this chapter.</p>" : "<ul>" + string.Concat(Items.Select(e => e.ToHtml())) + "</ul>") + "</div>";
}

/// <summary>
/// Slips of the course summary, shown where a chapter finds one. <see cref="Show(string, string, string, string, Func{CheckResult}, Func{CheckResult})"/>
/// prints a clearly marked block and runs two checks that both PASS when the slip is real: "written form differs
/// from the truth" and "corrected form equals the truth" (a failing check throws, so a claimed slip that is not
/// one stops the chapter). <c>book errata</c> collects the printed blocks from all notebooks (see
/// <see cref="Parse"/>); tag the cell <c>errata</c> (<see cref="CellTags.Errata"/>).
/// </summary>
public static class Errata
{
    /// <summary>The first line of a printed block is <c>== ERRATUM id | where ==</c>.</summary>
    public const string BlockStart = "== ERRATUM ";

    /// <summary>The last line is <c>== END ERRATUM id ==</c>.</summary>
    public const string BlockEnd = "== END ERRATUM ";

    const string WrittenLabel = "   written:   ";
    const string CorrectedLabel = "   corrected: ";

    static readonly List<Erratum> shown = [];
    static readonly Lock gate = new();

    /// <summary>The errata shown so far in this process (one notebook), in order.</summary>
    public static IReadOnlyList<Erratum> Shown
    {
        get { lock (gate) return shown.ToList(); }
    }

    /// <summary>The box for the end of a chapter, listing <paramref name="items"/> (default: every erratum shown so far).</summary>
    public static ErrataBox Box(IEnumerable<Erratum>? items = null) => new((items ?? Shown).ToList());

    /// <summary>
    /// Shows an erratum with two checks written by the caller: <paramref name="writtenDiffers"/> must PASS when the
    /// written form disagrees with the truth, <paramref name="correctedHolds"/> when the corrected form agrees.
    /// </summary>
    public static Erratum Show(string id, string where, string written, string corrected,
                               Func<CheckResult> writtenDiffers, Func<CheckResult> correctedHolds)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Any(c => char.IsWhiteSpace(c) || c == '|'))
            throw new ArgumentException($"Errata.Show: id '{id}' must be one word without spaces or '|', e.g. adam-epsilon-inside-root");
        if (where.Contains('|') || where.Contains('\n'))
            throw new ArgumentException($"Errata.Show: where '{where}' must be one line without '|'");
        var output = Check.Out ?? Console.Out;
        output.WriteLine($"{BlockStart}{id} | {where} ==");
        // one line each, so that Parse can read the block back
        written = written.ReplaceLineEndings(" ");
        corrected = corrected.ReplaceLineEndings(" ");
        output.WriteLine(WrittenLabel + written);
        output.WriteLine(CorrectedLabel + corrected);
        var lines = new List<string>();
        bool verified = false;
        Erratum erratum;
        try
        {
            lines.Add(writtenDiffers().Line);
            lines.Add(correctedHolds().Line);
            verified = true;
        }
        finally
        {
            output.WriteLine($"{BlockEnd}{id} ==");
            erratum = new Erratum(id, where, written, corrected, lines, verified);
            lock (gate) shown.Add(erratum);
        }
        return erratum;
    }

    /// <summary>
    /// Shows an erratum about a number: the written form's value must differ from <paramref name="truth"/> by more
    /// than <paramref name="tolerance"/>, the corrected form's value must be within it.
    /// </summary>
    public static Erratum Show(string id, string where, string written, string corrected,
                               double truth, double writtenValue, double correctedValue, double tolerance) =>
        Show(id, where, written, corrected,
            () =>
            {
                double d = Math.Abs(writtenValue - truth);
                return Check.That("written form differs from the truth", d > tolerance,
                    string.Create(CultureInfo.InvariantCulture, $"{writtenValue:G10} vs {truth:G10}, |diff| = {d:G3} {(d > tolerance ? ">" : "≤")} {tolerance:G3}"));
            },
            () => Check.Close("corrected form equals the truth", correctedValue, truth, tolerance));

    /// <summary>The same for tensors: the written form is off somewhere by more than the tolerance, the corrected form nowhere.</summary>
    public static Erratum Show(string id, string where, string written, string corrected,
                               Tensor truth, Tensor writtenValue, Tensor correctedValue, double tolerance) =>
        Show(id, where, written, corrected,
            () =>
            {
                if (!writtenValue.Shape.Equals(truth.Shape))
                    return Check.That("written form differs from the truth", true, $"shapes differ: {writtenValue.Shape} vs {truth.Shape}");
                var w = writtenValue.ToDoubleArray();
                var t = truth.ToDoubleArray();
                double worst = 0;
                for (int i = 0; i < w.Length; i++) worst = Math.Max(worst, Math.Abs(w[i] - t[i]));
                return Check.That("written form differs from the truth", worst > tolerance,
                    string.Create(CultureInfo.InvariantCulture, $"shape {truth.Shape}, max |diff| = {worst:G3} {(worst > tolerance ? ">" : "≤")} {tolerance:G3}"));
            },
            () => Check.Close("corrected form equals the truth", correctedValue, truth, tolerance));

    static readonly Regex Start = new(@"^== ERRATUM (\S+) \| (.*) ==$", RegexOptions.CultureInvariant);

    /// <summary>
    /// The errata printed in a cell's output text. A block counts as verified only if both of its checks printed
    /// PASS and it reached its end line.
    /// </summary>
    public static IReadOnlyList<Erratum> Parse(string output)
    {
        var result = new List<Erratum>();
        var lines = output.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var m = Start.Match(lines[i]);
            if (!m.Success) continue;
            string id = m.Groups[1].Value, where = m.Groups[2].Value, written = "", corrected = "";
            var checks = new List<string>();
            bool ended = false;
            for (i++; i < lines.Length; i++)
            {
                var line = lines[i];
                if (line.StartsWith(WrittenLabel, StringComparison.Ordinal)) written = line[WrittenLabel.Length..];
                else if (line.StartsWith(CorrectedLabel, StringComparison.Ordinal)) corrected = line[CorrectedLabel.Length..];
                else if (line.StartsWith("PASS", StringComparison.Ordinal) || line.StartsWith("FAIL", StringComparison.Ordinal)) checks.Add(line);
                else if (line == $"{BlockEnd}{id} ==") { ended = true; break; }
                else if (Start.IsMatch(line)) { i--; break; }
            }
            bool verified = ended && checks.Count == 2 && checks.All(c => c.StartsWith("PASS", StringComparison.Ordinal));
            result.Add(new Erratum(id, where, written, corrected, checks, verified));
        }
        return result;
    }
}
