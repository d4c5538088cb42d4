using System.Buffers.Binary;
using System.IO.Compression;
using MachinePerception.Display;
using MachinePerception.Display.Headless;
using Tensor = MachinePerception.Tensors.Tensor;

namespace MachinePerception.Book.Tests;

/// <summary>A host that records what it is given, to test displays without a notebook.</summary>
internal sealed class RecordingHost(bool inPlace) : INotebookHost
{
    public List<FormattedValue> Shown { get; } = [];
    public List<string?> Statuses { get; } = [];
    public bool UpdatesInPlace => inPlace;

    public DisplayHandle Show(FormattedValue value)
    {
        Shown.Add(value);
        return new DisplayHandle(this, Shown.Count - 1);
    }

    public void Update(DisplayHandle handle, FormattedValue value) => Shown[handle.Id] = value;
    public void Status(string? line) => Statuses.Add(line);
}

/// <summary>Tests that set the process-wide <see cref="Notebook.Host"/> run one at a time.</summary>
[Collection("runner")]
public sealed class DisplayTests
{
    static string Plain(object? v) => DisplayFormatter.Format(v).Data[FormattedValue.Plain];
    static string Html(object? v) => DisplayFormatter.Format(v).Data[FormattedValue.Html];

    [Fact]
    public void A_matrix_becomes_a_table_with_every_entry()
    {
        var t = Tensor.FromArray(new double[] { 1, 2.5, -3, 4, 5, 6 }, 2, 3);
        var html = Html(t);
        Assert.StartsWith("<table><caption>tensor, shape [2, 3], float64</caption>", html);
        Assert.Contains("<tr><td>1</td><td>2.5</td><td>-3</td></tr><tr><td>4</td><td>5</td><td>6</td></tr>", html);
        Assert.Equal(t.ToString(), Plain(t));
    }

    [Fact]
    public void A_long_vector_is_cut_with_an_ellipsis_and_keeps_both_ends()
    {
        var html = Html(Tensor.Arange(100, MachinePerception.Tensors.DType.Float64));
        Assert.Contains("<td>0</td>", html);
        Assert.Contains("<td>…</td>", html);
        Assert.Contains("<td>99</td>", html);
        Assert.DoesNotContain("<td>50</td>", html);
        Assert.Equal(DisplayFormatter.MaxItems + 1, html.Split("<td>").Length - 1);
    }

    sealed record Score(string Name, double Value);

    [Fact]
    public void Records_sequences_dictionaries_and_scalars_format_invariantly()
    {
        Assert.Equal("Score { Name = a, Value = 0.5 }", Plain(new Score("a", 0.5)));
        Assert.Contains("<tr><th>Value</th><td>0.5</td></tr>", Html(new Score("a", 0.5)));
        Assert.Equal("[1, 2, 3]", Plain(new[] { 1, 2, 3 }));
        Assert.Equal("[a: 1]", Plain(new Dictionary<string, int> { ["a"] = 1 }));
        Assert.Equal("0.1", Plain(0.1));
        Assert.Equal("1E-300", Plain(1e-300));
        Assert.Equal("<null>", Plain(null));
        Assert.False(DisplayFormatter.Format(3).Data.ContainsKey(FormattedValue.Html));
        Assert.Equal(["text/html"], DisplayFormatter.Format(new HtmlContent("<i>x</i>")).Data.Keys);
    }

    [Fact]
    public void Html_in_values_is_escaped()
    {
        Assert.Contains("<td>&lt;b&gt;</td>", Html(new[] { "<b>" }));
    }

    [Fact]
    public void Only_keeps_the_requested_mime_types_and_refuses_unknown_ones()
    {
        var v = DisplayFormatter.Format(new Score("a", 1));
        Assert.Equal(["text/plain"], v.Only(["text/plain"]).Data.Keys);
        Assert.Equal("<pre>7</pre>", DisplayFormatter.Format(7).Only(["text/html"]).Data["text/html"]);
        var e = Assert.Throws<ArgumentException>(() => v.Only(["image/png"]));
        Assert.StartsWith("display: cannot show this value as image/png", e.Message);
    }

    [Fact]
    public void Png_decodes_to_the_pixels_it_was_given()
    {
        // [3, H, W] → RGB; decode the PNG by hand (chunks, CRC, zlib, filter 0) and compare.
        var t = Tensor.FromArray(new double[] { 0, 1, 0.5, 0.2, /* G */ 1, 0, 0.5, 0.4, /* B */ 0, 0, 1, 2 }, 3, 2, 2);
        var png = PngImage.FromTensor(t, scale: 2);
        Assert.Equal((4, 4), (png.Width, png.Height));
        var b = png.Bytes;
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, b[..8]);
        int at = 8;
        var idat = new MemoryStream();
        var types = new List<string>();
        while (at < b.Length)
        {
            int n = BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(b, at + 4, 4);
            types.Add(type);
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(at + 8 + n)), ReferenceCrc(b.AsSpan(at + 4, 4 + n)));
            if (type == "IHDR") Assert.Equal(new byte[] { 0, 0, 0, 4, 0, 0, 0, 4, 8, 2, 0, 0, 0 }, b[(at + 8)..(at + 8 + n)]);
            if (type == "IDAT") idat.Write(b, at + 8, n);
            at += 12 + n;
        }
        Assert.Equal(["IHDR", "IDAT", "IEND"], types);
        idat.Position = 0;
        var raw = new MemoryStream();
        new ZLibStream(idat, CompressionMode.Decompress).CopyTo(raw);
        var rows = raw.ToArray();
        Assert.Equal(4 * (1 + 4 * 3), rows.Length);
        byte Pixel(int y, int x, int c) => rows[y * 13 + 1 + x * 3 + c];
        Assert.Equal((0, 255, 0), (Pixel(0, 0, 0), Pixel(0, 0, 1), Pixel(0, 0, 2)));
        Assert.Equal((255, 0, 0), (Pixel(1, 3, 0), Pixel(1, 3, 1), Pixel(1, 3, 2)));          // (0,1) scaled ×2
        Assert.Equal((51, 102, 255), (Pixel(3, 3, 0), Pixel(3, 3, 1), Pixel(3, 3, 2)));       // 0.2, 0.4, 2 → clamped to 1
        Assert.All(Enumerable.Range(0, 4), y => Assert.Equal(0, rows[y * 13]));              // filter byte 0
    }

    // Bit-by-bit CRC-32 (no table), independent of the encoder's table-driven one.
    static uint ReferenceCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var x in data)
        {
            crc ^= x;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }

    [Fact]
    public void Png_refuses_shapes_it_cannot_draw()
    {
        var e = Assert.Throws<ArgumentException>(() => PngImage.FromTensor(Tensor.Zeros(new MachinePerception.Tensors.Shape(2, 2, 2))));
        Assert.Equal("PngImage.FromTensor: needs [H, W], [1, H, W] or [3, H, W], got [2, 2, 2]", e.Message);
    }

    [Fact]
    public void Training_progress_updates_in_place_and_ends_without_timings()
    {
        var saved = Notebook.Host;
        try
        {
            var host = new RecordingHost(inPlace: true);
            Notebook.Host = host;
            using (var p = new TrainingProgress(4, "fit"))
                for (int e = 1; e <= 4; e++) p.Report(e, 1.0 / e);
            var final = Assert.Single(host.Shown);
            Assert.Equal("fit: epoch 4/4, loss 0.25", final.Data[FormattedValue.Plain]);
            Assert.Contains("<progress value=\"4\" max=\"4\">", final.Data[FormattedValue.Html]);
            Assert.Contains(host.Statuses, s => s is not null && s.Contains("ETA"));
            Assert.Null(host.Statuses[^1]);

            var terminal = new RecordingHost(inPlace: false);
            Notebook.Host = terminal;
            using (var p = new TrainingProgress(2)) p.Report(1, 3);   // stopped early: Dispose shows the last state
            Assert.Equal("training: epoch 1/2, loss 3", Assert.Single(terminal.Shown).Data[FormattedValue.Plain]);
            Assert.Throws<ArgumentException>(() => new TrainingProgress(2).Report(3, 0));
        }
        finally { Notebook.Host = saved; }
    }

    [Fact]
    public void Display_and_html_go_to_the_host_and_handles_update_in_place()
    {
        var saved = Notebook.Host;
        try
        {
            var host = new RecordingHost(inPlace: true);
            Notebook.Host = host;
            var h = Kernel.display("one");
            Kernel.HTML("<b>x</b>").Display();
            h.Update("two");
            Notebook.Show(3);
            Assert.Equal("two", host.Shown[0].Data[FormattedValue.Plain]);
            Assert.Equal("<b>x</b>", host.Shown[1].Data[FormattedValue.Html]);
            Assert.Equal("3", host.Shown[2].Data[FormattedValue.Plain]);
        }
        finally { Notebook.Host = saved; }
    }

    [Fact]
    public void Smoke_mode_reads_the_environment_variable()
    {
        var saved = Environment.GetEnvironmentVariable(Notebook.SmokeVariable);
        try
        {
            Environment.SetEnvironmentVariable(Notebook.SmokeVariable, "1");
            Assert.Equal(2, Notebook.Choose(full: 50, smoke: 2));
            Environment.SetEnvironmentVariable(Notebook.SmokeVariable, null);
            Assert.Equal(50, Notebook.Choose(full: 50, smoke: 2));
        }
        finally { Environment.SetEnvironmentVariable(Notebook.SmokeVariable, saved); }
    }

    [Fact]
    public void Element_ids_count_from_one_after_a_reset()
    {
        ElementIds.Reset();
        Assert.Equal("plot-1", ElementIds.Next("plot"));
        Assert.Equal("bar-2", ElementIds.Next("bar"));
        ElementIds.Reset();
        Assert.Equal("plot-1", ElementIds.Next("plot"));
    }
}

/// <summary>
/// The shape the Polyglot kernel's convention-based formatter sources expect, exercised by reflection the way the
/// kernel does it (the kernel itself is not available here): an attribute named TypeFormatterSourceAttribute with
/// FormatterSourceType, a source with CreateTypeFormatters(), formatters with MimeType and Format(object, TextWriter).
/// </summary>
public sealed class PolyglotFormatterConventionTests
{
    static string? FormatLikeTheKernel(object value, string mimeType)
    {
        var attribute = value.GetType().GetCustomAttributes(true).Single(a => a.GetType().Name == "TypeFormatterSourceAttribute");
        var sourceType = (Type)attribute.GetType().GetProperty("FormatterSourceType")!.GetValue(attribute)!;
        var source = Activator.CreateInstance(sourceType)!;
        var formatters = (IEnumerable<object>)sourceType.GetMethod("CreateTypeFormatters")!.Invoke(source, null)!;
        foreach (var f in formatters)
        {
            if ((string)f.GetType().GetProperty("MimeType")!.GetValue(f)! != mimeType) continue;
            var writer = new StringWriter();
            var ok = (bool)f.GetType().GetMethod("Format", [typeof(object), typeof(TextWriter)])!.Invoke(f, [value, writer])!;
            return ok ? writer.ToString() : null;
        }
        return null;
    }

    [Fact]
    public void A_tensor_formats_in_the_kernel_as_the_book_formats_it()
    {
        var t = Tensor.FromArray(new double[] { 1, 2, 3, 4 }, 2, 2);
        Assert.Equal(DisplayFormatter.Format(t).Data[FormattedValue.Html], FormatLikeTheKernel(t, "text/html"));
        Assert.Equal(t.ToString(), FormatLikeTheKernel(t, "text/plain"));
    }

    [Fact]
    public void A_picture_becomes_an_inline_png_in_html()
    {
        var png = PngImage.FromTensor(Tensor.Zeros(new MachinePerception.Tensors.Shape(2, 2)));
        Assert.StartsWith("<img src=\"data:image/png;base64,iVBORw0KGgo", FormatLikeTheKernel(png, "text/html"));
    }
}
