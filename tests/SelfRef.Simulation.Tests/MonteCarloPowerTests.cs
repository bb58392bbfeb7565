using SelfRef.Simulation.Power;
using SelfRef.Stats.Estimators;

namespace SelfRef.Simulation.Tests;

public sealed class MonteCarloPowerTests
{
    [Theory]
    [InlineData(0.90, 0.96, 100)]
    [InlineData(0.85, 0.894, 200)]
    [InlineData(0.96, 0.96, 150)]   // no difference: the power is the test's real size, below alpha
    [InlineData(0.80, 0.894, 60)]
    public void Simulated_studies_agree_with_the_exact_power_within_Monte_Carlo_error(double p, double reference, int n)
    {
        const double alpha = 0.05;
        var mc = MonteCarloPower.Estimate(p, reference, n, alpha, 4000, seed: 17, (k, size) => ExactBinomialTest.Compute(k, size, reference).PValue <= alpha);
        var exact = ExactBinomialPower.PowerAt(n, reference, p, alpha);
        // 99.9 % Clopper–Pearson interval of the simulated power: seeded, so the same every run.
        var ci = ClopperPearsonInterval.Compute(mc.Rejections, mc.Studies, 0.999);
        Assert.True(ci.Low <= exact && exact <= ci.High, $"Monte Carlo {mc.Power:F4} ({ci.Low:F4}–{ci.High:F4}) vs exact {exact:F4}");
    }

    [Fact]
    public void The_same_seed_gives_the_same_estimate_and_bad_input_is_named()
    {
        bool Test(int k, int n) => ExactBinomialTest.Compute(k, n, 0.96).PValue <= 0.05;
        Assert.Equal(MonteCarloPower.Estimate(0.9, 0.96, 80, 0.05, 500, 3, Test), MonteCarloPower.Estimate(0.9, 0.96, 80, 0.05, 500, 3, Test));
        Assert.Contains("true proportion", Assert.Throws<ArgumentException>(() => MonteCarloPower.Estimate(1.2, 0.96, 80, 0.05, 500, 3, Test)).Message);
        Assert.Contains("studies", Assert.Throws<ArgumentException>(() => MonteCarloPower.Estimate(0.9, 0.96, 80, 0.05, 0, 3, Test)).Message);
    }
}
