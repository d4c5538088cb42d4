using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace MachinePerception.Exercises;

/// <summary>A student's numeric answer read into one form: its entries (row-major) and its shape ([] for a number).</summary>
public sealed record NumericAnswer(double[] Values, int[] Shape)
{
    public int Rank => Shape.Length;

    /// <summary>Entry (i, j) of a matrix answer.</summary>
    public double At(int i, int j) => Values[i * Shape[1] + j];

    /// <summary>"a number", "a vector of 3 numbers", "a 3×3 matrix", ...</summary>
    public static string Describe(int[] shape) => shape.Length switch
    {
        0 => "a number",
        1 => shape[0] == 1 ? "a vector of 1 number" : $"a vector of {shape[0]} numbers",
        2 => $"a {shape[0]}×{shape[1]} matrix",
        _ => $"a tensor of shape [{string.Join(", ", shape)}]",
    };

    /// <summary>Same shape, where a number and a one-entry vector count as the same, and a vector may come as a
    /// one-row or one-column matrix (a [3, 1] tensor answers a question asking for 3 numbers).</summary>
    public bool HasShape(int[] shape) =>
        Shape.SequenceEqual(shape)
        || (shape.Length <= 1 && Values.Length == (shape.Length == 0 ? 1 : shape[0]) && Shape.Count(d => d != 1) <= 1);
}

/// <summary>
/// Reads whatever a student put in an answer cell (a number, an array, a jagged or 2-D array, a list, a tuple,
/// a <see cref="Tensor"/>, or text in the quiz syntax) into a <see cref="NumericAnswer"/> or a choice, and
/// says in words what is wrong with it when it cannot. Never throws on student input.
/// </summary>
public static class AnswerReader
{
    /// <summary>The numeric answer, or null with <paramref name="problem"/> saying why it cannot be read.</summary>
    public static NumericAnswer? ReadNumeric(object? answer, out string? problem)
    {
        problem = null;
        try
        {
            if (answer is string text)
            {
                var parsed = AnswerText.Parse(text);
                if (parsed is string choice)
                {
                    problem = $"'{choice}' is not a number";
                    return null;
                }
                answer = parsed;
            }
            var result = Read(answer, "the answer");
            for (int i = 0; i < result.Values.Length; i++)
                if (!double.IsFinite(result.Values[i]))
                {
                    problem = result.Rank == 0
                        ? $"the answer is {Word(result.Values[i])}"
                        : $"entry {Index(result.Shape, i)} is {Word(result.Values[i])}";
                    return null;
                }
            return result;
        }
        catch (FormatException e)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>A choice (an option letter or the option's text), or null with the reason.</summary>
    public static string? ReadChoice(object? answer, out string? problem)
    {
        problem = null;
        switch (answer)
        {
            case null:
                problem = "no answer given (the value is null)";
                return null;
            case char c:
                return c.ToString();
            case string s when s.Trim().Length == 0:
                problem = "the answer is empty";
                return null;
            case string s:
                return s.Trim();
            default:
                problem = $"expected a choice (a letter such as \"b\" or the option's name), got {TypeWord(answer)}";
                return null;
        }
    }

    static string Word(double v) => double.IsNaN(v) ? "NaN" : v > 0 ? "+∞" : "−∞";

    static string Index(int[] shape, int flat)
    {
        var idx = new int[shape.Length];
        for (int k = shape.Length - 1; k >= 0; k--)
        {
            idx[k] = flat % shape[k];
            flat /= shape[k];
        }
        return "(" + string.Join(", ", idx) + ")";
    }

    internal static string TypeWord(object? value) => value switch
    {
        null => "nothing (null)",
        Delegate => "a function",
        bool b => $"a bool ({b})",
        _ => $"a value of type {value.GetType().Name}",
    };

    const int MaxEntries = 10_000;

    static bool IsNumber(object v) => v is double or float or int or long or short or byte or sbyte or uint or ulong or ushort or decimal;

    // Reads nested values recursively: a number is rank 0, a sequence of numbers rank 1, a sequence of sequences rank 2, ...
    static NumericAnswer Read(object? v, string what)
    {
        switch (v)
        {
            case null:
                throw new FormatException(what == "the answer" ? "no answer given (the value is null)" : $"{what} is null");
            case Tensor t:
                return new NumericAnswer(t.ToDoubleArray(), t.Shape.ToArray());
            case string s:
                throw new FormatException($"{what} is text (\"{s}\"), not a number");
            case Delegate:
                throw new FormatException($"expected numbers, got a function in {what}");
            case bool:
                throw new FormatException($"{what} is a bool, not a number");
            case char:
                throw new FormatException($"{what} is a character, not a number");
        }
        if (IsNumber(v)) return new NumericAnswer([Convert.ToDouble(v, CultureInfo.InvariantCulture)], []);
        if (v is Array { Rank: > 1 } multi)
        {
            var shape = new int[multi.Rank];
            for (int k = 0; k < shape.Length; k++) shape[k] = multi.GetLength(k);
            var values = new List<double>();
            foreach (var e in multi) values.Add(Read(e, "an entry").Values is [var x] ? x : throw new FormatException("entries of a multi-dimensional array must be numbers"));
            return new NumericAnswer(values.ToArray(), shape);
        }
        IEnumerable? items = v switch
        {
            ITuple tuple => Enumerable.Range(0, tuple.Length).Select(i => tuple[i]),
            IEnumerable e => e,
            _ => null,
        };
        if (items is null) throw new FormatException($"expected a number, a vector or a matrix, got {TypeWord(v)}");
        var parts = new List<NumericAnswer>();
        foreach (var item in items)
        {
            // a bound, so that an endless sequence cannot hang the notebook
            if (parts.Count == MaxEntries) throw new FormatException($"{what} has more than {MaxEntries} entries; no exercise asks for that many");
            parts.Add(Read(item, $"entry {parts.Count}"));
        }
        if (parts.Count == 0) throw new FormatException($"{what} is empty");
        for (int i = 1; i < parts.Count; i++)
            if (!parts[i].Shape.SequenceEqual(parts[0].Shape))
                throw new FormatException(parts[0].Rank == 1
                    ? $"ragged rows: row {i} has {parts[i].Values.Length} entries but row 0 has {parts[0].Values.Length}"
                    : $"ragged entries: entry {i} is {NumericAnswer.Describe(parts[i].Shape)} but entry 0 is {NumericAnswer.Describe(parts[0].Shape)}");
        return new NumericAnswer(parts.SelectMany(p => p.Values).ToArray(), [parts.Count, .. parts[0].Shape]);
    }
}

/// <summary>
/// The plain-text answer syntax of <c>book quiz</c> (also accepted by <see cref="Exercise.Check"/> as a string):
/// a number <c>-2.5</c> or a fraction <c>3/4</c>; a vector <c>1, 2, 3</c> (commas or spaces, optional brackets);
/// a matrix with rows separated by <c>;</c> as in <c>1 2 3; 4 5 6</c>; anything else is a choice (<c>b</c>, <c>tanh</c>).
/// </summary>
public static class AnswerText
{
    /// <summary>A double, a double[], a double[,], or the trimmed text as a choice. Throws <see cref="FormatException"/>
    /// with a readable message for malformed numbers and ragged matrices.</summary>
    public static object Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim().Trim('[', ']', '(', ')').Trim();
        if (s.Length == 0) throw new FormatException("the answer is empty");
        if (s.Contains(';'))
        {
            var rows = s.Split(';').Select(r => r.Trim().Trim('[', ']').Trim()).Where(r => r.Length > 0).ToList();
            var parsed = rows.Select((r, i) => Numbers(r, $"row {i + 1}")).ToList();
            int cols = parsed[0].Length;
            for (int i = 1; i < parsed.Count; i++)
                if (parsed[i].Length != cols)
                    throw new FormatException($"ragged matrix: row {i + 1} has {parsed[i].Length} entries but row 1 has {cols}");
            var m = new double[parsed.Count, cols];
            for (int i = 0; i < parsed.Count; i++)
                for (int j = 0; j < cols; j++) m[i, j] = parsed[i][j];
            return m;
        }
        var tokens = Tokens(s);
        if (tokens.Length == 1)
            return TryNumber(tokens[0], out var x) ? x : s;
        // several words with no number among them is a choice such as "max pooling"
        if (!tokens.Any(t => TryNumber(t, out _))) return s;
        return Numbers(s, "the vector");
    }

    static string[] Tokens(string s) => s.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    static double[] Numbers(string s, string where) => Tokens(s)
        .Select(t => TryNumber(t, out var x) ? x : throw new FormatException($"'{t}' in {where} is not a number"))
        .ToArray();

    static bool TryNumber(string token, out double value)
    {
        token = token.Replace('−', '-');
        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;
        int slash = token.IndexOf('/');
        if (slash > 0
            && double.TryParse(token[..slash], NumberStyles.Float, CultureInfo.InvariantCulture, out var num)
            && double.TryParse(token[(slash + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var den)
            && den != 0)
        {
            value = num / den;
            return true;
        }
        return false;
    }
}
