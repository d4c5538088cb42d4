using System.Text.Json;
using MachinePerception.Book;
using MachinePerception.Checks;
using MachinePerception.Exercises;

namespace MachinePerception.Book.Tests;

public class ErrataTests
{
    static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        return (ErrataCommand.Run(args, output, error), output.ToString(), error.ToString());
    }

    // What a chapter cell prints: the library's own block, captured from Check.Out.
    static string Printed(Action show)
    {
        var saved = Check.Out;
        var writer = new StringWriter();
        Check.Out = writer;
        try { show(); }
        catch (CheckFailedException) { }
        finally { Check.Out = saved; }
        return writer.ToString().TrimEnd('\n', '\r');
    }

    static FixtureNotebooks Fixture()
    {
        // §10.2 Adam: the summary's √(v̂ + ε) against the usual √v̂ + ε (v̂ = 0.04, ε = 0.1, m̂ = 0.3, η = 0.1)
        double truth = -0.1 * 0.3 / (Math.Sqrt(0.04) + 0.1);
        string adam = Printed(() => Errata.Show("adam-epsilon-inside-root", "§10.2 Adam", "Δθ = −η m̂/√(v̂ + ε)", "Δθ = −η m̂/(√v̂ + ε)",
            truth, -0.1 * 0.3 / Math.Sqrt(0.04 + 0.1), truth, 1e-12));
        // §13 "KL for ELBO": the summary writes ∫q log q dz = +(J/2) log 2π − ½Σ(log σ² + 1); the entropy term has
        // −(J/2) log 2π (else the 2π terms would not cancel in its −KL). J = 1, q = N(0.3, 0.7²), midpoint quadrature.
        double mu = 0.3, sigma = 0.7, integral = 0, h = 1e-4;
        for (double z = mu - 12 * sigma; z < mu + 12 * sigma; z += h)
        {
            double zm = z + h / 2, logQ = -0.5 * Math.Log(2 * Math.PI * sigma * sigma) - (zm - mu) * (zm - mu) / (2 * sigma * sigma);
            integral += Math.Exp(logQ) * logQ * h;
        }
        double entropyTerm = -0.5 * (Math.Log(sigma * sigma) + 1);
        string kl = Printed(() => Errata.Show("kl-entropy-2pi-sign", "§13 KL for ELBO", "∫q log q dz = (J/2) log 2π − ½Σ(log σ² + 1)",
            "∫q log q dz = −(J/2) log 2π − ½Σ(log σ² + 1)", integral, 0.5 * Math.Log(2 * Math.PI) + entropyTerm, -0.5 * Math.Log(2 * Math.PI) + entropyTerm, 1e-6));
        // a claimed correction that is itself wrong: its second check fails, so the block is not verified
        string bad = Printed(() => Errata.Show("made-up-example", "§13 made-up", "x = 2", "x = 3", 1.0, 2.0, 3.0, 1e-9));
        var f = new FixtureNotebooks();
        f.Write("10-ml-basics.ipynb",
            FixtureNotebooks.Markdown("m1", "# ML basics"),
            FixtureNotebooks.Code("adam-errata", "Errata.Show(...)", adam, "errata"),
            FixtureNotebooks.Code("plain", "Console.WriteLine(1)", "1"));
        f.Write("13-proofs.ipynb",
            FixtureNotebooks.Code("kl-errata", "Errata.Show(...)", kl, "errata"),
            FixtureNotebooks.Code("bad-errata", "Errata.Show(...)", bad, "errata"),
            FixtureNotebooks.Code("lu-errata", "Errata.Show(...)", null, "errata"));
        return f;
    }

    [Fact]
    public void Errata_are_collected_from_printed_blocks_and_tagged_cells()
    {
        using var f = Fixture();
        var adam = Assert.Single(ErrataCommand.Collect(Path.Combine(f.Folder, "10-ml-basics.ipynb")));
        Assert.True(adam.Verified);
        Assert.Equal(("adam-epsilon-inside-root", "§10.2 Adam", "Δθ = −η m̂/(√v̂ + ε)"), (adam.Erratum!.Id, adam.Erratum.Where, adam.Erratum.Corrected));
        Assert.Equal("10-ml-basics.ipynb#adam-errata", adam.Link);
        var proofs = ErrataCommand.Collect(Path.Combine(f.Folder, "13-proofs.ipynb"));
        Assert.Equal(3, proofs.Count);
        Assert.True(proofs[0].Verified, string.Join("\n", proofs[0].Erratum!.CheckLines));
        Assert.False(proofs[1].Verified);
        Assert.Null(proofs[2].Erratum);
    }

    [Fact]
    public void The_report_lists_each_erratum_with_status_and_link()
    {
        using var f = Fixture();
        var (code, output, error) = Run("--notebooks", f.Folder);
        Assert.Equal(0, code);
        Assert.Contains("| 10 | §10.2 Adam | Δθ = −η m̂/√(v̂ + ε) | Δθ = −η m̂/(√v̂ + ε) | verified | [10-ml-basics.ipynb#adam-errata](10-ml-basics.ipynb#adam-errata) |", output);
        Assert.Contains("| 13 | §13 KL for ELBO |", output);
        Assert.Contains("**NOT verified**", output);
        Assert.Contains("| not run |", output);
        Assert.Contains("4 errata, 2 verified numerically.", output);
        Assert.Contains("2 of 4 errata not verified", error);
        Assert.Equal(1, Run("--notebooks", f.Folder, "--strict").Code);
        Assert.Equal(0, Run("--notebooks", f.Folder, "--strict", "--chapters", "10").Code);
    }

    [Fact]
    public void Html_and_json_forms()
    {
        using var f = Fixture();
        var html = Run("--notebooks", f.Folder, "--format", "html").Output;
        Assert.Contains("<table>", html);
        Assert.Contains("<a href=\"10-ml-basics.ipynb#adam-errata\">", html);
        var json = JsonDocument.Parse(Run("--notebooks", f.Folder, "--format", "json", "--chapters", "10").Output).RootElement;
        Assert.Equal("adam-epsilon-inside-root", json[0].GetProperty("Erratum").GetProperty("Id").GetString());
        Assert.True(json[0].GetProperty("Verified").GetBoolean());
    }

    [Fact]
    public void No_errata_is_reported_not_an_error()
    {
        using var f = new FixtureNotebooks();
        var (code, output, _) = Run("--notebooks", f.Folder, "--strict");
        Assert.Equal(0, code);
        Assert.Contains("None found", output);
    }
}
