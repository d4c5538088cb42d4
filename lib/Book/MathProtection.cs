using System.Net;
using Markdig;
using System.Text;
using System.Text.RegularExpressions;

namespace MachinePerception.Book;

/// <summary>
/// Keeps TeX away from Markdig. Notebook markdown writes math as Jupyter does — <c>$…$</c> inline and
/// <c>$$…$$</c> anywhere, also starting mid-line and spanning lines — which Markdig's own math parser only
/// partly accepts; whatever it misses, its emphasis and attribute parsers then mangle (<c>h_{t-1}</c> loses its
/// braces). So formulas are swapped for inert placeholders before parsing and put back as
/// <c>&lt;span class="math"&gt;\(…\)&lt;/span&gt;</c> (or <c>\[…\]</c> for display math) afterwards, which the
/// site's KaTeX script typesets. Code (fenced blocks and backtick spans) is left alone.
/// </summary>
static partial class MathProtection
{
    public sealed record Protected(string Source, IReadOnlyList<(bool Display, string Tex)> Formulas)
    {
        /// <summary>Placeholders in rendered HTML back to math spans.</summary>
        public string Restore(string html) => Placeholder().Replace(AloneInParagraph().Replace(html, m =>
        {
            // display math that is a paragraph of its own becomes a block, as Markdig writes block math
            var (display, tex) = Formulas[int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)];
            var body = WebUtility.HtmlEncode(tex);
            return display ? $"<div class=\"math\">\\[{body}\\]</div>" : $"<p><span class=\"math\">\\({body}\\)</span></p>";
        }), m =>
        {
            var (display, tex) = Formulas[int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)];
            var body = WebUtility.HtmlEncode(tex);
            return display ? $"<span class=\"math\">\\[{body}\\]</span>" : $"<span class=\"math\">\\({body}\\)</span>";
        });

        /// <summary>Placeholders in plain text (a heading for the contents) back to the TeX source.</summary>
        public string RestoreText(string text) => Placeholder().Replace(text, m =>
            Formulas[int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)].Tex);
    }

    [GeneratedRegex("MPMATH([0-9]+)X")]
    private static partial Regex Placeholder();

    [GeneratedRegex("<p>MPMATH([0-9]+)X</p>")]
    private static partial Regex AloneInParagraph();

    /// <summary>The book's Markdown dialect (Markdig's advanced extensions), shared by every page.</summary>
    public static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    /// <summary>Markdown with math to HTML: protect the TeX, let Markdig render the rest, put the math back.</summary>
    public static string ToHtml(string markdown)
    {
        var math = Protect(markdown);
        return math.Restore(Markdown.ToHtml(math.Source, Pipeline));
    }

    public static Protected Protect(string markdown)
    {
        var formulas = new List<(bool, string)>();
        var sb = new StringBuilder();
        bool inFence = false;
        int i = 0;
        while (i < markdown.Length)
        {
            // fenced code blocks: copy whole lines verbatim
            if (AtLineStart(markdown, i) && markdown.AsSpan(i).TrimStart(' ').StartsWith("```"))
            {
                int end = markdown.IndexOf('\n', i);
                end = end < 0 ? markdown.Length : end + 1;
                sb.Append(markdown, i, end - i);
                inFence = !inFence;
                i = end;
                continue;
            }
            char c = markdown[i];
            if (inFence) { sb.Append(c); i++; continue; }
            if (c == '`')
            {
                // a code span runs to the next run of the same number of backticks
                int run = 1;
                while (i + run < markdown.Length && markdown[i + run] == '`') run++;
                int close = markdown.IndexOf(new string('`', run), i + run, StringComparison.Ordinal);
                int end = close < 0 ? i + run : close + run;
                sb.Append(markdown, i, end - i);
                i = end;
                continue;
            }
            if (c == '\\' && i + 1 < markdown.Length && markdown[i + 1] == '$') { sb.Append("\\$"); i += 2; continue; }
            if (c == '$')
            {
                bool display = i + 1 < markdown.Length && markdown[i + 1] == '$';
                int open = display ? 2 : 1;
                int close = FindClose(markdown, i + open, display);
                if (close > i + open)
                {
                    formulas.Add((display, markdown[(i + open)..close].Trim()));
                    sb.Append($"MPMATH{formulas.Count - 1}X");
                    i = close + open;
                    continue;
                }
            }
            sb.Append(c);
            i++;
        }
        return new Protected(sb.ToString(), formulas);
    }

    static bool AtLineStart(string s, int i) => i == 0 || s[i - 1] == '\n';

    // $$…$$ may span lines; $…$ stays within its paragraph (no blank line) and does not start or end with a space
    // (so "$5 and $6" is text)
    static int FindClose(string s, int from, bool display)
    {
        if (display) return s.IndexOf("$$", from, StringComparison.Ordinal);
        if (from >= s.Length || char.IsWhiteSpace(s[from])) return -1;
        for (int j = from; j < s.Length; j++)
        {
            if (s[j] == '\n' && j + 1 < s.Length && s[j + 1] == '\n') return -1;
            if (s[j] == '\\') { j++; continue; }
            if (s[j] == '$') return char.IsWhiteSpace(s[j - 1]) ? -1 : j;
        }
        return -1;
    }
}
