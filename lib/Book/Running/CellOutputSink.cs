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

    // The stream output being written: its text is kept in a builder and split into lines when the next output
    // starts or the cell ends, so a cell that prints many small pieces costs linear time.
    JsonObject? openStream;
    string? openStreamName;
    readonly StringBuilder openText = new();

    /// <summary>Starts collecting into a new cell's outputs.</summary>
    public void BeginCell(JsonArray outputs)
    {
        lock (gate)
        {
            CloseStream();
            current = outputs;
        }
    }

    /// <summary>
    /// Finishes the running cell's outputs (the last stream's text is written into its output). Anything written
    /// between cells, e.g. by a thread a cell left running, is dropped.
    /// </summary>
    public void EndCell()
    {
        lock (gate)
        {
            CloseStream();
            current = [];
        }
    }

    bool closed;

    /// <summary>Stops all changes to the notebook: after this, a cell thread that still runs (a timeout) cannot touch it.</summary>
    public void Close()
    {
        lock (gate)
        {
            CloseStream();
            closed = true;
        }
    }

    void CloseStream()
    {
        if (openStream is not null) openStream["text"] = NotebookDocument.Lines(openText.ToString());
        openStream = null;
        openStreamName = null;
        openText.Clear();
    }

    public void Write(string stream, string text)
    {
        if (text.Length == 0) return;
        lock (gate)
        {
            if (closed) return;
            if (openStream is null || openStreamName != stream)
            {
                CloseStream();
                openStream = NotebookDocument.StreamOutput(stream, "");
                openStreamName = stream;
                current.Add(openStream);
            }
            openText.Append(text);
        }
    }

    public bool UpdatesInPlace => true;

    public DisplayHandle Show(FormattedValue value)
    {
        lock (gate)
        {
            CloseStream();
            var output = NotebookDocument.DisplayData(value);
            if (closed) return new DisplayHandle(this, -1);
            current.Add(output);
            displays.Add(output);
            return new DisplayHandle(this, displays.Count - 1);
        }
    }

    public void Update(DisplayHandle handle, FormattedValue value)
    {
        lock (gate)
        {
            if (closed) return;
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
