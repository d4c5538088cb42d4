using System.Text;
using System.Text.Json.Nodes;
using MachinePerception.Book.Notebooks;
using MachinePerception.Display;

namespace MachinePerception.Book.Running;

/// <summary>
/// Collects what a running cell produces, in order, as nbformat outputs: console text as stream outputs
/// (consecutive writes to one stream merge), displays as display_data. It is the runner's
/// <see cref="INotebookHost"/>: a display update replaces the earlier output in place, so the notebook keeps only
/// the final state. Terminal status lines go to the real standard error, never into the notebook.
/// </summary>
internal sealed class CellOutputSink(TextWriter terminal) : INotebookHost
{
    readonly object gate = new();
    JsonArray current = [];
    readonly List<JsonObject> displays = [];
    int statusLength;

    /// <summary>Starts collecting into a new cell's outputs.</summary>
    public void BeginCell(JsonArray outputs)
    {
        lock (gate) current = outputs;
    }

    public void Write(string stream, string text)
    {
        if (text.Length == 0) return;
        lock (gate)
        {
            if (current.Count > 0 && current[^1] is JsonObject last
                && last["output_type"]?.GetValue<string>() == "stream" && last["name"]?.GetValue<string>() == stream)
            {
                last["text"] = NotebookDocument.Lines(NotebookDocument.Text(last["text"]) + text);
                return;
            }
            current.Add(NotebookDocument.StreamOutput(stream, text));
        }
    }

    public bool UpdatesInPlace => true;

    public DisplayHandle Show(FormattedValue value)
    {
        lock (gate)
        {
            var output = NotebookDocument.DisplayData(value);
            current.Add(output);
            displays.Add(output);
            return new DisplayHandle(this, displays.Count - 1);
        }
    }

    public void Update(DisplayHandle handle, FormattedValue value)
    {
        lock (gate)
        {
            if (handle.Id < 0 || handle.Id >= displays.Count)
                throw new ArgumentException($"display update: no display with id {handle.Id} in this notebook");
            displays[handle.Id]["data"] = NotebookDocument.DisplayDataBody(value);
        }
    }

    public void Status(string? line)
    {
        lock (gate)
        {
            // One line redrawn in place with a carriage return, wiped when it ends.
            if (line is null && statusLength == 0) return;
            var text = line is null ? "" : "  " + line;
            terminal.Write("\r" + text.PadRight(statusLength) + (line is null ? "\r" : ""));
            statusLength = line is null ? 0 : text.Length;
        }
    }

    /// <summary>A <see cref="TextWriter"/> that feeds one stream (stdout or stderr) of the running cell.</summary>
    public TextWriter Writer(string stream) => new StreamWriterInto(this, stream);

    sealed class StreamWriterInto(CellOutputSink sink, string stream) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;
        public override void Write(char value) => sink.Write(stream, value.ToString());
        public override void Write(string? value) => sink.Write(stream, value ?? "");
        public override void Write(char[] buffer, int index, int count) => sink.Write(stream, new string(buffer, index, count));
    }
}
