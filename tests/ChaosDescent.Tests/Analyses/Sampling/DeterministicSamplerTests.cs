using ChaosDescent.Analyses.Sampling;
using ChaosDescent.Expressions;

namespace ChaosDescent.Tests.Analyses.Sampling;

/// <summary>
/// Samplers against exact moments. Tolerances: z = 4.06 standard errors (two-sided normal tail 5·10⁻⁵), the standard
/// error of a mean √(Var/ESS) and of a variance Var·√(2/ESS) (Gaussian target: Var(s²) ≈ 2σ⁴/ESS), with the ESS the
/// sampler reports (from the spread of 200 chain means: relative error ≈ 1/√(2·199) ≈ 5 %, covered by inflating the SE by 1.5).
/// </summary>
public sealed class DeterministicSamplerTests
{
    private const double Z = 4.06 * 1.5;

    private static SamplerSettings Gaussian(SamplingMethod m, ulong seed, double h = 0.05) =>
        new() { V = "x^2/2", Method = m, Step = h, Samples = 200_000, Chains = 200, BurnIn = 400, Seed = seed };

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    public void UlaHasItsKnownBiasedVarianceOnAGaussian(ulong seed)
    {
        // ULA on V = x²/2: x' = (1 − h)x + √(2h)ξ, stationary variance 2h/(1 − (1 − h)²) = 1/(1 − h/2).
        const double h = 0.05;
        var r = DeterministicSampler.Run(Gaussian(SamplingMethod.Ula, seed, h));
        double exact = 1 / (1 - h / 2);
        Assert.InRange(r.Variance[0], exact - Z * exact * Math.Sqrt(2 / r.Ess[0]), exact + Z * exact * Math.Sqrt(2 / r.Ess[0]));
        Assert.InRange(r.Mean[0], -Z * Math.Sqrt(exact / r.Ess[0]), Z * Math.Sqrt(exact / r.Ess[0]));
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    public void MalaIsUnbiasedOnAGaussian(ulong seed)
    {
        var r = DeterministicSampler.Run(Gaussian(SamplingMethod.Mala, seed, 0.2));
        Assert.InRange(r.Variance[0], 1 - Z * Math.Sqrt(2 / r.Ess[0]), 1 + Z * Math.Sqrt(2 / r.Ess[0]));
        Assert.InRange(r.AcceptanceRate!.Value, 0.5, 1);
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    public void ChaoticGdSamplesTheGaussianLikeUlaAtTheSameStep(ulong seed)
    {
        // GD on (η/4)x²/2 + ε sin(x/ε) with η = 2√h: if the kicks −η cos(x/ε) act as i.i.d. with variance η²/2, the
        // stationary variance is (η²/2)/(1 − (1 − η²/4)²) = 1/(1 − h/2), ULA's. The chaotic kicks are only nearly
        // independent (Thm. 4: distance O(ε/η)-small), so 0.02 is allowed on top of the sampling tail.
        const double h = 0.05;
        var r = DeterministicSampler.Run(Gaussian(SamplingMethod.Chaos, seed, h));
        double exact = 1 / (1 - h / 2), tail = Z * exact * Math.Sqrt(2 / r.Ess[0]) + 0.02;
        Assert.InRange(r.Variance[0], exact - tail, exact + tail);
        Assert.InRange(r.Mean[0], -Z * Math.Sqrt(exact / r.Ess[0]) - 0.02, Z * Math.Sqrt(exact / r.Ess[0]) + 0.02);
        Assert.NotNull(r.MicroScale);
    }

    [Fact]
    public void TwoDimensionalAnisotropicTargetHasItsVariances()
    {
        var r = DeterministicSampler.Run(new SamplerSettings { V = "x^2/2 + 2*y^2", Method = SamplingMethod.Mala, Step = 0.05, Samples = 200_000, Chains = 200, Seed = 3 });
        Assert.InRange(r.Variance[0], 1 - Z * Math.Sqrt(2 / r.Ess[0]), 1 + Z * Math.Sqrt(2 / r.Ess[0]));
        Assert.InRange(r.Variance[1], 0.25 - Z * 0.25 * Math.Sqrt(2 / r.Ess[1]), 0.25 + Z * 0.25 * Math.Sqrt(2 / r.Ess[1]));
        Assert.Null(r.TvToTarget);
    }

    [Theory]
    [InlineData(SamplingMethod.Chaos)]
    [InlineData(SamplingMethod.Ula)]
    [InlineData(SamplingMethod.Mala)]
    public void ResultsDoNotDependOnTheThreadCount(SamplingMethod m)
    {
        var s = new SamplerSettings { V = "(x^2-1)^2/4 + x/8", Method = m, Step = 0.01, Samples = 60_000, Chains = 600, BurnIn = 50, Seed = 4 };
        var a = DeterministicSampler.Run(s with { Threads = 1 });
        var b = DeterministicSampler.Run(s with { Threads = 2 });
        Assert.Equal(BitConverter.DoubleToInt64Bits(a.Mean[0]), BitConverter.DoubleToInt64Bits(b.Mean[0]));
        Assert.Equal(BitConverter.DoubleToInt64Bits(a.Variance[0]), BitConverter.DoubleToInt64Bits(b.Variance[0]));
        Assert.Equal(BitConverter.DoubleToInt64Bits(a.TvToTarget!.Value), BitConverter.DoubleToInt64Bits(b.TvToTarget!.Value));
    }

    [Fact]
    public void TargetIsNormalizedByQuadrature()
    {
        var v = ExpressionObjective.Create(new ExpressionObjectiveSpec { F = "(x-1)^2/(2*0.09)" });
        var t = TargetLaw.Normalize(v);
        Assert.Equal(1, t.Law.Mean, 1e-6);
        Assert.Equal(0.09, t.Law.Variance, 1e-6);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("-x^2")]
    public void ANonNormalizableTargetIsAUserError(string v)
    {
        var e = Assert.Throws<UserInputException>(() => DeterministicSampler.Run(new SamplerSettings { V = v }));
        Assert.Contains("normalizable", e.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void ABadStepIsAUserError(double h)
    {
        Assert.Throws<UserInputException>(() => DeterministicSampler.Run(new SamplerSettings { Step = h }));
    }
}
