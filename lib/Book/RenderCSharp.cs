using System.Net;
using System.Text;

namespace MachinePerception.Book;

/// <summary>
/// A small C# highlighter for the HTML book: comments, strings (plain, verbatim, interpolated, raw), character
/// literals, numbers, keywords and preprocessor lines (<c>#r</c>) become spans with a class; everything else is
/// escaped text. It reads the code once, left to right, so it never mis-nests; it does not parse C#, which is enough
/// for colouring.
/// </summary>
public static class RenderCSharp
{
    static readonly HashSet<string> Keywords =
    [
        "abstract", "as", "async", "await", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class",
        "const", "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit",
        "extern", "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "init", "int",
        "interface", "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out",
        "override", "params", "private", "protected", "public", "readonly", "record", "ref", "return", "sbyte", "sealed",
        "short", "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try",
        "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "var", "virtual", "void", "volatile",
        "while", "yield", "get", "set", "when", "where", "and", "or", "not", "with", "nameof",
    ];

    /// <summary>The code as HTML (to put inside <c>&lt;pre&gt;&lt;code&gt;</c>).</summary>
    public static string ToHtml(string code)
    {
        var sb = new StringBuilder(code.Length * 2);
        int i = 0;
        void Span(string cls, int end)
        {
            sb.Append("<span class=\"").Append(cls).Append("\">").Append(WebUtility.HtmlEncode(code[i..end])).Append("</span>");
            i = end;
        }
        bool lineStart = true;
        while (i < code.Length)
        {
            char c = code[i];
            char next = i + 1 < code.Length ? code[i + 1] : '\0';
            if (c == '/' && next == '/') Span("com", LineEnd(code, i));
            else if (c == '/' && next == '*')
            {
                int end = code.IndexOf("*/", i + 2, StringComparison.Ordinal);
                Span("com", end < 0 ? code.Length : end + 2);
            }
            else if (c == '#' && lineStart) Span("pre", LineEnd(code, i));
            else if (c == '"' || ((c is '@' or '$') && (next == '"' || (next is '@' or '$' && i + 2 < code.Length && code[i + 2] == '"'))))
                Span("str", StringEnd(code, i));
            else if (c == '\'')
            {
                int end = i + 1;
                while (end < code.Length && code[end] != '\'' && code[end] != '\n') end += code[end] == '\\' ? 2 : 1;
                Span("str", Math.Min(code.Length, end + 1));
            }
            else if (char.IsDigit(c))
            {
                int end = i;
                bool hex = next is 'x' or 'X';
                while (end < code.Length && (char.IsLetterOrDigit(code[end]) || code[end] is '.' or '_'
                                             || (code[end] is '+' or '-' && !hex && code[end - 1] is 'e' or 'E'))
                       && !(code[end] == '.' && (end + 1 >= code.Length || !char.IsDigit(code[end + 1])))) end++;
                Span("num", end);
            }
            else if (char.IsLetter(c) || c == '_')
            {
                int end = i;
                while (end < code.Length && (char.IsLetterOrDigit(code[end]) || code[end] == '_')) end++;
                var word = code[i..end];
                if (Keywords.Contains(word)) Span("kw", end);
                else { sb.Append(WebUtility.HtmlEncode(word)); i = end; }
            }
            else
            {
                sb.Append(WebUtility.HtmlEncode(c.ToString()));
                i++;
            }
            if (i > 0) lineStart = code[i - 1] == '\n' || (lineStart && char.IsWhiteSpace(code[i - 1]));
        }
        return sb.ToString();
    }

    static int LineEnd(string code, int from)
    {
        int end = code.IndexOf('\n', from);
        return end < 0 ? code.Length : end;
    }

    // The end (exclusive) of a string literal starting at 'from': handles @ (doubled quotes, no escapes),
    // """raw""" literals, and backslash escapes; interpolation holes are coloured as part of the string.
    static int StringEnd(string code, int from)
    {
        int i = from;
        bool verbatim = false;
        while (code[i] is '@' or '$') { verbatim |= code[i] == '@'; i++; }
        int quotes = 0;
        while (i + quotes < code.Length && code[i + quotes] == '"') quotes++;
        if (quotes >= 3)
        {
            int close = code.IndexOf(new string('"', quotes), i + quotes, StringComparison.Ordinal);
            return close < 0 ? code.Length : close + quotes;
        }
        i++;
        while (i < code.Length)
        {
            if (!verbatim && code[i] == '\\') { i += 2; continue; }
            if (code[i] == '"')
            {
                if (verbatim && i + 1 < code.Length && code[i + 1] == '"') { i += 2; continue; }
                return i + 1;
            }
            if (!verbatim && code[i] == '\n') return i;
            i++;
        }
        return code.Length;
    }
}
