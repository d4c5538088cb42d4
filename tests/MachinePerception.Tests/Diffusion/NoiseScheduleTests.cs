using MachinePerception.Diffusion;

namespace MachinePerception.Tests.Diffusion;

public class NoiseScheduleTests
{
    [Fact]
    public void The_linear_schedule_is_the_ddpm_papers_and_alpha_bar_is_the_running_product()
    {
        var s = NoiseSchedule.Linear();
        Assert.Equal(1000, s.T);
        Assert.Equal(1e-4, s.Beta[1], 15);
        Assert.Equal(0.02, s.Beta[1000], 15);
        Assert.Equal(1e-4 + (0.02 - 1e-4) * 499 / 999, s.Beta[500], 15);
        double product = 1;
        for (int t = 1; t <= 1000; t++)
        {
            product *= 1 - s.Beta[t];
            Assert.Equal(product, s.AlphaBar[t], 14);
            Assert.True(s.AlphaBar[t] < s.AlphaBar[t - 1]);
        }
        Assert.InRange(s.AlphaBar[1000], 3e-5, 5e-5);   // 4.04e-5: x_T is almost pure noise
    }

    [Fact]
    public void The_cosine_schedule_follows_its_definition_of_alpha_bar()
    {
        var s = NoiseSchedule.Cosine(1000);
        double F(int t) => Math.Pow(Math.Cos((t / 1000.0 + 0.008) / 1.008 * Math.PI / 2), 2);
        for (int t = 1; t <= 990; t += 7) Assert.Equal(F(t) / F(0), s.AlphaBar[t], 10);   // β is clipped only at the very end
        Assert.Equal(0.999, s.Beta[1000], 12);
    }

    [Fact]
    public void A_respaced_schedule_keeps_alpha_bar_at_its_steps_and_the_posterior_variance_is_beta_tilde()
    {
        var s = NoiseSchedule.Linear();
        var steps = s.EvenlySpaced(50);
        Assert.Equal(20, steps[0]);
        Assert.Equal(1000, steps[^1]);
        var r = s.Respace(steps);
        Assert.Equal(50, r.T);
        for (int i = 1; i <= 50; i++)
        {
            Assert.Equal(s.AlphaBar[steps[i - 1]], r.AlphaBar[i], 13);
            Assert.Equal(steps[i - 1], r.Timesteps[i]);
        }
        Assert.Equal((1 - s.AlphaBar[9]) / (1 - s.AlphaBar[10]) * s.Beta[10], s.PosteriorVariance(10), 15);
        Assert.Equal(0, s.PosteriorVariance(1));
        Assert.True(s.PosteriorVariance(500) < s.Beta[500]);
    }

    [Fact]
    public void Bad_schedules_and_steps_are_refused_with_the_name_of_the_call()
    {
        Assert.StartsWith("NoiseSchedule:", Assert.Throws<ArgumentException>(() => new NoiseSchedule([0.1, 1.2])).Message);
        Assert.StartsWith("NoiseSchedule.Linear:", Assert.Throws<ArgumentException>(() => NoiseSchedule.Linear(10, 0.5, 0.1)).Message);
        Assert.StartsWith("NoiseSchedule.Respace:", Assert.Throws<ArgumentException>(() => NoiseSchedule.Linear(10).Respace([3, 3])).Message);
        Assert.StartsWith("NoiseSchedule.PosteriorVariance:", Assert.Throws<ArgumentException>(() => NoiseSchedule.Linear(10).PosteriorVariance(11)).Message);
    }
}
