using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace MachinePerception.Body;

/// <summary>
/// One array of a .npy file: its NumPy dtype string (e.g. "&lt;f8", "&lt;u4"), its shape and its values in C (row-major)
/// order. Values are held as doubles, which represent every float32/float64 and every integer up to 2⁵³ exactly
/// (SMPL's kintree_table marks the root's parent with 4294967295 = 2³² − 1 as uint32).
/// </summary>
public sealed record NpyArray(string DType, int[] Shape, double[] Values)
{
    public int Size => Shape.Aggregate(1, (a, b) => a * b);

    public bool IsInteger => DType[1..] is "i1" or "i2" or "i4" or "i8" or "u1" or "u2" or "u4" or "u8" or "b1";

    /// <summary>A float64 tensor of the same shape.</summary>
    public Tensor ToTensor() => Tensor.FromArray(Values, Shape);

    /// <summary>An array of doubles as float64 ("&lt;f8").</summary>
    public static NpyArray FromTensor(Tensor t) => new("<f8", t.Shape.ToArray(), t.ToDoubleArray());

    /// <summary>Integers as the given integer dtype (default int64, "&lt;i8").</summary>
    public static NpyArray FromIntegers(IEnumerable<long> values, int[] shape, string dtype = "<i8") =>
        new(dtype, shape, values.Select(v => (double)v).ToArray());
}

/// <summary>
/// NumPy's .npz format (a zip archive of .npy files, one per array, named "name.npy"), the layout in which converted
/// SMPL models and SMPL-X are distributed (§9.3). <see cref="Read(string)"/> accepts what np.savez and np.savez_compressed
/// write: .npy format versions 1.0–3.0, little- or big-endian, C or Fortran order, dtypes bool, (u)int8–64, float32/64.
/// <see cref="Write(string, IEnumerable{ValueTuple{string, NpyArray}})"/> writes version 1.0, C order, little-endian, uncompressed like np.savez, with fixed zip
/// timestamps so the same arrays give the same bytes. Object (pickled) arrays are refused, as np.load does by default.
/// </summary>
public static class NpzArchive
{
    static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static Dictionary<string, NpyArray> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"NpzArchive.Read: no file {path}", path);
        using var stream = File.OpenRead(path);
        return Read(stream, Path.GetFileName(path));
    }

    public static Dictionary<string, NpyArray> Read(Stream stream, string source = "npz")
    {
        var arrays = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        ZipArchive zip;
        try { zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true); }
        catch (InvalidDataException e) { throw new FormatException($"{source}: not a zip archive (.npz): {e.Message}"); }
        using (zip)
            foreach (var entry in zip.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal)) continue;
                using var s = entry.Open();
                using var buffer = new MemoryStream();
                s.CopyTo(buffer);
                var name = entry.FullName[..^4];
                arrays[name] = ReadNpy(buffer.ToArray(), $"{source}/{entry.FullName}");
            }
        return arrays;
    }

    /// <summary>Parses one .npy file.</summary>
    public static NpyArray ReadNpy(byte[] bytes, string source = "npy")
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
            throw new FormatException($"{source}: not a .npy file (magic \\x93NUMPY missing)");
        int major = bytes[6];
        int headerLength, start;
        if (major == 1) { headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)); start = 10; }
        else if (major is 2 or 3) { headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)); start = 12; }
        else throw new FormatException($"{source}: .npy format version {major}.{bytes[7]} is not 1.0, 2.0 or 3.0");
        if (start + headerLength > bytes.Length) throw new FormatException($"{source}: header of {headerLength} bytes runs past the end");
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes, start, headerLength);

        var descr = Regex.Match(header, @"'descr'\s*:\s*'([^']*)'");
        var fortran = Regex.Match(header, @"'fortran_order'\s*:\s*(True|False)");
        var shapeMatch = Regex.Match(header, @"'shape'\s*:\s*\(([^)]*)\)");
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
            throw new FormatException($"{source}: header {header.Trim()} lacks 'descr', 'fortran_order' or 'shape'");
        var shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => int.TryParse(d.TrimEnd('L'), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= 0 ? v
                : throw new FormatException($"{source}: shape entry '{d}' is not a size")).ToArray();
        string dtype = descr.Groups[1].Value;
        if (dtype.Length < 3 || dtype[0] is not ('<' or '>' or '|' or '='))
            throw new FormatException($"{source}: dtype '{dtype}' is not supported (object and structured arrays are refused)");
        bool big = dtype[0] == '>' || (dtype[0] == '=' && !BitConverter.IsLittleEndian);
        string kind = dtype[1..];
        int width = kind switch
        {
            "f8" or "i8" or "u8" => 8,
            "f4" or "i4" or "u4" => 4,
            "i2" or "u2" => 2,
            "i1" or "u1" or "b1" => 1,
            _ => throw new FormatException($"{source}: dtype '{dtype}' is not supported (bool, int8–64, uint8–64, float32, float64)"),
        };
        long count = shape.Aggregate(1L, (a, b) => a * b);
        int data = start + headerLength;
        if (data + count * width > bytes.Length)
            throw new FormatException($"{source}: shape ({string.Join(", ", shape)}) of {dtype} needs {count * width} bytes, the file has {bytes.Length - data}");
        var values = new double[count];
        var span = bytes.AsSpan(data);
        for (long i = 0; i < count; i++)
        {
            var b = span.Slice((int)(i * width), width);
            values[i] = kind switch
            {
                "f8" => big ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b),
                "f4" => big ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b),
                "i8" => big ? BinaryPrimitives.ReadInt64BigEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b),
                "u8" => big ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b),
                "i4" => big ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b),
                "u4" => big ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b),
                "i2" => big ? BinaryPrimitives.ReadInt16BigEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b),
                "u2" => big ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b),
                "i1" => (sbyte)b[0],
                _ => b[0], // u1, b1
            };
        }
        if (fortran.Groups[1].Value == "True" && shape.Length > 1) values = FortranToC(values, shape);
        return new NpyArray("<" + kind, shape, values);
    }

    // Fortran order stores the first index fastest; C order the last.
    static double[] FortranToC(double[] values, int[] shape)
    {
        var result = new double[values.Length];
        var index = new int[shape.Length];
        for (int f = 0; f < values.Length; f++)
        {
            int c = 0;
            for (int d = 0; d < shape.Length; d++) c = c * shape[d] + index[d];
            result[c] = values[f];
            for (int d = 0; d < shape.Length && ++index[d] == shape[d]; d++) index[d] = 0;
        }
        return result;
    }

    /// <summary>Writes the arrays as an .npz archive (entries "name.npy" in the given order).</summary>
    public static void Write(string path, IEnumerable<(string Name, NpyArray Array)> arrays)
    {
        using var file = File.Create(path);
        Write(file, arrays);
    }

    public static void Write(Stream stream, IEnumerable<(string Name, NpyArray Array)> arrays)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, array) in arrays)
        {
            if (string.IsNullOrEmpty(name) || name.Contains('/')) throw new ArgumentException($"NpzArchive.Write: '{name}' is not an array name");
            var entry = zip.CreateEntry(name + ".npy", CompressionLevel.NoCompression);
            entry.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
            using var s = entry.Open();
            var bytes = WriteNpy(array);
            s.Write(bytes);
        }
    }

    /// <summary>One .npy file, format 1.0: magic, version, header length, a Python dict padded with spaces to a multiple of 64 bytes, the data.</summary>
    public static byte[] WriteNpy(NpyArray array)
    {
        if (array.Values.Length != array.Size)
            throw new ArgumentException($"NpzArchive.WriteNpy: {array.Values.Length} values for shape ({string.Join(", ", array.Shape)})");
        string kind = array.DType.Length == 3 ? array.DType[1..] : "";
        int width = kind switch
        {
            "f8" or "i8" or "u8" => 8,
            "f4" or "i4" or "u4" => 4,
            "i2" or "u2" => 2,
            "i1" or "u1" or "b1" => 1,
            _ => throw new ArgumentException($"NpzArchive.WriteNpy: dtype '{array.DType}' is not one of the supported numeric dtypes"),
        };
        string dtype = (width == 1 ? "|" : "<") + kind;
        string shape = array.Shape.Length == 1 ? $"({array.Shape[0]},)" : $"({string.Join(", ", array.Shape)})";
        string dict = $"{{'descr': '{dtype}', 'fortran_order': False, 'shape': {shape}, }}";
        int total = 10 + dict.Length + 1;
        dict = dict.PadRight(dict.Length + (64 - total % 64) % 64) + "\n";
        var bytes = new byte[10 + dict.Length + array.Values.Length * width];
        Magic.CopyTo(bytes, 0);
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)dict.Length);
        Encoding.Latin1.GetBytes(dict).CopyTo(bytes, 10);
        var span = bytes.AsSpan(10 + dict.Length);
        for (int i = 0; i < array.Values.Length; i++)
        {
            double v = array.Values[i];
            var b = span.Slice(i * width, width);
            if (kind is not ("f8" or "f4") && (v != Math.Floor(v) || !double.IsFinite(v)))
                throw new ArgumentException($"NpzArchive.WriteNpy: value {v} at {i} is not an integer for dtype {dtype}");
            switch (kind)
            {
                case "f8": BinaryPrimitives.WriteDoubleLittleEndian(b, v); break;
                case "f4": BinaryPrimitives.WriteSingleLittleEndian(b, (float)v); break;
                case "i8": BinaryPrimitives.WriteInt64LittleEndian(b, checked((long)v)); break;
                case "u8": BinaryPrimitives.WriteUInt64LittleEndian(b, checked((ulong)v)); break;
                case "i4": BinaryPrimitives.WriteInt32LittleEndian(b, checked((int)v)); break;
                case "u4": BinaryPrimitives.WriteUInt32LittleEndian(b, checked((uint)v)); break;
                case "i2": BinaryPrimitives.WriteInt16LittleEndian(b, checked((short)v)); break;
                case "u2": BinaryPrimitives.WriteUInt16LittleEndian(b, checked((ushort)v)); break;
                case "i1": b[0] = (byte)checked((sbyte)v); break;
                default: b[0] = checked((byte)v); break;
            }
        }
        return bytes;
    }
}
