using System.Diagnostics;
using MachinePerception.Body;
using MachinePerception.Data;

namespace MachinePerception.Tests.Body;

public class NpzArchiveTests
{
    static string Fixture(string name) =>
        Path.Combine(DataDirectory.Find(), "..", "tests", "MachinePerception.Tests", "Body", "Fixtures", name);

    [Theory]
    [InlineData("numpy-savez.npz")]
    [InlineData("numpy-savez-compressed.npz")]
    public void Arrays_written_by_numpy_are_read_with_their_dtypes_shapes_and_values(string file)
    {
        var a = NpzArchive.Read(Fixture(file));
        Assert.Equal(9, a.Count);
        Assert.Equal([3, 4], a["a_f8"].Shape);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i * 0.5 - 1), a["a_f8"].Values);
        // Fortran order on disk, C order in memory: element [i, j, k] = (12i + 4j + k) / 4
        Assert.Equal([2, 3, 4], a["b_f4_fortran"].Shape);
        Assert.Equal(Enumerable.Range(0, 24).Select(i => i / 4.0), a["b_f4_fortran"].Values);
        Assert.Equal([4294967295.0, 0, 1, 2], a["c_u4"].Values);
        Assert.True(a["c_u4"].IsInteger);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => i - 3.0), a["d_i8_big"].Values);
        Assert.Equal([1.0, 0, 1], a["e_bool"].Values);
        Assert.Empty(a["f_scalar"].Shape);
        Assert.Equal([3.25], a["f_scalar"].Values);
        Assert.Equal([-300.0, 300], a["g_i2"].Values);
        Assert.Equal([0.0, 1, 2, 3, 4], a["h_u1"].Values);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => i * 1.5), a["i_f8_big_fortran"].Values);
    }

    [Fact]
    public void Format_version_2_is_read()
    {
        var a = NpzArchive.Read(Fixture("numpy-format-2.npz"));
        Assert.Equal([0.0, 7, 14], a["v2"].Values);
    }

    [Fact]
    public void Written_archives_read_back_identically_and_deterministically()
    {
        var arrays = new (string, NpyArray)[]
        {
            ("x", new NpyArray("<f8", [2, 3], [1.5, -2, 1e-300, double.MaxValue, 0, -0.0])),
            ("k", NpyArray.FromIntegers([4294967295L, 0, 1], [3], "<u4")),
            ("s", new NpyArray("<f8", [], [2.5])),
        };
        var first = new MemoryStream();
        NpzArchive.Write(first, arrays);
        var second = new MemoryStream();
        NpzArchive.Write(second, arrays);
        Assert.Equal(first.ToArray(), second.ToArray());
        first.Position = 0;
        var back = NpzArchive.Read(first);
        foreach (var (name, array) in arrays)
        {
            Assert.Equal(array.Shape, back[name].Shape);
            Assert.Equal(array.Values, back[name].Values);
            Assert.Equal(array.DType, back[name].DType);
        }
    }

    [Fact]
    public void Numpy_reads_what_the_writer_wrote()
    {
        if (!File.Exists("/usr/bin/python3")) return; // no Python here: the numpy fixtures above still test the reader
        var path = Path.Combine(Directory.CreateTempSubdirectory("npz-").FullName, "ours.npz");
        NpzArchive.Write(path, [("a", new NpyArray("<f8", [2, 2], [1, 2, 3, 4.5])), ("f", NpyArray.FromIntegers([0, 1, 2, 2, 1, 0], [2, 3], "<u4"))]);
        var psi = new ProcessStartInfo("/usr/bin/python3", ["-c",
            $"import numpy as np; d = np.load('{path}'); print(d['a'].dtype, d['a'].shape, d['a'].sum(), d['f'].dtype, d['f'].tolist())"])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd().Trim(), error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (error.Contains("No module named 'numpy'")) return; // Python without numpy
        Assert.True(p.ExitCode == 0, error);
        Assert.Equal("float64 (2, 2) 10.5 uint32 [[0, 1, 2], [2, 1, 0]]", output);
    }

    [Fact]
    public void Malformed_input_gets_a_format_error()
    {
        Assert.Contains("not a .npy file", Assert.Throws<FormatException>(() => NpzArchive.ReadNpy([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], "x.npy")).Message);
        var npy = NpzArchive.WriteNpy(new NpyArray("<f8", [4], [1, 2, 3, 4]));
        Assert.Contains("needs 32 bytes", Assert.Throws<FormatException>(() => NpzArchive.ReadNpy(npy[..^8], "x.npy")).Message);
        var objectArray = System.Text.Encoding.Latin1.GetString(npy).Replace("'<f8'", "'|O8'");
        Assert.Contains("not supported", Assert.Throws<FormatException>(() => NpzArchive.ReadNpy(System.Text.Encoding.Latin1.GetBytes(objectArray), "x.npy")).Message);
        Assert.Contains("not a zip", Assert.Throws<FormatException>(() => NpzArchive.Read(new MemoryStream([1, 2, 3]), "x.npz")).Message);
        Assert.Throws<ArgumentException>(() => NpzArchive.WriteNpy(new NpyArray("<i4", [1], [1.5])));
    }
}
