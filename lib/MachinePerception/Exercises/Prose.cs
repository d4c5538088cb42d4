using System.Globalization;
using System.Text;

namespace MachinePerception.Exercises;

/// <summary>
/// A short document (an exercise statement or a worked solution): paragraphs of text with Unicode math
/// (x₂ = x₁ − f(x₁)·…, which reads the same in a terminal and in HTML), and labelled matrices and vectors.
/// <see cref="ToString"/> gives plain text, <see cref="ToHtml"/> an HTML fragment with matrices as tables.
/// </summary>
public sealed class Prose : IHtmlDisplayable
{
    abstract record Block;
    sealed record Paragraph(string Text) : Block;
    sealed record MatrixBlock(string Label, double[,] Values) : Block;
    sealed record Figure(string Svg, string Caption) : Block;

    readonly List<Block> blocks = [];

    /// <summary>Adds a paragraph. <c>**bold**</c> is kept as bold in HTML; everything else is literal text.</summary>
    public Prose Text(string text)
    {
        blocks.Add(new Paragraph(text));
        return this;
    }

    /// <summary>Adds a labelled matrix, e.g. <c>Matrix("X =", x)</c>.</summary>
    public Prose Matrix(string label, double[,] values)
    {
        blocks.Add(new MatrixBlock(label, (double[,])values.Clone()));
        return this;
    }

    /// <summary>Adds a labelled vector, shown as one row.</summary>
    public Prose Vector(string label, IReadOnlyList<double> values)
    {
        var m = new double[1, values.Count];
        for (int j = 0; j < values.Count; j++) m[0, j] = values[j];
        return Matrix(label, m);
    }

    /// <summary>Adds an inline SVG figure (HTML only; the text form shows the caption).</summary>
    public Prose Svg(string svg, string caption)
    {
        blocks.Add(new Figure(svg, caption));
        return this;
    }

    /// <summary>A number as the book prints it: whole numbers without a decimal point, others with up to 6 significant digits.</summary>
    public static string Number(double v) =>
        v == Math.Round(v) && Math.Abs(v) < 1e15 ? ((long)v).ToString(CultureInfo.InvariantCulture).Replace('-', '−')
        : v.ToString("G6", CultureInfo.InvariantCulture).Replace('-', '−');

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var b in blocks)
        {
            if (sb.Length > 0) sb.AppendLine();
            switch (b)
            {
                case Paragraph p:
                    sb.AppendLine(p.Text.Replace("**", ""));
                    break;
                case MatrixBlock m:
                    AppendTextMatrix(sb, m.Label, m.Values);
                    break;
                case Figure f:
                    sb.AppendLine($"[figure: {f.Caption}]");
                    break;
            }
        }
        return sb.ToString().TrimEnd();
    }

    static void AppendTextMatrix(StringBuilder sb, string label, double[,] v)
    {
        int rows = v.GetLength(0), cols = v.GetLength(1);
        var cells = new string[rows, cols];
        int width = 1;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                width = Math.Max(width, (cells[i, j] = Number(v[i, j])).Length);
        string pad = new(' ', label.Length + 1);
        for (int i = 0; i < rows; i++)
        {
            sb.Append(i == (rows - 1) / 2 ? label + " " : pad).Append("[ ");
            for (int j = 0; j < cols; j++) sb.Append(cells[i, j].PadLeft(width)).Append(j < cols - 1 ? "  " : " ]");
            sb.AppendLine();
        }
    }

    /// <summary>Markdown with LaTeX matrices (<c>$$\begin{bmatrix}…\end{bmatrix}$$</c>), for the HTML book and exports.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        foreach (var b in blocks)
        {
            if (sb.Length > 0) sb.Append('\n');
            switch (b)
            {
                case Paragraph p:
                    sb.Append(p.Text.Replace("\n", "  \n")).Append('\n');
                    break;
                case MatrixBlock m:
                    var rows = Enumerable.Range(0, m.Values.GetLength(0)).Select(i => string.Join(" & ",
                        Enumerable.Range(0, m.Values.GetLength(1)).Select(j => Number(m.Values[i, j]).Replace('−', '-'))));
                    sb.Append("$$").Append(m.Label.TrimEnd('=', ' ')).Append(m.Label.TrimEnd().EndsWith('=') ? " = " : " ")
                      .Append("\\begin{bmatrix} ").Append(string.Join(" \\\\ ", rows)).Append(" \\end{bmatrix}$$\n");
                    break;
                case Figure f:
                    sb.Append(f.Svg).Append("\n\n*").Append(f.Caption).Append("*\n");
                    break;
            }
        }
        return sb.ToString();
    }

    public string ToHtml()
    {
        var sb = new StringBuilder();
        foreach (var b in blocks)
        {
            switch (b)
            {
                case Paragraph p:
                    sb.Append("<p>").Append(Inline(p.Text)).Append("</p>\n");
                    break;
                case MatrixBlock m:
                    sb.Append("<div style=\"display:flex;align-items:center;gap:0.5em;margin:0.4em 0\"><span>")
                      .Append(Prose.Escape(m.Label)).Append("</span>")
                      .Append("<table style=\"border-left:2px solid;border-right:2px solid;border-collapse:collapse\">");
                    for (int i = 0; i < m.Values.GetLength(0); i++)
                    {
                        sb.Append("<tr>");
                        for (int j = 0; j < m.Values.GetLength(1); j++)
                            sb.Append("<td style=\"padding:0.1em 0.6em;text-align:right\">").Append(Number(m.Values[i, j])).Append("</td>");
                        sb.Append("</tr>");
                    }
                    sb.Append("</table></div>\n");
                    break;
                case Figure f:
                    sb.Append("<figure>").Append(f.Svg).Append("<figcaption>").Append(Prose.Escape(f.Caption)).Append("</figcaption></figure>\n");
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Escapes the HTML metacharacters only, leaving Unicode math (×, §, ∂) readable in the source.</summary>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    // HTML-escapes a paragraph and turns **x** into <strong>x</strong>.
    internal static string Inline(string text)
    {
        var parts = text.Split("**");
        var sb = new StringBuilder();
        for (int i = 0; i < parts.Length; i++)
        {
            bool bold = i % 2 == 1 && i < parts.Length - 1;
            if (bold) sb.Append("<strong>");
            sb.Append(Escape(parts[i]).Replace("\n", "<br>"));
            if (bold) sb.Append("</strong>");
        }
        return sb.ToString();
    }
}
