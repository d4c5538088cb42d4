using System.Text;
using MachinePerception.Nn;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Nn;

public class SerializationTests
{
    static Sequential Model(int seed, int hidden = 4) =>
        new(new Linear(3, hidden, new Rng(seed)), new BatchNorm1d(hidden), new ReLU(), new Linear(hidden, 2, new Rng(seed + 1)));

    static byte[] Bytes(Module m)
    {
        using var s = new MemoryStream();
        Serialization.Save(m, s);
        return s.ToArray();
    }

    [Fact]
    public void Round_trip_restores_parameters_and_buffers_exactly()
    {
        var a = Model(1);
        a.Forward(new Rng(9).Normal([8, 3])); // moves the BatchNorm running statistics away from (0, 1)
        var b = Model(2);
        Serialization.Load(b, new MemoryStream(Bytes(a)));
        var pa = a.NamedParameters().Concat(a.NamedBuffers()).ToArray();
        var pb = b.NamedParameters().Concat(b.NamedBuffers()).ToArray();
        Assert.Equal(pa.Select(p => p.Name), pb.Select(p => p.Name));
        for (int i = 0; i < pa.Length; i++) Assert.Equal(pa[i].Value.ToFloatArray(), pb[i].Value.ToFloatArray());
        Assert.NotEqual(0f, b.NamedBuffers().First().Value.ToFloatArray()[0]);
        a.Eval(); b.Eval();
        var x = new Rng(10).Normal([5, 3]);
        Assert.Equal(a.Forward(x).ToFloatArray(), b.Forward(x).ToFloatArray());
    }

    [Fact]
    public void File_layout_is_the_documented_one()
    {
        var lin = new Linear(2, 1, new Rng(3), bias: false, dtype: DType.Float64);
        var bytes = Bytes(lin);
        Assert.Equal("MPTENSOR", Encoding.ASCII.GetString(bytes, 0, 8));
        Assert.Equal(1, BitConverter.ToInt32(bytes, 8));   // version
        Assert.Equal(1, BitConverter.ToInt32(bytes, 12));  // one tensor
        Assert.Equal(6, BitConverter.ToInt32(bytes, 16));  // "weight"
        Assert.Equal("weight", Encoding.UTF8.GetString(bytes, 20, 6));
        Assert.Equal(0, bytes[26]);                        // a parameter
        Assert.Equal(1, bytes[27]);                        // float64
        Assert.Equal(2, BitConverter.ToInt32(bytes, 28));  // rank 2: [1, 2]
        Assert.Equal(1, BitConverter.ToInt32(bytes, 32));
        Assert.Equal(2, BitConverter.ToInt32(bytes, 36));
        Assert.Equal(lin.Weight[0, 1], BitConverter.ToDouble(bytes, 48));
        Assert.Equal(56, bytes.Length);
    }

    [Fact]
    public void Loading_into_a_different_shape_names_the_parameter_and_both_shapes_and_changes_nothing()
    {
        var bytes = Bytes(Model(1, hidden: 4));
        var other = Model(5, hidden: 6);
        var before = other.Parameters()[0].ToFloatArray();
        var e = Assert.Throws<InvalidDataException>(() => Serialization.Load(other, new MemoryStream(bytes)));
        Assert.StartsWith("Serialization.Load:", e.Message);
        Assert.Contains("'0.weight'", e.Message);
        Assert.Contains("[4, 3]", e.Message);
        Assert.Contains("[6, 3]", e.Message);
        Assert.Equal(before, other.Parameters()[0].ToFloatArray());
    }

    [Fact]
    public void Missing_extra_and_wrong_dtype_tensors_are_clear_errors()
    {
        var small = new Sequential(new Linear(3, 4, new Rng(1)));
        var e1 = Assert.Throws<InvalidDataException>(() => Serialization.Load(Model(1), new MemoryStream(Bytes(small))));
        Assert.Contains("lacks", e1.Message);
        Assert.Contains("'1.running_mean'", e1.Message);
        var e2 = Assert.Throws<InvalidDataException>(() => Serialization.Load(small, new MemoryStream(Bytes(Model(1)))));
        Assert.Contains("does not have", e2.Message);
        var f64 = new Sequential(new Linear(3, 4, new Rng(1), dtype: DType.Float64));
        var e3 = Assert.Throws<InvalidDataException>(() => Serialization.Load(f64, new MemoryStream(Bytes(small))));
        Assert.Contains("float32", e3.Message);
        Assert.Contains("float64", e3.Message);
    }

    [Fact]
    public void Wrong_magic_version_or_truncation_is_a_clear_error()
    {
        var m = Model(1);
        var bytes = Bytes(m);
        var badMagic = (byte[])bytes.Clone();
        badMagic[0] = (byte)'X';
        Assert.Contains("not a parameter file", Assert.Throws<InvalidDataException>(() => Serialization.Load(m, new MemoryStream(badMagic))).Message);
        var badVersion = (byte[])bytes.Clone();
        BitConverter.GetBytes(7).CopyTo(badVersion, 8);
        Assert.Contains("version 7", Assert.Throws<InvalidDataException>(() => Serialization.Load(m, new MemoryStream(badVersion))).Message);
        Assert.Contains("ends inside", Assert.Throws<InvalidDataException>(() => Serialization.Load(m, new MemoryStream(bytes[..^3]))).Message);
    }

    [Fact]
    public void Save_and_load_through_a_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mp-nn-{Guid.NewGuid():N}.bin");
        try
        {
            var a = Model(1);
            a.Save(path);
            var b = Model(2);
            b.Load(path);
            Assert.Equal(a.Parameters()[0].ToFloatArray(), b.Parameters()[0].ToFloatArray());
        }
        finally { File.Delete(path); }
    }
}
