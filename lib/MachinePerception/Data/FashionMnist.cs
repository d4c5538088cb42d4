using MachinePerception.Tensors;

namespace MachinePerception.Data;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul and Vollgraf, Zalando Research, 2017; MIT licence): 28×28 grey images of
/// ten kinds of clothing, 60,000 for training and 10,000 for testing — a drop-in for MNIST that is harder
/// to classify. Reads the full copy of Debian's dataset-fashion-mnist when it is installed, else the
/// subset shipped in data/fashion-mnist (the first 2,000 training and 1,000 test images);
/// <see cref="LabeledImages.Source"/> says which.
/// </summary>
public static class FashionMnist
{
    /// <summary>Environment variable naming the folder of the full copy; the value "none" forces the shipped subset.</summary>
    public const string EnvironmentVariable = "MP_FASHION_MNIST_DIR";

    /// <summary>Where Debian's package dataset-fashion-mnist installs the IDX files.</summary>
    public const string DebianFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>Class names, indexed by label.</summary>
    public static readonly string[] ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>
    /// Loads a split as images [N, 1, 28, 28] (or [N, 784] with <paramref name="flatten"/>) in [0, 1], with labels.
    /// <paramref name="take"/> keeps only the first images (quick experiments on the full copy).
    /// </summary>
    public static LabeledImages Load(Split split = Split.Train, bool flatten = false, int? take = null, DType dtype = DType.Float32)
    {
        if (FullCopyFolder() is string full && IdxDataset.Has(full, split))
            return IdxDataset.Load(full, split, ClassNames, "Fashion-MNIST, full copy", flatten, take, dtype);
        var subset = Path.Combine(DataDirectory.Find(), "fashion-mnist");
        if (!IdxDataset.Has(subset, split))
            throw new FileNotFoundException(
                $"FashionMnist: no full copy ({DebianFolder} or {EnvironmentVariable}) and the shipped subset {subset} lacks {IdxDataset.FileName(split, false)}");
        return IdxDataset.Load(subset, split, ClassNames, "Fashion-MNIST, shipped subset", flatten, take, dtype);
    }

    /// <summary>The folder of the full copy that <see cref="Load"/> would try first, or null when the subset is forced.</summary>
    public static string? FullCopyFolder()
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrEmpty(fromEnv)) return DebianFolder;
        return fromEnv.Equals("none", StringComparison.OrdinalIgnoreCase) ? null : fromEnv;
    }
}
