using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MachinePerception.Book.Notebooks;

/// <summary>
/// Writes JSON the way Jupyter and the Polyglot extension write an .ipynb: keys sorted, one space of indent
/// per level, empty objects and arrays as <c>{}</c> and <c>[]</c>, non-ASCII characters as they are, a final
/// newline. The same document always gives the same bytes.
/// </summary>
public static class NotebookJson
{
    public static string Write(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node, 0);
        return sb.Append('\n').ToString();
    }

    static void Write(StringBuilder sb, JsonNode? node, int depth)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject o when o.Count == 0:
                sb.Append("{}");
                break;
            case JsonObject o:
                sb.Append("{\n");
                var keys = o.Select(p => p.Key).OrderBy(k => k, StringComparer.Ordinal).ToList();
                for (int i = 0; i < keys.Count; i++)
                {
                    Indent(sb, depth + 1);
                    String(sb, keys[i]);
                    sb.Append(": ");
                    Write(sb, o[keys[i]], depth + 1);
                    sb.Append(i < keys.Count - 1 ? ",\n" : "\n");
                }
                Indent(sb, depth);
                sb.Append('}');
                break;
            case JsonArray a when a.Count == 0:
                sb.Append("[]");
                break;
            case JsonArray a:
                sb.Append("[\n");
                for (int i = 0; i < a.Count; i++)
                {
                    Indent(sb, depth + 1);
                    Write(sb, a[i], depth + 1);
                    sb.Append(i < a.Count - 1 ? ",\n" : "\n");
                }
                Indent(sb, depth);
                sb.Append(']');
                break;
            case JsonValue v:
                Value(sb, v);
                break;
        }
    }

    static void Value(StringBuilder sb, JsonValue v)
    {
        switch (v.GetValueKind())
        {
            case JsonValueKind.String: String(sb, v.GetValue<string>()); break;
            case JsonValueKind.True: sb.Append("true"); break;
            case JsonValueKind.False: sb.Append("false"); break;
            case JsonValueKind.Null: sb.Append("null"); break;
            case JsonValueKind.Number when v.TryGetValue<int>(out var i): sb.Append(i.ToString(CultureInfo.InvariantCulture)); break;
            case JsonValueKind.Number when v.TryGetValue<long>(out var l): sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case JsonValueKind.Number: sb.Append(v.GetValue<double>().ToString("R", CultureInfo.InvariantCulture)); break;
            default: throw new InvalidOperationException($"NotebookJson: unexpected value kind {v.GetValueKind()}");
        }
    }

    static void Indent(StringBuilder sb, int depth) => sb.Append(' ', depth);

    // Escapes as Python's json.dumps(ensure_ascii=False) does: quote, backslash, control characters.
    static void String(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
