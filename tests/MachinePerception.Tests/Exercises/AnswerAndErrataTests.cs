using MachinePerception.Checks;
using MachinePerception.Exercises;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Exercises;

public class AnswerTextTests
{
    [Fact]
    public void Parses_numbers_fractions_vectors_matrices_and_choices()
    {
        Assert.Equal(-2.5, AnswerText.Parse(" -2.5 "));
        Assert.Equal(0.75, AnswerText.Parse("3/4"));
        Assert.Equal(-1.0, AnswerText.Parse("−1"));
        Assert.Equal(new[] { 1.0, 2, 3 }, AnswerText.Parse("[1, 2, 3]"));
        Assert.Equal(new[] { 1.0, 2, 3 }, AnswerText.Parse("1 2 3"));
        Assert.Equal(new double[,] { { 1, 2 }, { 3, 4 } }, AnswerText.Parse("1, 2; 3, 4;"));
        Assert.Equal("b", AnswerText.Parse("b"));
        Assert.Equal("max pooling", AnswerText.Parse("max pooling"));
    }

    [Fact]
    public void Malformed_text_gets_a_message_naming_the_problem()
    {
        Assert.Contains("row 2 has 1 entries but row 1 has 2", Assert.Throws<FormatException>(() => AnswerText.Parse("1 2; 3")).Message);
        Assert.Contains("'x' in row 1 is not a number", Assert.Throws<FormatException>(() => AnswerText.Parse("1 x; 3 4")).Message);
        Assert.Contains("empty", Assert.Throws<FormatException>(() => AnswerText.Parse("  ")).Message);
    }

    [Fact]
    public void A_vector_may_come_as_a_row_or_column_but_a_matrix_keeps_its_shape()
    {
        var column = new NumericAnswer([1, 2, 3], [3, 1]);
        Assert.True(column.HasShape([3]));
        Assert.True(new NumericAnswer([1, 2, 3], [1, 3]).HasShape([3]));
        Assert.True(new NumericAnswer([4], [1, 1]).HasShape([]));
        Assert.False(column.HasShape([1, 3]));
        Assert.False(new NumericAnswer([1, 2, 3, 4], [2, 2]).HasShape([4]));
        Assert.False(new NumericAnswer([1, 2], [2]).HasShape([]));
    }

    [Fact]
    public void The_reader_takes_arrays_lists_tuples_and_tensors()
    {
        Assert.Equal([2], AnswerReader.ReadNumeric(new List<int> { 1, 2 }, out _)!.Shape);
        Assert.Equal([2, 2], AnswerReader.ReadNumeric(new[] { new[] { 1f, 2f }, new[] { 3f, 4f } }, out _)!.Shape);
        Assert.Equal([1.5, 2.5], AnswerReader.ReadNumeric((1.5, 2.5), out _)!.Values);
        Assert.Equal([2, 3], AnswerReader.ReadNumeric(Tensor.Zeros([2, 3]), out _)!.Shape);
        Assert.Equal([2, 2], AnswerReader.ReadNumeric(new int[,] { { 1, 2 }, { 3, 4 } }, out _)!.Shape);
        Assert.Null(AnswerReader.ReadNumeric(Array.Empty<double>(), out var problem));
        Assert.Contains("empty", problem);
        Assert.Null(AnswerReader.ReadNumeric(Enumerable.Repeat(1.0, int.MaxValue), out problem));
        Assert.Contains("more than 10000 entries", problem);
    }
}

public class ProseTests
{
    [Fact]
    public void Prose_renders_text_html_and_markdown_with_the_same_content()
    {
        var prose = new Prose().Text("Find **x** with a < b:").Matrix("K =", new double[,] { { 1, -2 }, { 0.5, 3 } });
        Assert.Equal("Find x with a < b:\n\nK = [   1   −2 ]\n    [ 0.5    3 ]", prose.ToString().ReplaceLineEndings("\n"));
        Assert.Contains("<p>Find <strong>x</strong> with a &lt; b:</p>", prose.ToHtml());
        Assert.Contains("<td style=\"padding:0.1em 0.6em;text-align:right\">−2</td>", prose.ToHtml());
        Assert.Contains("$$K = \\begin{bmatrix} 1 & -2 \\\\ 0.5 & 3 \\end{bmatrix}$$", prose.ToMarkdown());
    }
}

public class ErrataTests
{
    static (Erratum Erratum, string Printed) ShowCaptured(Func<Erratum> show)
    {
        var saved = Check.Out;
        var writer = new StringWriter();
        Check.Out = writer;
        try { return (show(), writer.ToString()); }
        finally { Check.Out = saved; }
    }

    // The summary's Adam (§10.2) puts ε inside the root: −η m̂/√(v̂ + ε); the usual rule is −η m̂/(√v̂ + ε).
    static double AdamStep(bool insideRoot, double mHat = 0.3, double vHat = 0.04, double eta = 0.1, double eps = 0.1) =>
        -eta * mHat / (insideRoot ? Math.Sqrt(vHat + eps) : Math.Sqrt(vHat) + eps);

    [Fact]
    public void Show_prints_a_marked_block_that_parse_reads_back_as_verified()
    {
        double truth = -0.1 * 0.3 / (0.2 + 0.1);
        var (erratum, printed) = ShowCaptured(() => Errata.Show("adam-epsilon-inside-root", "§10.2 Adam",
            "Δθ = −η m̂ / √(v̂ + ε)", "Δθ = −η m̂ / (√v̂ + ε)", truth, AdamStep(true), AdamStep(false), 1e-12));
        Assert.True(erratum.Verified);
        Assert.StartsWith("== ERRATUM adam-epsilon-inside-root | §10.2 Adam ==", printed);
        Assert.Contains("PASS  written form differs from the truth", printed);
        Assert.Contains("PASS  corrected form equals the truth", printed);
        var parsed = Assert.Single(Errata.Parse("other output\n" + printed + "more\n"));
        Assert.Equal(("adam-epsilon-inside-root", "§10.2 Adam", "Δθ = −η m̂ / √(v̂ + ε)", "Δθ = −η m̂ / (√v̂ + ε)", true),
            (parsed.Id, parsed.Where, parsed.Written, parsed.Corrected, parsed.Verified));
        Assert.Contains(Errata.Shown, e => e.Id == "adam-epsilon-inside-root");
    }

    [Fact]
    public void A_claimed_slip_that_is_not_one_fails_and_parses_as_unverified()
    {
        var saved = Check.Out;
        var writer = new StringWriter();
        Check.Out = writer;
        try
        {
            Assert.Throws<CheckFailedException>(() =>
                Errata.Show("not-a-slip", "§0", "1 + 1", "2", truth: 2, writtenValue: 2, correctedValue: 2, tolerance: 1e-9));
        }
        finally { Check.Out = saved; }
        var parsed = Assert.Single(Errata.Parse(writer.ToString()));
        Assert.False(parsed.Verified);
        Assert.StartsWith("FAIL", Assert.Single(parsed.CheckLines));
    }

    [Fact]
    public void A_wrong_correction_fails_on_its_second_check()
    {
        var saved = Check.Out;
        Check.Out = TextWriter.Null;
        try
        {
            Assert.Throws<CheckFailedException>(() =>
                Errata.Show("bad-fix", "§0", "x", "y", Tensor.FromArray(new[] { 1.0, 2 }), Tensor.FromArray(new[] { 1.0, 3 }),
                    Tensor.FromArray(new[] { 1.0, 2.5 }), 1e-9));
        }
        finally { Check.Out = saved; }
    }

    [Fact]
    public void Tensor_errata_and_the_box_render()
    {
        // §4's LU parameterization W = P·L·(U + diag s) for a 2×2 W = [[a, b], [c, d]] without pivoting (P = I):
        // L = [[1, 0], [c/a, 1]], U + diag s = [[a, b], [0, d − cb/a]]; the summary's P·(U + diag s) drops L.
        double a = 2, b = 1, c = 3, d = 4;
        var w = Tensor.FromArray(new double[,] { { a, b }, { c, d } });
        var l = Tensor.FromArray(new double[,] { { 1, 0 }, { c / a, 1 } });
        var upper = Tensor.FromArray(new double[,] { { a, b }, { 0, d - c * b / a } });
        var (erratum, _) = ShowCaptured(() => Errata.Show("lu-missing-l", "§4 invertible 1×1 conv", "W = P(U + diag s)", "W = P L (U + diag s)",
            w, upper, MachinePerception.Ops.Op.MatMul(l, upper), 1e-12));
        Assert.True(erratum.Verified);
        var box = Errata.Box([erratum]);
        Assert.Contains("§4 invertible 1×1 conv", box.ToHtml());
        Assert.Contains("checked numerically", box.ToHtml());
        Assert.Contains("lu-missing-l", box.ToString());
        Assert.Contains("None found", Errata.Box([]).ToHtml());
    }

    [Fact]
    public void Ids_with_spaces_are_rejected_with_the_op_name()
    {
        var e = Assert.Throws<ArgumentException>(() => Errata.Show("two words", "§1", "a", "b", 1, 2, 1, 1e-9));
        Assert.StartsWith("Errata.Show:", e.Message);
    }
}
