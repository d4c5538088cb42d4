using MachinePerception.Numerics;

namespace MachinePerception.Tests.Numerics;

public class MeanEstimatorTests
{
    [Fact]
    public void Mean_and_standard_error_match_the_two_pass_formulas()
    {
        double[][] xs = [[1, 10], [2, 10.5], [4, 9], [7, 11]];
        var est = new MeanEstimator(2);
        foreach (var x in xs) est.Add(x);
        for (int j = 0; j < 2; j++)
        {
            double m = xs.Average(x => x[j]);
            double s2 = xs.Sum(x => (x[j] - m) * (x[j] - m)) / (xs.Length - 1);
            Assert.Equal(m, est.Mean[j], 1e-14);
            Assert.Equal(Math.Sqrt(s2 / xs.Length), est.StandardError[j], 1e-14);
        }
        Assert.Equal(4, est.Count);
        Assert.Equal(Math.Abs(est.Mean[0] - 3) / est.StandardError[0], est.MaxZScore([3, est.Mean[1]]), 1e-14);
    }

    [Fact]
    public void Bad_input_is_named()
    {
        var est = new MeanEstimator(2);
        Assert.StartsWith("MeanEstimator.Add", Assert.Throws<ArgumentException>(() => est.Add(1.0)).Message);
        est.Add([1.0, 2.0]);
        Assert.StartsWith("MeanEstimator.StandardError", Assert.Throws<InvalidOperationException>(() => est.StandardError).Message);
    }
}
