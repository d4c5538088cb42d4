using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Data;

/// <summary>Which part of a dataset: the training or the test split.</summary>
public enum Split
{
    Train,
    Test,
}

/// <summary>
/// A labelled image dataset in memory: <see cref="Images"/> as float pixels in [0, 1], shape [N, 1, H, W]
/// (or [N, H·W] when flattened), one class index per image in <see cref="Labels"/>, the class names, and
/// <see cref="Source"/>, a sentence saying which copy of the data was read (print it in a chapter).
/// </summary>
public sealed record LabeledImages(Tensor Images, int[] Labels, string[] ClassNames, string Source)
{
    public int Count => Labels.Length;

    /// <summary>How many images each class has, indexed by class.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[ClassNames.Length];
        foreach (var label in Labels) counts[label]++;
        return counts;
    }
}

/// <summary>
/// Loads a dataset stored as the four MNIST-style gzipped IDX files ({train,t10k}-{images-idx3,labels-idx1}-ubyte.gz)
/// in one folder. Shared by <see cref="FashionMnist"/> and <see cref="Mnist"/>.
/// </summary>
public static class IdxDataset
{
    /// <summary>File name of the images or labels of a split, in the naming of the original MNIST release.</summary>
    public static string FileName(Split split, bool labels) =>
        (split == Split.Train ? "train" : "t10k") + (labels ? "-labels-idx1-ubyte.gz" : "-images-idx3-ubyte.gz");

    /// <summary>True when <paramref name="folder"/> holds both files of <paramref name="split"/>.</summary>
    public static bool Has(string folder, Split split) =>
        File.Exists(Path.Combine(folder, FileName(split, false))) && File.Exists(Path.Combine(folder, FileName(split, true)));

    /// <summary>
    /// Reads one split from <paramref name="folder"/>: pixels scaled to [0, 1] by 1/255, the first
    /// <paramref name="take"/> images if given, as [N, 1, H, W] or, with <paramref name="flatten"/>, [N, H·W].
    /// </summary>
    public static LabeledImages Load(string folder, Split split, string[] classNames, string sourceDescription,
        bool flatten = false, int? take = null, DType dtype = DType.Float32)
    {
        var imagesName = Path.Combine(folder, FileName(split, false));
        var images = IdxReader.Read(imagesName);
        var labels = IdxReader.Read(Path.Combine(folder, FileName(split, true)));
        if (images.Dims.Length != 3)
            throw new InvalidDataException($"IdxDataset: {imagesName} has dims {images.DimsText}; images need [N, H, W]");
        if (labels.Dims.Length != 1 || labels.Dims[0] != images.Dims[0])
            throw new InvalidDataException(
                $"IdxDataset: {folder} has {images.DimsText} images but {labels.DimsText} labels; the counts must match");
        int available = images.Dims[0], h = images.Dims[1], w = images.Dims[2];
        if (take is int t && (t < 0 || t > available))
            throw new ArgumentException($"IdxDataset: take = {t} but {folder} has {available} {split} images");
        int n = take ?? available, pixels = h * w;

        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = labels.Data[i];
            if (y[i] >= classNames.Length)
                throw new InvalidDataException($"IdxDataset: label {y[i]} at index {i} of {folder} is not one of the {classNames.Length} classes");
        }

        var shape = flatten ? new Shape(n, pixels) : new Shape(n, 1, h, w);
        Tensor x = dtype == DType.Float32
            ? new Tensor(shape, new CpuStorage<float>(ToUnit<float>(images.Data, n * pixels)))
            : new Tensor(shape, new CpuStorage<double>(ToUnit<double>(images.Data, n * pixels)));
        var source = $"{sourceDescription}: {folder} ({n} of {available} {split.ToString().ToLowerInvariant()} images)";
        return new LabeledImages(x, y, classNames, source);
    }

    // byte b ↦ b/255 through a 256-entry table: exact 0 and 1 at the ends, and one lookup per pixel
    static T[] ToUnit<T>(byte[] bytes, int count) where T : unmanaged, System.Numerics.IFloatingPoint<T>
    {
        var table = new T[256];
        for (int b = 0; b < 256; b++) table[b] = T.CreateChecked(b) / T.CreateChecked(255);
        // every element is written below, so the 188 MB of the full training set need not be zeroed first
        var result = GC.AllocateUninitializedArray<T>(count);
        CpuParallel.For(count, 1, (start, end) =>
        {
            for (int i = start; i < end; i++) result[i] = table[bytes[i]];
        });
        return result;
    }
}
