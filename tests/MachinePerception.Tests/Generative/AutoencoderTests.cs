using MathNet.Numerics.LinearAlgebra;
using MachinePerception.Data;
using MachinePerception.Generative;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;
using MachinePerception.Tests.Nn;

namespace MachinePerception.Tests.Generative;

public class AutoencoderTests
{
    const DType F64 = DType.Float64;

    [Fact]
    public void Forward_keeps_the_image_shape_and_encode_gives_one_code_per_example()
    {
        var ae = Autoencoder.Deep([16, 8, 3], new Rng(1));
        var images = new Rng(2).Uniform([5, 1, 4, 4]);
        Assert.Equal(new Shape(5, 1, 4, 4), ae.Forward(images).Shape);
        Assert.Equal(new Shape(5, 3), ae.Encode(images).Shape);
        Assert.True(ae.IsUndercomplete);
        Assert.False(Autoencoder.Deep([16, 20], new Rng(1), nonNegativeCode: true).IsUndercomplete);
    }

    [Fact]
    public void Linear_autoencoder_computes_D_times_E_times_x()
    {
        var ae = Autoencoder.Linear(4, 2, new Rng(3), F64);
        var x = new Rng(4).Normal([3, 4], dtype: F64);
        var e = ((Linear)ae.Encoder).Weight.ToDoubleArray(); // [2, 4]
        var d = ((Linear)ae.Decoder).Weight.ToDoubleArray(); // [4, 2]
        var xs = x.ToDoubleArray();
        var expected = new double[12];
        for (int n = 0; n < 3; n++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 2; j++)
                {
                    double z = 0;
                    for (int p = 0; p < 4; p++) z += e[j * 4 + p] * xs[n * 4 + p];
                    expected[n * 4 + i] += d[i * 2 + j] * z;
                }
        var got = ae.Forward(x).ToDoubleArray();
        for (int i = 0; i < 12; i++) Assert.Equal(expected[i], got[i], 12);
        Assert.Equal(2 * 4 * 2, ae.ParameterCount); // no biases
    }

    [Fact]
    public void Deep_autoencoder_mirrors_the_encoder_and_counts_in_plus_one_times_out()
    {
        var ae = Autoencoder.Deep([10, 6, 2], new Rng(5));
        Assert.Equal((10 + 1) * 6 + (6 + 1) * 2 + (2 + 1) * 6 + (6 + 1) * 10, ae.ParameterCount);
        var decoder = (Sequential)ae.Decoder;
        Assert.IsType<Sigmoid>(decoder[decoder.Count - 1]);                    // pixels in [0, 1]
        Assert.IsType<Linear>(((Sequential)ae.Encoder)[((Sequential)ae.Encoder).Count - 1]); // linear code by default
    }

    [Fact]
    public void Reconstruction_loss_and_forward_pass_pass_the_gradient_check()
    {
        var ae = Autoencoder.Deep([6, 5, 3], new Rng(6), dtype: F64);
        var target = new Rng(7).Uniform([4, 6], dtype: F64);
        LayerTests.CheckGradients(ae, x => ae.ReconstructionLoss(x, target), new Rng(8).Uniform([4, 6], dtype: F64));
        LayerTests.CheckGradients(ae, ae.Forward, new Rng(9).Uniform([4, 6], dtype: F64));
        var over = Autoencoder.Deep([4, 7], new Rng(10), nonNegativeCode: true, dtype: F64);
        LayerTests.CheckGradients(over, over.Forward, new Rng(11).Uniform([3, 4], dtype: F64));
    }

    [Fact]
    public void Bad_input_names_the_method_and_the_shapes()
    {
        var ae = Autoencoder.Linear(6, 2, new Rng(1));
        Assert.StartsWith("Autoencoder.Encode", Assert.Throws<ArgumentException>(() => ae.Encode(Tensor.Zeros([3, 5]))).Message);
        Assert.StartsWith("Autoencoder.Decode", Assert.Throws<ArgumentException>(() => ae.Decode(Tensor.Zeros([3, 4]))).Message);
        var ex = Assert.Throws<ArgumentException>(() => ae.ReconstructionLoss(Tensor.Zeros([3, 6]), Tensor.Zeros([2, 6])));
        Assert.StartsWith("Autoencoder.ReconstructionLoss", ex.Message);
        Assert.Contains("[3, 6]", ex.Message);
        Assert.StartsWith("Autoencoder.Deep", Assert.Throws<ArgumentException>(() => Autoencoder.Deep([6], new Rng(1))).Message);
    }

    [Fact]
    public void Trained_linear_autoencoder_spans_the_principal_subspace()
    {
        // 200 points in ℝ⁵ with a clear gap after the second eigenvalue (variances 9, 4, 0.25, 0.16, 0.09 before a rotation)
        var rng = new Rng(12);
        var q = Matrix<double>.Build.Dense(5, 5, (_, _) => rng.NextNormal()).QR().Q;
        var scales = Matrix<double>.Build.DiagonalOfDiagonalArray([3, 2, 0.5, 0.4, 0.3]);
        var raw = Matrix<double>.Build.Dense(200, 5, (_, _) => rng.NextNormal()) * scales * q.Transpose();
        var data = Tensor.FromArray(raw.ToArray());
        var pca = Pca.Fit(data, 2);
        var centred = data - Tensor.FromArray(pca.Mean, 5);
        var ae = Autoencoder.Linear(5, 2, new Rng(13), F64);
        var adam = new Adam(ae.Parameters(), learningRate: 0.02);
        var loader = new DataLoader(centred, null, batchSize: 200, shuffle: false);
        double first = AutoencoderTraining.TrainEpoch(ae, adam, loader, 0), last = first;
        for (int epoch = 1; epoch < 400; epoch++) last = AutoencoderTraining.TrainEpoch(ae, adam, loader, epoch);
        Assert.True(last < first / 2, $"loss {first} → {last}");
        var decoder = PrincipalAngles.ToMatrix(((Linear)ae.Decoder).Weight);
        Assert.True(PrincipalAngles.Largest(decoder, pca.Components) < 1, string.Join(", ", PrincipalAngles.Between(decoder, pca.Components)));
        Assert.Equal(pca.ResidualVariance / 5, last, 3); // per entry: the PCA optimum Σ_{i>2} λᵢ spread over D = 5
    }

    [Fact]
    public void Gaussian_noise_stays_in_the_pixel_range_and_repeats_with_the_seed()
    {
        var x = new Rng(1).Uniform([4, 1, 5, 5]);
        var a = Corruption.GaussianNoise(x, 0.5, new Rng(2)).ToDoubleArray();
        Assert.All(a, v => Assert.InRange(v, 0, 1));
        Assert.Equal(a, Corruption.GaussianNoise(x, 0.5, new Rng(2)).ToDoubleArray());
        Assert.NotEqual(a, x.ToDoubleArray());
        Assert.Equal(x.ToDoubleArray(), Corruption.GaussianNoise(x, 0, new Rng(2)).ToDoubleArray());
        Assert.StartsWith("Corruption.GaussianNoise", Assert.Throws<ArgumentException>(() => Corruption.GaussianNoise(x, -1, new Rng(2))).Message);
    }

    [Fact]
    public void Remove_square_blanks_one_square_per_image_and_returns_its_mask()
    {
        var x = Tensor.Full([3, 1, 6, 7], 0.75);
        var (corrupted, mask) = Corruption.RemoveSquare(x, 3, new Rng(4));
        var c = corrupted.ToDoubleArray();
        var m = mask.ToDoubleArray();
        for (int i = 0; i < 3; i++) Assert.Equal(9, m.Skip(i * 42).Take(42).Sum());
        for (int i = 0; i < c.Length; i++) Assert.Equal(m[i] == 1 ? 0 : 0.75, c[i], 6);
        Assert.StartsWith("Corruption.RemoveSquare", Assert.Throws<ArgumentException>(() => Corruption.RemoveSquare(x, 7, new Rng(4))).Message);
        Assert.StartsWith("Corruption.RemoveSquare", Assert.Throws<ArgumentException>(() => Corruption.RemoveSquare(Tensor.Zeros([3, 42]), 2, new Rng(4))).Message);
    }

    [Fact]
    public void Masked_mean_squared_error_counts_only_masked_entries()
    {
        var a = Tensor.FromArray(new double[] { 1, 2, 3, 4 }, 4);
        var b = Tensor.FromArray(new double[] { 1, 0, 3, 0 }, 4);
        Assert.Equal((4 + 16) / 4.0, AutoencoderTraining.MeanSquaredError(a, b), 12);
        Assert.Equal(16, AutoencoderTraining.MeanSquaredError(a, b, Tensor.FromArray(new double[] { 0, 0, 0, 1 }, 4)), 12);
        Assert.StartsWith("AutoencoderTraining.MeanSquaredError", Assert.Throws<ArgumentException>(() => AutoencoderTraining.MeanSquaredError(a, Tensor.Zeros([3]))).Message);
    }

    [Fact]
    public void Interpolation_runs_from_the_first_code_to_the_second()
    {
        var line = LatentSpace.Interpolate(Tensor.FromArray(new double[] { 0, 2 }, 2), Tensor.FromArray(new double[] { 4, -2 }, 1, 2), 5).ToDoubleArray();
        Assert.Equal(new double[] { 0, 2, 1, 1, 2, 0, 3, -1, 4, -2 }, line);
    }

    [Fact]
    public void Nearest_neighbour_distance_matches_brute_force()
    {
        var q = new Rng(1).Normal([4, 6], dtype: F64);
        var r = new Rng(2).Normal([7, 6], dtype: F64);
        var got = LatentSpace.NearestNeighbourDistance(q, r);
        var qa = q.ToDoubleArray();
        var ra = r.ToDoubleArray();
        for (int i = 0; i < 4; i++)
        {
            double best = double.PositiveInfinity;
            for (int j = 0; j < 7; j++)
                best = Math.Min(best, Enumerable.Range(0, 6).Sum(p => (qa[i * 6 + p] - ra[j * 6 + p]) * (qa[i * 6 + p] - ra[j * 6 + p])));
            Assert.Equal(Math.Sqrt(best / 6), got[i], 10);
        }
        Assert.Equal(0, LatentSpace.NearestNeighbourDistance(Op.Slice(r, 0, 3, 1), r)[0], 6);
    }

    [Fact]
    public void Fitted_gaussian_has_the_codes_mean_and_std_and_its_samples_follow_it()
    {
        var codes = Tensor.FromArray(new double[,] { { 1, 10 }, { 3, 10 }, { 5, 16 } });
        var (mean, std) = LatentSpace.FitDiagonalGaussian(codes);
        Assert.Equal(new[] { 3.0, 12 }, mean);
        Assert.Equal(Math.Sqrt(8.0 / 3), std[0], 12);
        Assert.Equal(Math.Sqrt(24.0 / 3), std[1], 12);
        var samples = LatentSpace.SampleDiagonalGaussian([1, -2], [0.5, 2], 4000, new Rng(3), F64);
        var (m2, s2) = LatentSpace.FitDiagonalGaussian(samples);
        // 4000 samples: standard errors ≈ σ/√4000 ≤ 0.032 for the means and ≤ 0.023 for the stds; allow 4 of them
        Assert.InRange(m2[0], 1 - 0.04, 1 + 0.04);
        Assert.InRange(m2[1], -2 - 0.13, -2 + 0.13);
        Assert.InRange(s2[0], 0.5 - 0.03, 0.5 + 0.03);
        Assert.InRange(s2[1], 2 - 0.09, 2 + 0.09);
    }

    [Fact]
    public void Round_trip_drift_vanishes_when_the_encoder_inverts_the_decoder()
    {
        var ae = Autoencoder.Linear(5, 2, new Rng(4), F64);
        var d = PrincipalAngles.ToMatrix(((Linear)ae.Decoder).Weight);         // [5, 2]
        var pseudoInverse = (d.TransposeThisAndMultiply(d)).Inverse() * d.Transpose(); // E = (DᵀD)⁻¹Dᵀ, so E D = I
        var e = ((Linear)ae.Encoder).Weight.AsSpan<double>();
        for (int i = 0; i < 2; i++) for (int j = 0; j < 5; j++) e[i * 5 + j] = pseudoInverse[i, j];
        var codes = new Rng(5).Normal([6, 2], dtype: F64);
        Assert.All(LatentSpace.RoundTripDrift(ae, codes), v => Assert.True(v < 1e-12, $"{v}"));
        e[0] += 1; // a different encoder no longer inverts the decoder
        Assert.Contains(LatentSpace.RoundTripDrift(ae, codes), v => v > 1e-3);
    }

    [Fact]
    public void Round_trip_drift_of_any_decoder_and_encoder_is_the_rms_change_of_the_code()
    {
        // decode doubles the code, encode halves and shifts by 0.3: the code moves by 0.3 in every entry
        var codes = new Rng(6).Normal([4, 3], dtype: F64);
        var drift = LatentSpace.RoundTripDrift(z => z * 2.0, x => x * 0.5 + 0.3, codes);
        Assert.All(drift, v => Assert.Equal(0.3, v, 12));
        Assert.Throws<ArgumentException>(() => LatentSpace.RoundTripDrift(z => z, x => Op.Slice(x, 1, 0, 2), codes));
    }
}
