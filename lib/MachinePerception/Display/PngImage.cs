using System.Buffers.Binary;
using System.IO.Compression;

namespace MachinePerception.Display;

/// <summary>
/// An 8-bit PNG picture (grey or RGB) that a notebook shows as image/png: samples of a generative model, a
/// filter bank, a rendered view. Written by a small encoder of its own (PNG: signature, IHDR, one zlib IDAT, IEND),
/// so the bytes are the same on every run.
/// </summary>
public sealed partial class PngImage
{
    public byte[] Bytes { get; }
    public int Width { get; }
    public int Height { get; }

    PngImage(byte[] bytes, int width, int height)
    {
        Bytes = bytes;
        Width = width;
        Height = height;
    }

    public override string ToString() => $"<PNG image {Width}×{Height}>";

    /// <summary>Writes the PNG file.</summary>
    public void Save(string path) => File.WriteAllBytes(path, Bytes);

    /// <summary>
    /// A picture of a tensor: [H, W] is grey, [1, H, W] grey, [3, H, W] RGB (channels first, as the library's
    /// images are). Values are mapped linearly from [<paramref name="min"/>, <paramref name="max"/>] to 0…255 and
    /// clamped; <paramref name="scale"/> repeats each pixel (nearest neighbour) so small images are visible.
    /// </summary>
    public static PngImage FromTensor(Tensor image, double min = 0, double max = 1, int scale = 1)
    {
        var s = image.Shape;
        bool grey = s.Rank == 2 || (s.Rank == 3 && s[0] == 1);
        if (!grey && !(s.Rank == 3 && s[0] == 3))
            throw new ArgumentException($"PngImage.FromTensor: needs [H, W], [1, H, W] or [3, H, W], got {s}");
        if (!(max > min)) throw new ArgumentException($"PngImage.FromTensor: needs max > min, got min={min}, max={max}");
        if (scale < 1) throw new ArgumentException($"PngImage.FromTensor: scale must be ≥ 1, got {scale}");
        int h = s[s.Rank - 2], w = s[s.Rank - 1], channels = grey ? 1 : 3;
        var d = image.ToDoubleArray();
        var pixels = new byte[h * w * channels];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < channels; c++)
                {
                    double v = (d[(c * h + y) * w + x] - min) / (max - min);
                    pixels[(y * w + x) * channels + c] = (byte)Math.Round(255 * Math.Clamp(double.IsNaN(v) ? 0 : v, 0, 1));
                }
        return FromPixels(pixels, w, h, channels, scale);
    }

    /// <summary>
    /// A PNG made elsewhere (a browser's screenshot): checks the signature and reads the size from IHDR; the bytes
    /// are kept as they are.
    /// </summary>
    public static PngImage FromBytes(byte[] png)
    {
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (png.Length < 33 || !png.AsSpan(0, 8).SequenceEqual(signature) || png[12] != 'I' || png[13] != 'H' || png[14] != 'D' || png[15] != 'R')
            throw new ArgumentException($"PngImage.FromBytes: {png.Length} bytes are not a PNG (no signature and IHDR)");
        return new PngImage(png, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    /// <summary>A picture from 8-bit pixels, row by row, 1 (grey) or 3 (RGB) bytes per pixel.</summary>
    public static PngImage FromPixels(byte[] pixels, int width, int height, int channels, int scale = 1)
    {
        if (channels is not (1 or 3)) throw new ArgumentException($"PngImage.FromPixels: channels must be 1 or 3, got {channels}");
        if (width < 1 || height < 1 || pixels.Length != width * height * channels)
            throw new ArgumentException($"PngImage.FromPixels: {pixels.Length} bytes do not make {width}×{height}×{channels}");
        int W = width * scale, H = height * scale, rowBytes = W * channels;

        // Each scanline starts with its filter byte; filter 0 (none) keeps the encoder short.
        var raw = new byte[H * (rowBytes + 1)];
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                for (int c = 0; c < channels; c++)
                    raw[y * (rowBytes + 1) + 1 + x * channels + c] = pixels[((y / scale) * width + x / scale) * channels + c];

        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, W);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), H);
        header[8] = 8;                              // bits per channel
        header[9] = (byte)(channels == 1 ? 0 : 2);  // colour type: grey or truecolour
        WriteChunk(png, "IHDR", header);
        using (var z = new MemoryStream())
        {
            using (var zlib = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(raw);
            WriteChunk(png, "IDAT", z.ToArray());
        }
        WriteChunk(png, "IEND", []);
        return new PngImage(png.ToArray(), W, H);
    }

    static void WriteChunk(Stream s, string type, byte[] data)
    {
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(four, data.Length);
        s.Write(four);
        var typeAndData = new byte[4 + data.Length];
        for (int i = 0; i < 4; i++) typeAndData[i] = (byte)type[i];
        data.CopyTo(typeAndData, 4);
        s.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(four, Crc32(typeAndData));
        s.Write(four);
    }

    static readonly uint[] CrcTable = MakeCrcTable();

    // The CRC-32 of the PNG specification (polynomial 0xEDB88320, reflected), over chunk type and data.
    static uint[] MakeCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    internal static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint c = 0xFFFFFFFFu;
        foreach (var b in bytes) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
