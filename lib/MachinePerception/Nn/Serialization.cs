using System.Runtime.InteropServices;
using System.Text;
using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Nn;

/// <summary>
/// Saves and loads a module's parameters and buffers (e.g. BatchNorm's running statistics) in a small binary
/// format, so a trained model can be shipped with a chapter and reloaded bit for bit. Every number little-endian:
/// <code>
/// magic    8 bytes  ASCII "MPTENSOR"
/// version  int32    1 (parameters only) or 2 (a header first)
/// header   version 2 only: int32 length, then that many bytes of UTF-8 text (a checkpoint's JSON header)
/// count    int32    number of tensors
/// then per tensor, in the order of NamedParameters() followed by NamedBuffers():
///   nameLength int32, name (UTF-8 bytes, a dotted path such as "2.weight")
///   kind       byte   0 = parameter, 1 = buffer
///   dtype      byte   0 = float32, 1 = float64
///   rank       int32, then rank × int32 dimensions
///   data       size × 4 or 8 bytes (IEEE 754), row-major
/// </code>
/// Loading checks the file against the module: every name must be present in both, with the same kind, dtype and
/// shape; otherwise the error names the tensor and both sides. Values are copied into the module's existing tensors.
/// </summary>
public static class Serialization
{
    static readonly byte[] Magic = "MPTENSOR"u8.ToArray();

    /// <summary>The format of a file without a header.</summary>
    public const int Version = 1;

    /// <summary>The format of a file with a header (a checkpoint, <see cref="Checkpoints.Checkpoint"/>).</summary>
    public const int VersionWithHeader = 2;

    sealed record Entry(string Name, byte Kind, Tensor Value);

    static List<Entry> Entries(Module module) =>
        [.. module.NamedParameters().Select(p => new Entry(p.Name, 0, p.Value)),
         .. module.NamedBuffers().Select(b => new Entry(b.Name, 1, b.Value))];

    /// <summary>Writes the module's parameters and buffers to a file.</summary>
    public static void Save(Module module, string path)
    {
        using var f = File.Create(path);
        Save(module, f);
    }

    /// <summary>Writes the module's parameters and buffers to a stream; with a header, in format version 2.</summary>
    public static void Save(Module module, Stream stream, string? header = null)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true); // BinaryWriter is always little-endian
        w.Write(Magic);
        w.Write(header is null ? Version : VersionWithHeader);
        if (header is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(header);
            w.Write(bytes.Length);
            w.Write(bytes);
        }
        WriteTensors(module, w);
    }

    /// <summary>SHA-256 (lower-case hex) of the module's tensors as the file stores them: names, shapes and values.</summary>
    public static string TensorsSha256(Module module)
    {
        using var s = new MemoryStream();
        using (var w = new BinaryWriter(s, Encoding.UTF8, leaveOpen: true)) WriteTensors(module, w);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(s.ToArray()));
    }

    static void WriteTensors(Module module, BinaryWriter w)
    {
        var entries = Entries(module);
        w.Write(entries.Count);
        foreach (var (name, kind, value) in entries)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            w.Write(nameBytes.Length);
            w.Write(nameBytes);
            w.Write(kind);
            w.Write((byte)(value.DType == DType.Float32 ? 0 : 1));
            w.Write(value.Rank);
            foreach (var d in value.Shape) w.Write(d);
            var cpu = value.ToCpu();
            if (value.DType == DType.Float32) WriteNumbers<float>(w, cpu.AsSpan<float>());
            else WriteNumbers<double>(w, cpu.AsSpan<double>());
        }
    }

    static void WriteNumbers<T>(BinaryWriter w, Span<T> data) where T : unmanaged
    {
        if (BitConverter.IsLittleEndian) { w.Write(MemoryMarshal.AsBytes(data)); return; }
        foreach (var v in data)
        {
            if (v is float f) w.Write(f);
            else if (v is double d) w.Write(d);
        }
    }

    /// <summary>Reads a file written by <see cref="Save(Module, string)"/> into the module's tensors; returns its header (null in version 1).</summary>
    public static string? Load(Module module, string path)
    {
        using var f = File.OpenRead(path);
        return Load(module, f, path);
    }

    /// <summary>Reads a stream written by <see cref="Save(Module, Stream, string?)"/> into the module's tensors; returns its header (null in version 1).</summary>
    public static string? Load(Module module, Stream stream, string source = "stream")
    {
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        var header = ReadHeader(r, source);
        ReadTensors(module, r, source);
        return header;
    }

    /// <summary>Only the header of a parameter file (null in version 1), without reading the tensors.</summary>
    public static string? ReadHeader(string path)
    {
        using var f = File.OpenRead(path);
        using var r = new BinaryReader(f, Encoding.UTF8, leaveOpen: true);
        return ReadHeader(r, path);
    }

    static string? ReadHeader(BinaryReader r, string source)
    {
        var magic = r.ReadBytes(Magic.Length);
        if (!magic.AsSpan().SequenceEqual(Magic))
            throw new InvalidDataException($"Serialization.Load: {source} is not a parameter file (magic '{Encoding.ASCII.GetString(magic)}', expected 'MPTENSOR')");
        int version = r.ReadInt32();
        if (version == Version) return null;
        if (version != VersionWithHeader)
            throw new InvalidDataException($"Serialization.Load: {source} has format version {version}; this library reads versions {Version} and {VersionWithHeader}");
        int length = r.ReadInt32();
        var bytes = r.ReadBytes(length);
        if (length < 0 || bytes.Length != length)
            throw new InvalidDataException($"Serialization.Load: {source} ends inside its header ({bytes.Length} of {length} bytes)");
        return Encoding.UTF8.GetString(bytes);
    }

    static void ReadTensors(Module module, BinaryReader r, string source)
    {
        int count = r.ReadInt32();
        var expected = Entries(module).ToDictionary(e => e.Name);
        var loaded = new List<(Tensor Target, Tensor Value)>();
        var seen = new HashSet<string>();
        for (int i = 0; i < count; i++)
        {
            string name = Encoding.UTF8.GetString(r.ReadBytes(r.ReadInt32()));
            byte kind = r.ReadByte();
            byte dtypeCode = r.ReadByte();
            if (dtypeCode > 1) throw new InvalidDataException($"Serialization.Load: '{name}' in {source} has unknown dtype code {dtypeCode}");
            var dtype = dtypeCode == 0 ? DType.Float32 : DType.Float64;
            var dims = new int[r.ReadInt32()];
            for (int k = 0; k < dims.Length; k++) dims[k] = r.ReadInt32();
            var shape = new Shape(dims);
            var value = ReadNumbers(r, shape, dtype, name, source);
            if (!expected.TryGetValue(name, out var target))
                throw new InvalidDataException($"Serialization.Load: {source} has '{name}' {shape} that the module {module.GetType().Name} does not have");
            if (kind != target.Kind)
                throw new InvalidDataException($"Serialization.Load: '{name}' is a {(kind == 0 ? "parameter" : "buffer")} in {source} but a {(target.Kind == 0 ? "parameter" : "buffer")} in the module");
            if (!shape.Equals(target.Value.Shape))
                throw new InvalidDataException($"Serialization.Load: '{name}' has shape {shape} in {source} but {target.Value.Shape} in the module");
            if (dtype != target.Value.DType)
                throw new InvalidDataException($"Serialization.Load: '{name}' is {dtype.Name()} in {source} but {target.Value.DType.Name()} in the module");
            if (!seen.Add(name)) throw new InvalidDataException($"Serialization.Load: '{name}' appears twice in {source}");
            loaded.Add((target.Value, value));
        }
        var missing = expected.Keys.Where(k => !seen.Contains(k)).ToArray();
        if (missing.Length > 0)
            throw new InvalidDataException($"Serialization.Load: {source} lacks {string.Join(", ", missing.Select(m => $"'{m}' {expected[m].Value.Shape}"))}");
        // copy only after the whole file checked out, so a bad file leaves the module unchanged
        foreach (var (target, value) in loaded)
            Backend.Get(target.Device).Copy(value.To(target.Device), target);
    }

    static Tensor ReadNumbers(BinaryReader r, Shape shape, DType dtype, string name, string source)
    {
        var bytes = r.ReadBytes(shape.Size * dtype.SizeInBytes());
        if (bytes.Length != shape.Size * dtype.SizeInBytes())
            throw new InvalidDataException($"Serialization.Load: {source} ends inside the data of '{name}' {shape}");
        if (!BitConverter.IsLittleEndian)
            for (int i = 0; i < bytes.Length; i += dtype.SizeInBytes()) Array.Reverse(bytes, i, dtype.SizeInBytes());
        if (dtype == DType.Float32) return new Tensor(shape, new CpuStorage<float>(MemoryMarshal.Cast<byte, float>(bytes).ToArray()));
        return new Tensor(shape, new CpuStorage<double>(MemoryMarshal.Cast<byte, double>(bytes).ToArray()));
    }
}
