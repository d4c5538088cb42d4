using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using MachinePerception.Tensors;

namespace MachinePerception.Display;

/// <summary>
/// The book's own formatter: turns a cell's value into text/plain and text/html the same way on every run
/// (no random ids, no style blocks, invariant culture). Tensors become tables (matrices) or bracketed text,
/// records and objects a property table, sequences a list or a table of their items' properties.
/// </summary>
public static class DisplayFormatter
{
    /// <summary>Rows and columns shown before a table or list is cut with "…".</summary>
    public const int MaxItems = 20;

    /// <summary>All forms of <paramref name="value"/>.</summary>
    public static FormattedValue Format(object? value) => value switch
    {
        null => Text("<null>"),
        FormattedValue f => f,
        // charts, exercises, feedback, worked solutions and errata boxes know their own forms
        IDisplayable d => d.ToDisplay(),
        HtmlContent h => new FormattedValue(new Dictionary<string, string> { [FormattedValue.Html] = h.Html }),
        PngImage p => new FormattedValue(new Dictionary<string, string>
        {
            [FormattedValue.Png] = Convert.ToBase64String(p.Bytes),
            [FormattedValue.Plain] = p.ToString(),
        }),
        string s => Text(s),
        Tensor t => Both(t.ToString(), TensorHtml(t)),
        _ when IsScalar(value) => Text(Inline(value)),
        System.Runtime.CompilerServices.ITuple => Text(value.ToString() ?? ""),
        IDictionary d => Both(PlainSequence(DictionaryEntries(d)), DictionaryHtml(d)),
        IEnumerable e => Both(PlainSequence(e.Cast<object?>()), SequenceHtml(e.Cast<object?>().ToList())),
        _ => Both(PlainObject(value), ObjectHtml(value)),
    };

    static FormattedValue Text(string s) => new(new Dictionary<string, string> { [FormattedValue.Plain] = s });

    static FormattedValue Both(string plain, string html) => new(new Dictionary<string, string>
    {
        [FormattedValue.Plain] = plain,
        [FormattedValue.Html] = html,
    });

    static bool IsScalar(object v) => v is IFormattable or bool or char || v.GetType().IsEnum;

    /// <summary>A short one-line form, used inside tables and lists.</summary>
    public static string Inline(object? v) => v switch
    {
        null => "<null>",
        string s => s,
        double d => d.ToString("G10", CultureInfo.InvariantCulture),
        float f => f.ToString("G7", CultureInfo.InvariantCulture),
        Tensor t when t.Size <= 8 => t.ToString(),
        Tensor t => $"tensor(shape={t.Shape}, {t.DType.Name()})",
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable e => PlainSequence(e.Cast<object?>()),
        _ => v.ToString() ?? "",
    };

    static string E(string s) => WebUtility.HtmlEncode(s);

    // ---------- tensors ----------

    static string TensorHtml(Tensor t)
    {
        var caption = $"tensor, shape {t.Shape}, {t.DType.Name()}";
        if (t.Rank is 0 or > 2) return $"<div><i>{E(caption)}</i><pre>{E(t.ToString())}</pre></div>";
        var d = t.ToDoubleArray();
        int rows = t.Rank == 1 ? 1 : t.Shape[0], cols = t.Shape[t.Rank - 1];
        var sb = new StringBuilder();
        sb.Append("<table><caption>").Append(E(caption)).Append("</caption>");
        foreach (int i in Shown(rows))
        {
            sb.Append("<tr>");
            if (i < 0) { foreach (int _ in Shown(cols)) sb.Append("<td>⋮</td>"); sb.Append("</tr>"); continue; }
            foreach (int j in Shown(cols))
                sb.Append("<td>").Append(j < 0 ? "…" : E(Inline(d[i * cols + j]))).Append("</td>");
            sb.Append("</tr>");
        }
        return sb.Append("</table>").ToString();
    }

    // Indices to show along an axis: all when short, else the first and last few with -1 marking the gap.
    static IEnumerable<int> Shown(int n)
    {
        if (n <= MaxItems) { for (int i = 0; i < n; i++) yield return i; yield break; }
        for (int i = 0; i < MaxItems / 2; i++) yield return i;
        yield return -1;
        for (int i = n - MaxItems / 2; i < n; i++) yield return i;
    }

    // ---------- sequences and dictionaries ----------

    static string PlainSequence(IEnumerable<object?> items)
    {
        var list = items.Take(MaxItems + 1).ToList();
        var shown = string.Join(", ", list.Take(MaxItems).Select(Inline));
        return "[" + shown + (list.Count > MaxItems ? ", …" : "") + "]";
    }

    static IEnumerable<object?> DictionaryEntries(IDictionary d)
    {
        foreach (DictionaryEntry e in d) yield return $"{Inline(e.Key)}: {Inline(e.Value)}";
    }

    static string DictionaryHtml(IDictionary d)
    {
        var sb = new StringBuilder("<table><tr><th>key</th><th>value</th></tr>");
        int n = 0;
        foreach (DictionaryEntry e in d)
        {
            if (n++ == MaxItems) { sb.Append("<tr><td>…</td><td>…</td></tr>"); break; }
            sb.Append("<tr><td>").Append(E(Inline(e.Key))).Append("</td><td>").Append(E(Inline(e.Value))).Append("</td></tr>");
        }
        return sb.Append("</table>").ToString();
    }

    static string SequenceHtml(List<object?> items)
    {
        // Items with properties (records, tuples of results) become one row each with a column per property.
        var first = items.FirstOrDefault(x => x is not null);
        var props = first is null || IsScalar(first) || first is string or Tensor or IEnumerable ? [] : Properties(first.GetType());
        bool table = props.Length > 0 && items.All(x => x is null || x.GetType() == first!.GetType());
        var sb = new StringBuilder("<table><tr><th>index</th>");
        if (table) foreach (var p in props) sb.Append("<th>").Append(E(p.Name)).Append("</th>");
        else sb.Append("<th>value</th>");
        sb.Append("</tr>");
        foreach (int i in Shown(items.Count))
        {
            sb.Append("<tr><td>").Append(i < 0 ? "…" : i.ToString(CultureInfo.InvariantCulture)).Append("</td>");
            if (table)
                foreach (var p in props) sb.Append("<td>").Append(i < 0 ? "…" : E(Inline(Read(p, items[i])))).Append("</td>");
            else sb.Append("<td>").Append(i < 0 ? "…" : E(Inline(items[i]))).Append("</td>");
            sb.Append("</tr>");
        }
        return sb.Append("</table>").ToString();
    }

    // ---------- records and other objects ----------

    static PropertyInfo[] Properties(Type t) => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
        .OrderBy(p => p.MetadataToken)
        .ToArray();

    static object? Read(PropertyInfo p, object? owner)
    {
        if (owner is null) return null;
        try { return p.GetValue(owner); }
        catch (TargetInvocationException e) { return $"<{e.InnerException?.GetType().Name}>"; }
    }

    static string PlainObject(object v)
    {
        // Records (and any type that overrides ToString) already print their members.
        var own = v.ToString();
        if (own is not null && own != v.GetType().ToString()) return own;
        var props = Properties(v.GetType());
        return v.GetType().Name + " { " + string.Join(", ", props.Select(p => $"{p.Name} = {Inline(Read(p, v))}")) + " }";
    }

    static string ObjectHtml(object v)
    {
        // Anonymous types have compiler-made names ("<>f__AnonymousType0`2"): no caption for them.
        var name = v.GetType().Name;
        var sb = new StringBuilder("<table>");
        if (!name.Contains('<')) sb.Append("<caption>").Append(E(name)).Append("</caption>");
        foreach (var p in Properties(v.GetType()))
            sb.Append("<tr><th>").Append(E(p.Name)).Append("</th><td>").Append(E(Inline(Read(p, v)))).Append("</td></tr>");
        return sb.Append("</table>").ToString();
    }
}
