using System.Globalization;

namespace MachinePerception.Exercises;

/// <summary>
/// When a student's number counts as equal to the reference: |answer − reference| ≤ Absolute + Relative·|reference|,
/// entry by entry. Every feedback states the tolerance it used.
/// </summary>
public sealed record Tolerance(double Absolute, double Relative)
{
    /// <summary>For values a student computes in a cell or types with five or more significant digits.</summary>
    public static Tolerance Numeric { get; } = new(1e-6, 1e-4);

    /// <summary>For whole numbers (sizes, counts): exact.</summary>
    public static Tolerance Exact { get; } = new(1e-9, 0);

    public bool Close(double answer, double reference) =>
        Math.Abs(answer - reference) <= Absolute + Relative * Math.Abs(reference);

    public bool Close(ReadOnlySpan<double> answer, ReadOnlySpan<double> reference)
    {
        if (answer.Length != reference.Length) return false;
        for (int i = 0; i < answer.Length; i++)
            if (!Close(answer[i], reference[i])) return false;
        return true;
    }

    public override string ToString() => Relative == 0 && Absolute < 1e-6
        ? "exact (whole numbers)"
        : $"|answer − reference| ≤ {Short(Absolute)} + {Short(Relative)}·|reference| in every entry";

    static string Short(double v) => v.ToString("0.##e+0", CultureInfo.InvariantCulture);
}
