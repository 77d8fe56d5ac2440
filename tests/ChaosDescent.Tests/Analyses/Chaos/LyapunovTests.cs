using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;
using ChaosDescent.Tests.Learning;

namespace ChaosDescent.Tests.Analyses.Chaos;

public class LyapunovTests
{
    [Fact]
    public void LogisticAtR4HasExponentLn2()
    {
        // r = 4: the invariant density is the arcsine law and λ = ln 2 exactly; conjugacy preserves λ
        var r = LyapunovEstimator.Run(TestMaps.Logistic(4), new LyapunovSettings
        {
            Steps = 40_000,
            Orbits = 8,
            Seed = 11,
            Initial = InitialCondition.Uniform(-0.3, 0.95),
        });
        Assert.Equal(0, r.DivergedOrbits);
        Assert.True(Math.Abs(r.Lambda - Math.Log(2)) <= 4 * r.StdErr, $"{r.Lambda} +- {r.StdErr}");
        Assert.True(r.StdErr < 0.01);
    }

    [Fact]
    public void SpectrumOfALinearMapIsTheLogOfItsEigenvalues()
    {
        // GD on ½xᵀAx: J = I − ηA, exponents ln|1 − η a_i| exactly, a_i = 1.5 ± √0.5
        double[] a = [2, 0.5, 0.5, 1];
        double eta = 0.3;
        var map = new GradientDescentMap(TestMaps.Quadratic(a, 2), eta);
        var r = LyapunovEstimator.Run(map, new LyapunovSettings { Steps = 2_000, BurnIn = 50, Orbits = 2, Spectrum = true, Initial = InitialCondition.Uniform(-1, 1) });
        double l1 = 1.5 + Math.Sqrt(0.5), l2 = 1.5 - Math.Sqrt(0.5);
        var expected = new[] { Math.Log(Math.Abs(1 - eta * l1)), Math.Log(Math.Abs(1 - eta * l2)) }.OrderByDescending(v => v).ToArray();
        Assert.Equal(expected[0], r.Spectrum![0], 10);
        Assert.Equal(expected[1], r.Spectrum[1], 10);
        Assert.Equal(expected[0], r.Lambda, 10);
        // eq. 4's ‖J‖₂ = max |1 − η a_i| is the same number for a constant symmetric J
        Assert.Equal(expected[0], r.NormAverage, 10);
    }

    [Fact]
    public void HeavyBallSpectrumOnALinearObjectiveIsItsEigenvalues()
    {
        // 1-D f = a x²/2: J = [[1 − ηa, γ], [−ηa, γ]] is constant; its eigenvalues are a complex pair here
        double a = 1.3, eta = 0.2, gamma = 0.6;
        var map = new HeavyBallMap(TestMaps.Quadratic([a], 1), eta, gamma);
        var r = LyapunovEstimator.Run(map, new LyapunovSettings { Steps = 4_000, BurnIn = 100, Orbits = 1, Spectrum = true, Initial = InitialCondition.Uniform(-1, 1) });
        double tr = 1 - eta * a + gamma, det = gamma, disc = tr * tr / 4 - det;
        double[] expected = disc >= 0
            ? new[] { Math.Log(Math.Abs(tr / 2 + Math.Sqrt(disc))), Math.Log(Math.Abs(tr / 2 - Math.Sqrt(disc))) }.OrderByDescending(v => v).ToArray()
            : [0.5 * Math.Log(det), 0.5 * Math.Log(det)];
        // a complex pair rotates the frame: the Benettin averages converge like 1/n
        Assert.True(Math.Abs(expected[0] - r.Spectrum![0]) < 2e-3, $"{r.Spectrum[0]} vs {expected[0]}");
        Assert.True(Math.Abs(expected[1] - r.Spectrum[1]) < 2e-3, $"{r.Spectrum[1]} vs {expected[1]}");
        Assert.Equal(Math.Log(det), r.Spectrum.Sum(), 9); // the sum is ln|det J| exactly
    }

    [Theory]
    [InlineData("quartic-sin", 1e-5, 1e-2)]
    [InlineData("doublewell-sin", 1e-4, 2e-2)]
    [InlineData("quartic-quasiperiodic", 1e-5, 1e-2)]
    public void ExponentMatchesTheoremNine(string name, double eps, double eta)
    {
        var f = ObjectiveCatalog.Create(name, eps);
        double m = MConstant.Compute(f, MConstantOptions.Quick).M;
        var r = LyapunovEstimator.Run(MapFactory.Create("gd", f, eta), new LyapunovSettings { Steps = 20_000, Orbits = 4, Seed = 5 });
        double theory = LyapunovEstimator.Theory(MapFactory.Create("gd", f, eta), m).Value;
        // Thm. 9: λ = m + ln(η/ε) + O(ε + η); corrections in ε/η are part of what the limit ε → 0 neglects
        double tol = 4 * r.StdErr + (eps + eta) + eps / eta;
        Assert.True(Math.Abs(r.Lambda - theory) <= tol, $"{r.Lambda} vs {theory} (tol {tol})");
    }

    [Fact]
    public void AllDivergedOrbitsAreAUserErrorAndNaNInSweeps()
    {
        var f = ObjectiveCatalog.Create("quartic-sin", 1e-3);
        var map = MapFactory.Create("gd", f, 5);
        var e = Assert.Throws<UserInputException>(() => LyapunovEstimator.Run(map, new LyapunovSettings { Steps = 1_000, Orbits = 3 }));
        Assert.Contains("diverged", e.Message);
        var many = LyapunovEstimator.RunMany([map, MapFactory.Create("gd", f, 1e-2)], new LyapunovSettings { Steps = 1_000, Orbits = 3 });
        Assert.True(many[0].AllDiverged);
        Assert.True(double.IsNaN(many[0].Lambda));
        Assert.Equal(0, many[1].DivergedOrbits);
        Assert.True(double.IsFinite(many[1].Lambda));
    }

    [Fact]
    public void PartlyDivergedOrbitsAreLeftOutAndCounted()
    {
        // quartic f0: starts beyond |x| ~ sqrt(2/η) blow up, starts near 0 stay
        var f = ObjectiveCatalog.Create("quartic-sin", 1e-3);
        var r = LyapunovEstimator.Run(MapFactory.Create("gd", f, 0.05), new LyapunovSettings
        {
            Steps = 1_000,
            Orbits = 16,
            Initial = InitialCondition.Uniform(-12, 12),
            Seed = 3,
        });
        Assert.InRange(r.DivergedOrbits, 1, 15);
        Assert.Equal(16 - r.DivergedOrbits, r.PerOrbit.Length);
        Assert.NotNull(r.FirstDivergenceStep);
        Assert.True(double.IsFinite(r.Lambda));
    }

    [Fact]
    public void RandomMapsAreRefused()
    {
        var f = ObjectiveCatalog.Create("quartic-sin", 1e-3);
        Assert.Throws<UserInputException>(() => LyapunovEstimator.Run(MapFactory.Create("stochastic", f, 0.01), new LyapunovSettings { Steps = 1_000 }));
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        var f = ObjectiveCatalog.Create("matyas-sincos", 1e-5);
        var map = MapFactory.Create("gd", f, 0.01);
        var s = new LyapunovSettings { Steps = 2_000, Orbits = 20, Spectrum = true };
        var one = LyapunovEstimator.Run(map, s with { Threads = 1 });
        var two = LyapunovEstimator.Run(map, s with { Threads = 2 });
        Assert.Equal(one.Lambda, two.Lambda);
        Assert.Equal(one.Spectrum, two.Spectrum);
    }
}
