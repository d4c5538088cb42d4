using Markdig;

namespace MachinePerception.Book.Tests;

public class MathProtectionTests
{
    static string Render(string markdown)
    {
        var math = MathProtection.Protect(markdown);
        return math.Restore(Markdig.Markdown.ToHtml(math.Source, new Markdig.MarkdownPipelineBuilder().UseAdvancedExtensions().Build()));
    }

    [Fact]
    public void Display_math_starting_mid_line_and_spanning_lines_keeps_its_braces()
    {
        var html = Render("output:\n$$\\hat{y}_t = W h_{t-1},\n\\quad h_t = \\tanh(W_{hh} h_{t-1}).$$\nThe same");
        Assert.Contains("\\[\\hat{y}_t = W h_{t-1},\n\\quad h_t = \\tanh(W_{hh} h_{t-1}).\\]", html);
        Assert.DoesNotContain("<em", html);
    }

    [Fact]
    public void Inline_math_may_cross_a_line_break_but_not_a_paragraph()
    {
        Assert.Contains("\\(1-\\cos\\theta \\approx\n\\theta^2/2\\)", Render("small angles $1-\\cos\\theta \\approx\n\\theta^2/2$ and"));
        Assert.DoesNotContain("class=\"math\"", Render("costs $5\n\nand $6 more"));
    }

    [Fact]
    public void Code_is_left_alone_and_a_formula_alone_is_a_block()
    {
        var html = Render("`var s = $\"{x}\";` and\n\n```csharp\nvar t = $\"{y}$\";\n```\n\n$$a_{i} < b$$\n");
        Assert.Contains("$&quot;{x}&quot;;", html);
        Assert.Contains("var t = $&quot;{y}$&quot;;", html);
        Assert.Contains("<div class=\"math\">\\[a_{i} &lt; b\\]</div>", html);
    }
}
