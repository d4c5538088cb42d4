using System.Text.Json;
using System.Text.Json.Nodes;
using MachinePerception.Book;

namespace MachinePerception.Book.Tests;

/// <summary>Writes small nbformat-4 notebooks for the revision-command tests.</summary>
internal sealed class FixtureNotebooks : IDisposable
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"book-fixture-{Guid.NewGuid():N}");

    public FixtureNotebooks() => Directory.CreateDirectory(Folder);

    public static JsonObject Markdown(string id, string source, params string[] tags) => new()
    {
        ["cell_type"] = "markdown",
        ["id"] = id,
        ["metadata"] = new JsonObject { ["tags"] = new JsonArray([.. tags.Select(t => JsonValue.Create(t))]) },
        ["source"] = new JsonArray([.. source.Split('\n').Select(l => JsonValue.Create(l + "\n"))]),
    };

    public static JsonObject Code(string id, string source, string? stdout, params string[] tags)
    {
        var outputs = new JsonArray();
        if (stdout is not null)
            outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = new JsonArray([.. stdout.Split('\n').Select(l => JsonValue.Create(l + "\n"))]) });
        return new JsonObject
        {
            ["cell_type"] = "code",
            ["id"] = id,
            ["execution_count"] = stdout is null ? null : 1,
            ["metadata"] = new JsonObject { ["tags"] = new JsonArray([.. tags.Select(t => JsonValue.Create(t))]) },
            ["source"] = source,
            ["outputs"] = outputs,
        };
    }

    public string Write(string name, params JsonObject[] cells)
    {
        var notebook = new JsonObject
        {
            ["cells"] = new JsonArray(cells),
            ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = ".net-csharp", ["language"] = "C#", ["display_name"] = ".NET (C#)" } },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, notebook.ToJsonString());
        return path;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

public class CardsTests
{
    [Fact]
    public void Html_pages_keep_tex_escapes_that_markdown_would_eat()
    {
        // "\," and "\{" are Markdown escapes: outside the protection they would lose their backslash
        var html = CardsCommand.Html("a card: $\\pi_* = \\operatorname{greedy}(v)\\,[r]$ and $\\{x\\}$, then text$(v_*)$.", "t");
        Assert.Contains("\\,[r]", html);
        Assert.Contains("\\{x\\}", html);
    }

    static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        return (CardsCommand.Run(args, output, error), output.ToString(), error.ToString());
    }

    static FixtureNotebooks Fixture()
    {
        var f = new FixtureNotebooks();
        f.Write("10-ml-basics.ipynb",
            FixtureNotebooks.Markdown("intro", "# ML basics"),
            FixtureNotebooks.Markdown("card-adam", "### Adam update\nθ ← θ − η m̂/(√v̂ + ε), with m̂ = m/(1 − β₁ᵗ)", "card"),
            FixtureNotebooks.Markdown("explain", "The bias correction matters early."),
            FixtureNotebooks.Code("check-adam", "Check.Close(...)", "step 1\nPASS  Adam step vs engine: 0.1 vs 0.1, |diff| = 0 ≤ 1e-12"),
            FixtureNotebooks.Markdown("card-bce", "## Binary cross-entropy\nL = −y log ŷ − (1 − y) log(1 − ŷ)", "card"),
            FixtureNotebooks.Code("check-bce", "Check.Close(...)", null),
            FixtureNotebooks.Markdown("card-relu", "ReLU range\n[0, ∞)", "card"),
            FixtureNotebooks.Code("check-relu", "Check.Close(...)", "FAIL  relu range: -1 < 0\nCheckFailedException: FAIL  relu range"));
        f.Write("11-cnn.ipynb",
            FixtureNotebooks.Markdown("card-size", "# Output size\n⌊(in + 2pad − dil(kern − 1) − 1)/stride⌋ + 1", "card"),
            FixtureNotebooks.Code("check-size", "Check.That(...)", "PASS  output size: formula 10 = count 10"),
            FixtureNotebooks.Markdown("card-last", "# Max-pool gradient\ngoes to the argmax only", "card"));
        return f;
    }

    [Fact]
    public void Cards_are_collected_with_their_checks_and_status()
    {
        using var f = Fixture();
        var cards = CardsCommand.Collect(Path.Combine(f.Folder, "10-ml-basics.ipynb"));
        Assert.Equal(["Adam update", "Binary cross-entropy", "ReLU range"], cards.Select(c => c.Title));
        Assert.Equal([CardStatus.Verified, CardStatus.NotRun, CardStatus.Failed], cards.Select(c => c.Status));
        Assert.Equal("check-adam", cards[0].CheckCellId);
        Assert.StartsWith("PASS  Adam step vs engine", cards[0].CheckLine);
        Assert.Equal("θ ← θ − η m̂/(√v̂ + ε), with m̂ = m/(1 − β₁ᵗ)", cards[0].Body);
        Assert.Equal("10-ml-basics.ipynb#card-adam", cards[0].Link);
        Assert.Equal(10, cards[0].Chapter);
        var last = CardsCommand.Collect(Path.Combine(f.Folder, "11-cnn.ipynb"))[^1];
        Assert.Equal(CardStatus.NoCheck, last.Status);
        Assert.Null(last.CheckCellId);
    }

    [Fact]
    public void Markdown_report_links_cards_to_cells_and_checks()
    {
        using var f = Fixture();
        var (code, output, error) = Run("--notebooks", f.Folder);
        Assert.Equal(0, code);
        Assert.Contains("## Chapter 10", output);
        Assert.Contains("## Chapter 11", output);
        Assert.Contains("### Adam update", output);
        Assert.Contains("[10-ml-basics.ipynb#check-adam](10-ml-basics.ipynb#check-adam): `PASS  Adam step vs engine", output);
        Assert.Contains("**its check FAILS**", output);
        Assert.Contains("not run yet", output);
        Assert.Contains("**no numeric check**", output);
        Assert.Contains("5 cards, 2 verified", output);
        Assert.Contains("3 of 5 cards not verified", error);
    }

    [Fact]
    public void Chapters_filter_formats_and_strict_mode()
    {
        using var f = Fixture();
        var only11 = Run("--notebooks", f.Folder, "--chapters", "11", "--format", "json");
        var cards = JsonDocument.Parse(only11.Output).RootElement;
        Assert.Equal(2, cards.GetArrayLength());
        Assert.Equal("Output size", cards[0].GetProperty("Title").GetString());
        var html = Run("--notebooks", f.Folder, "--format", "html");
        Assert.Contains("<h3", html.Output);
        Assert.Contains("<a href=\"10-ml-basics.ipynb#card-adam\">", html.Output);
        Assert.Equal(1, Run("--notebooks", f.Folder, "--strict").Code);
        var outFile = Path.Combine(f.Folder, "cards.md");
        Assert.Equal(0, Run("--notebooks", f.Folder, "--out", outFile).Code);
        Assert.Contains("### Output size", File.ReadAllText(outFile));
    }

    [Fact]
    public void A_broken_notebook_is_named_in_the_error()
    {
        using var f = new FixtureNotebooks();
        File.WriteAllText(Path.Combine(f.Folder, "12-rnn.ipynb"), "{ not json");
        var (code, _, error) = Run("--notebooks", f.Folder);
        Assert.Equal(2, code);
        Assert.Contains("12-rnn.ipynb: not valid JSON", error);
        Assert.Equal(2, Run("--format", "pdf").Code);
    }

    [Fact]
    public void No_cards_is_reported_not_an_error()
    {
        using var f = new FixtureNotebooks();
        var (code, output, _) = Run("--notebooks", f.Folder);
        Assert.Equal(0, code);
        Assert.Contains("No cards found", output);
    }
}
