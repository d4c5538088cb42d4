using System.Buffers.Binary;
using System.IO.Compression;

namespace MachinePerception.Data;

/// <summary>
/// The contents of one IDX file: its dimensions and its unsigned bytes in row-major order
/// (for MNIST-style images [N, 28, 28], for labels [N]).
/// </summary>
public sealed record IdxArray(int[] Dims, byte[] Data)
{
    /// <summary>Dimensions as printed in error messages, e.g. [2000, 28, 28].</summary>
    public string DimsText => "[" + string.Join(", ", Dims) + "]";
}

/// <summary>
/// Reads the IDX format of the MNIST and Fashion-MNIST files, gzipped or plain (told apart by the
/// gzip magic 1F 8B). An IDX file is: two zero bytes, a type byte (0x08 = unsigned byte, the only
/// type these datasets use), a rank byte r, then r big-endian int32 dimensions, then the elements.
/// </summary>
public static class IdxReader
{
    /// <summary>The IDX type code for unsigned bytes.</summary>
    public const byte UnsignedByte = 0x08;

    /// <summary>Reads an IDX file from disk; <paramref name="expectedDims"/> (−1 = any) checks its shape.</summary>
    public static IdxArray Read(string path, params int[] expectedDims)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"IdxReader: no file at {path}", path);
        return Read(File.ReadAllBytes(path), path, expectedDims);
    }

    /// <summary>Reads IDX bytes (gzipped or plain) already in memory; <paramref name="name"/> appears in errors.</summary>
    public static IdxArray Read(byte[] bytes, string name, params int[] expectedDims)
    {
        bool gzipped = bytes.Length >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B;
        var stream = gzipped
            ? (Stream)new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress)
            : new MemoryStream(bytes);
        using (stream)
        {
            var idx = ReadIdx(stream, name, gzipped);
            CheckDims(idx, name, expectedDims);
            return idx;
        }
    }

    static IdxArray ReadIdx(Stream s, string name, bool gzipped)
    {
        var what = gzipped ? $"{name} (gzip)" : name;
        Span<byte> head = stackalloc byte[4];
        int got = ReadFully(s, head, what);
        if (got < 4) throw new InvalidDataException($"IdxReader: {what} is truncated: {got} bytes, shorter than the 4-byte magic");
        if (head[0] != 0 || head[1] != 0)
            throw new InvalidDataException(
                $"IdxReader: {what} has magic {head[0]:X2} {head[1]:X2} {head[2]:X2} {head[3]:X2}; an IDX file starts with 00 00, a type byte and a rank byte");
        if (head[2] != UnsignedByte)
            throw new InvalidDataException($"IdxReader: {what} has element type 0x{head[2]:X2}; only 0x08 (unsigned byte) is supported");
        int rank = head[3];
        if (rank == 0) throw new InvalidDataException($"IdxReader: {what} declares rank 0");

        var dimBytes = new byte[4 * rank];
        got = ReadFully(s, dimBytes, what);
        if (got < dimBytes.Length)
            throw new InvalidDataException($"IdxReader: {what} is truncated inside the header: rank {rank} needs {4 * rank} dimension bytes, found {got}");
        var dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(dimBytes.AsSpan(4 * i));
            if (dims[i] < 0) throw new InvalidDataException($"IdxReader: {what} has a negative dimension {dims[i]} at axis {i}");
            count *= dims[i];
        }
        if (count > Array.MaxLength)
            throw new InvalidDataException($"IdxReader: {what} declares dims [{string.Join(", ", dims)}] = {count} elements, more than an array can hold");

        var data = new byte[count];
        got = ReadFully(s, data, what);
        if (got < count)
            throw new InvalidDataException(
                $"IdxReader: {what} is truncated: dims [{string.Join(", ", dims)}] need {count} data bytes, only {got} follow the header");
        // extra bytes mean the header's dims do not describe the file
        Span<byte> probe = stackalloc byte[1];
        if (ReadFully(s, probe, what) != 0)
            throw new InvalidDataException(
                $"IdxReader: {what} has more data than its dims [{string.Join(", ", dims)}] ({count} bytes) describe");
        return new IdxArray(dims, data);
    }

    static int ReadFully(Stream s, Span<byte> buffer, string what)
    {
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                int n = s.Read(buffer[total..]);
                if (n == 0) break;
                total += n;
            }
        }
        catch (InvalidDataException e)
        {
            // GZipStream reports a corrupt or cut-off deflate stream this way
            throw new InvalidDataException($"IdxReader: {what} is not a valid gzip stream: {e.Message}", e);
        }
        return total;
    }

    static void CheckDims(IdxArray idx, string name, int[] expected)
    {
        if (expected.Length == 0) return;
        bool ok = expected.Length == idx.Dims.Length;
        for (int i = 0; ok && i < expected.Length; i++) ok = expected[i] < 0 || expected[i] == idx.Dims[i];
        if (!ok)
            throw new InvalidDataException(
                $"IdxReader: {name} has dims {idx.DimsText}, expected [{string.Join(", ", expected.Select(d => d < 0 ? "any" : d.ToString()))}]");
    }
}

/// <summary>Writes unsigned-byte IDX files (used by the tests and to make small datasets); the inverse of <see cref="IdxReader"/>.</summary>
public static class IdxWriter
{
    /// <summary>The IDX bytes of <paramref name="idx"/>; gzipped without a file name or time stamp when asked, so equal input gives equal bytes.</summary>
    public static byte[] ToBytes(IdxArray idx, bool gzip = false)
    {
        long count = 1;
        foreach (var d in idx.Dims) count *= d;
        if (idx.Dims.Length is 0 or > 255 || count != idx.Data.Length)
            throw new ArgumentException($"IdxWriter: dims {idx.DimsText} describe {count} elements but {idx.Data.Length} bytes were given");
        var plain = new byte[4 + 4 * idx.Dims.Length + idx.Data.Length];
        plain[2] = IdxReader.UnsignedByte;
        plain[3] = (byte)idx.Dims.Length;
        for (int i = 0; i < idx.Dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(4 + 4 * i), idx.Dims[i]);
        idx.Data.CopyTo(plain, 4 + 4 * idx.Dims.Length);
        if (!gzip) return plain;
        var ms = new MemoryStream();
        using (var z = new GZipStream(ms, CompressionLevel.SmallestSize, leaveOpen: true)) z.Write(plain);
        return ms.ToArray();
    }

    /// <summary>Writes <paramref name="idx"/> to <paramref name="path"/>, gzipped when the name ends in .gz.</summary>
    public static void Write(string path, IdxArray idx) =>
        File.WriteAllBytes(path, ToBytes(idx, path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)));
}
