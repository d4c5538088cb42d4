using System.Globalization;

namespace MachinePerception.Exercises.Ch07;

/// <summary>Small text helpers shared by the chapter 7 exercises' statements and worked solutions.</summary>
static class Notation
{
    /// <summary>A number as a factor or subtrahend: negative numbers in parentheses, so "0.9·(−1)", not "0.9·−1".</summary>
    public static string Factor(double v) => v < 0 ? $"({Prose.Number(v)})" : Prose.Number(v);

    /// <summary>n as subscript digits: 12 → "₁₂".</summary>
    public static string Sub(int n) => string.Concat(n.ToString(CultureInfo.InvariantCulture).Select(c => "₀₁₂₃₄₅₆₇₈₉"[c - '0']));
}
