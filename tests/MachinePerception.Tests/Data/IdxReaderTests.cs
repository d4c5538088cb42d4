using MachinePerception.Data;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Data;

public class IdxReaderTests
{
    // A 2×3 ubyte matrix written out by hand (not by IdxWriter): magic 00 00 08 02, dims 2 and 3 big-endian.
    static readonly byte[] HandWritten = [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 10, 20, 30, 40, 50, 255];

    [Fact]
    public void Reads_a_hand_written_file_with_big_endian_dims()
    {
        var idx = IdxReader.Read(HandWritten, "hand");
        Assert.Equal([2, 3], idx.Dims);
        Assert.Equal([10, 20, 30, 40, 50, 255], idx.Data);
    }

    [Fact]
    public void Dimensions_above_255_use_all_four_bytes()
    {
        var data = new byte[300 * 2];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i * 7);
        byte[] header = [0, 0, 8, 2, 0, 0, 1, 44, 0, 0, 0, 2]; // 1·256 + 44 = 300
        var idx = IdxReader.Read([.. header, .. data], "big");
        Assert.Equal([300, 2], idx.Dims);
        Assert.Equal(data, idx.Data);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Writer_and_reader_round_trip_plain_and_gzip(bool gzip)
    {
        var rng = new Rng(3);
        var data = new byte[4 * 5 * 6];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)rng.NextInt(256);
        var bytes = IdxWriter.ToBytes(new IdxArray([4, 5, 6], data), gzip);
        Assert.Equal(gzip, bytes[0] == 0x1F && bytes[1] == 0x8B);
        var back = IdxReader.Read(bytes, "roundtrip");
        Assert.Equal([4, 5, 6], back.Dims);
        Assert.Equal(data, back.Data);
    }

    [Fact]
    public void Writer_output_matches_the_hand_written_bytes()
    {
        Assert.Equal(HandWritten, IdxWriter.ToBytes(new IdxArray([2, 3], [10, 20, 30, 40, 50, 255])));
    }

    [Fact]
    public void Reads_files_from_disk_gzipped_or_plain()
    {
        var dir = Directory.CreateTempSubdirectory("idx").FullName;
        try
        {
            var idx = new IdxArray([3], [7, 8, 9]);
            IdxWriter.Write(Path.Combine(dir, "a.gz"), idx);
            IdxWriter.Write(Path.Combine(dir, "a.idx"), idx);
            Assert.Equal(0x1F, File.ReadAllBytes(Path.Combine(dir, "a.gz"))[0]);
            Assert.Equal(idx.Data, IdxReader.Read(Path.Combine(dir, "a.gz")).Data);
            Assert.Equal(idx.Data, IdxReader.Read(Path.Combine(dir, "a.idx")).Data);
            var e = Assert.Throws<FileNotFoundException>(() => IdxReader.Read(Path.Combine(dir, "missing.gz")));
            Assert.StartsWith("IdxReader:", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Bad_magic_is_rejected_with_the_bytes_shown()
    {
        byte[] bad = [0x50, 0x4B, 3, 4, 0, 0, 0, 1, 0];
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.Read(bad, "zip"));
        Assert.StartsWith("IdxReader: zip has magic 50 4B 03 04", e.Message);
    }

    [Fact]
    public void Unsupported_element_type_is_named()
    {
        byte[] floats = [0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0];
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.Read(floats, "f"));
        Assert.StartsWith("IdxReader: f has element type 0x0D", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_data_is_reported_with_the_expected_and_found_counts(bool gzip)
    {
        var cut = HandWritten[..^2]; // 4 of the 6 data bytes
        // gzipped: a complete gzip stream of an IDX whose header promises 6 elements but holds 4
        var bytes = gzip ? Gzip(cut) : cut;
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.Read(bytes, "short"));
        Assert.StartsWith("IdxReader: short", e.Message);
        Assert.Contains("truncated: dims [2, 3] need 6 data bytes, only 4 follow", e.Message);
    }

    [Fact]
    public void Truncated_header_and_cut_gzip_stream_are_reported()
    {
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.Read(HandWritten[..6], "head"));
        Assert.StartsWith("IdxReader: head is truncated inside the header", e.Message);
        e = Assert.Throws<InvalidDataException>(() => IdxReader.Read([0, 0], "tiny"));
        Assert.StartsWith("IdxReader: tiny is truncated", e.Message);

        var rng = new Rng(1);
        var data = new byte[2000];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)rng.NextInt(256); // incompressible: the cut lands in the data
        var gz = IdxWriter.ToBytes(new IdxArray([2000], data), gzip: true);
        e = Assert.Throws<InvalidDataException>(() => IdxReader.Read(gz[..(gz.Length / 2)], "cut"));
        Assert.StartsWith("IdxReader: cut (gzip)", e.Message);
    }

    [Fact]
    public void Trailing_bytes_and_unexpected_dims_are_dims_mismatches()
    {
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.Read([.. HandWritten, 1], "long"));
        Assert.StartsWith("IdxReader: long has more data than its dims [2, 3] (6 bytes) describe", e.Message);

        Assert.Equal([2, 3], IdxReader.Read(HandWritten, "ok", -1, 3).Dims);
        e = Assert.Throws<InvalidDataException>(() => IdxReader.Read(HandWritten, "img", -1, 28, 28));
        Assert.StartsWith("IdxReader: img has dims [2, 3], expected [any, 28, 28]", e.Message);
    }

    [Fact]
    public void Writer_rejects_dims_that_do_not_match_the_data()
    {
        var e = Assert.Throws<ArgumentException>(() => IdxWriter.ToBytes(new IdxArray([2, 2], [1, 2, 3])));
        Assert.StartsWith("IdxWriter: dims [2, 2] describe 4 elements but 3 bytes were given", e.Message);
    }

    static byte[] Gzip(byte[] plain)
    {
        var ms = new MemoryStream();
        using (var z = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) z.Write(plain);
        return ms.ToArray();
    }
}
