using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;

namespace ChaosDescent.Tests.Analyses.Chaos;

/// <summary>The 0–1 test and topological entropy on maps with known answers (the GD ↔ logistic conjugacy of
/// <see cref="TestMaps"/>, and GD maps equal to Chebyshev polynomials).</summary>
public sealed class IndicatorTests
{
    private static DescentSystem Logistic(double r) => new() { Objective = TestMaps.LogisticObjective(), LearningRate = r - 1 };

    /// <summary>f = c0 + c1 x + … with η = 1: φ(x) = x − f′(x) is the polynomial one wants.</summary>
    private static DescentSystem Polynomial(string formula, params double[] coefficients) => new()
    {
        Objective = new MultiscaleObjective("poly", new PolynomialPotential(formula, (-1, 1), coefficients), null, 1.0),
        LearningRate = 1,
    };

    // ---- 0–1 test ------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(4.0)]
    [InlineData(3.9)]
    [InlineData(3.7)]
    public void ZeroOneTestIsNearOneForChaoticLogisticMaps(double r)
    {
        // Gottwald & Melbourne (2009) report K > 0.99 for the chaotic logistic map at N = 10⁴; K_c → 1 as N → ∞ with
        // O(N^(-1/2)) fluctuations, so 0.9 is a loose, deterministic (fixed-seed) bar; seeds vary the frequencies.
        foreach (ulong seed in new ulong[] { 1, 2, 3 })
        {
            var k = ZeroOneTest.Run(Logistic(r), new ZeroOneSettings { Start = [0.3], Seed = seed });
            Assert.True(k.K > 0.9, $"r = {r}, seed {seed}: K = {k.K}");
        }
    }

    [Theory]
    [InlineData(3.2)]   // period 2
    [InlineData(3.5)]   // period 4
    [InlineData(3.835)] // period-3 window
    public void ZeroOneTestIsNearZeroForPeriodicLogisticMaps(double r)
    {
        foreach (ulong seed in new ulong[] { 1, 2, 3 })
        {
            var k = ZeroOneTest.Run(Logistic(r), new ZeroOneSettings { Start = [0.3], Seed = seed });
            Assert.True(Math.Abs(k.K) < 0.1, $"r = {r}, seed {seed}: K = {k.K}");
        }
    }

    [Fact]
    public void DisplacementByFftEqualsTheDirectSum()
    {
        var rng = new Random(5);
        var phi = Enumerable.Range(0, 600).Select(_ => rng.NextDouble() - 0.3).ToArray();
        const double c = 1.1;
        const int lags = 50;
        var fast = ZeroOneTest.DisplacementCurve(phi, c, lags);
        // direct: M_c(n) = (1/(N−n)) Σ_{j<N−n} |z(j+n) − z(j)|² − V_osc
        var p = new double[phi.Length];
        var q = new double[phi.Length];
        double sp = 0, sq = 0;
        for (int j = 0; j < phi.Length; j++)
        {
            sp += phi[j] * Math.Cos((j + 1) * c);
            sq += phi[j] * Math.Sin((j + 1) * c);
            p[j] = sp;
            q[j] = sq;
        }
        double mean = phi.Average();
        for (int n = 1; n <= lags; n++)
        {
            double m = 0;
            for (int j = 0; j < phi.Length - n; j++)
                m += (p[j + n] - p[j]) * (p[j + n] - p[j]) + (q[j + n] - q[j]) * (q[j + n] - q[j]);
            m /= phi.Length - n;
            m -= mean * mean * (1 - Math.Cos(n * c)) / (1 - Math.Cos(c));
            Assert.Equal(m, fast[n - 1], 1e-9 * Math.Max(1, Math.Abs(m)));
        }
    }

    [Fact]
    public void ZeroOneTestIsReproducibleForASeed()
    {
        var a = ZeroOneTest.Run(Logistic(3.9), new ZeroOneSettings { Start = [0.3], Seed = 9, Steps = 4000 });
        var b = ZeroOneTest.Run(Logistic(3.9), new ZeroOneSettings { Start = [0.3], Seed = 9, Steps = 4000 });
        Assert.Equal(BitConverter.DoubleToInt64Bits(a.K), BitConverter.DoubleToInt64Bits(b.K));
    }

    [Fact]
    public void ZeroOneTestRejectsADivergingOrbit()
    {
        var e = Assert.Throws<UserInputException>(() => ZeroOneTest.Run(Logistic(4.5), new ZeroOneSettings { Start = [0.3] }));
        Assert.Contains("diverged", e.Message);
    }

    // ---- topological entropy -------------------------------------------------------------------------------

    [Fact]
    public void FullLogisticMapHasEntropyLog2WithACertifiedBracket()
    {
        var h = TopologicalEntropy.Run(Logistic(4), new EntropySettings());
        Assert.True(h.Rigorous);
        Assert.InRange(Math.Log(2), h.Lower, h.Upper);
        Assert.True(h.ErrorBound <= 0.01, $"bound {h.ErrorBound}");
    }

    [Theory]
    [InlineData(3.2)]
    [InlineData(3.5)]
    [InlineData(3.56)]
    public void EntropyIsZeroBeforeTheOnsetOfChaos(double r)
    {
        var h = TopologicalEntropy.Run(Logistic(r), new EntropySettings());
        Assert.Equal(0, h.Lower);
        Assert.True(h.Upper <= 0.01, $"r = {r}: upper {h.Upper}");
    }

    [Fact]
    public void PeriodThreeWindowHasEntropyLogOfTheGoldenMean()
    {
        // Inside the period-3 window of the logistic map (before the 3-cycle's own doublings) h = ln((1+√5)/2).
        var h = TopologicalEntropy.Run(Logistic(3.835), new EntropySettings());
        double golden = Math.Log((1 + Math.Sqrt(5)) / 2);
        Assert.InRange(golden, h.Lower, h.Upper);
        Assert.True(h.ErrorBound <= 0.01, $"bound {h.ErrorBound}");
    }

    [Fact]
    public void EntropyGrowsAlongTheRouteToChaos()
    {
        double previous = -1;
        foreach (double r in new[] { 3.6, 3.7, 3.8, 3.9, 4.0 })
        {
            var h = TopologicalEntropy.Run(Logistic(r), new EntropySettings());
            Assert.True(h.Lower > 0, $"r = {r}: lower {h.Lower}");
            Assert.True(h.TopologicalEntropy >= previous - 1e-9, $"r = {r}: {h.TopologicalEntropy} after {previous}");
            previous = h.TopologicalEntropy;
        }
    }

    [Fact]
    public void ChebyshevT3HasEntropyLog3ByLapCounting()
    {
        // f = 2x² − x⁴, η = 1: φ(x) = 4x³ − 3x = T3(x) on [−1, 1], three laps onto [−1, 1]: laps(φⁿ) = 3ⁿ.
        var h = TopologicalEntropy.Run(Polynomial("2x^2 - x^4", 0, 0, 2, 0, -1), new EntropySettings { Interval = [-1, 1], LapIterations = 12 });
        Assert.False(h.Rigorous);
        Assert.Equal(2, h.TurningPoints.Length);
        Assert.Equal(Math.Log(3), h.TopologicalEntropy, 1e-9);
        Assert.Equal(Math.Log(3), h.Upper, 1e-9);
    }

    [Fact]
    public void ChebyshevT2ByKneadingMatchesLog2()
    {
        // f = x + x²/2 − 2x³/3, η = 1: φ(x) = 2x² − 1 = T2(x), conjugate to the full logistic map.
        var h = TopologicalEntropy.Run(Polynomial("x + x^2/2 - 2x^3/3", 0, 1, 0.5, -2.0 / 3), new EntropySettings { Interval = [-1, 1] });
        Assert.InRange(Math.Log(2), h.Lower, h.Upper);
    }

    [Fact]
    public void ANonInvariantIntervalIsAUserError()
    {
        var e = Assert.Throws<UserInputException>(() => TopologicalEntropy.Run(Logistic(4), new EntropySettings { Interval = [0.2, 0.5] }));
        Assert.Contains("not invariant", e.Message);
    }

    [Fact]
    public void EntropyOfAChaoticMultiscaleMapBoundsItsLyapunovExponent()
    {
        // Variational principle: h_top ≥ h_μ = λ for the map's physical measure (Ledrappier 1981 for interval maps).
        var f = ObjectiveCatalog.Create("quadratic-sin", 0.01, new Dictionary<string, double>());
        var system = new DescentSystem { Objective = f, LearningRate = 0.05 };
        var h = TopologicalEntropy.Run(system, new EntropySettings { LapIterations = 10 });
        var lambda = LyapunovEstimator.Run(system.CreateMap("lyapunov"), new LyapunovSettings { Steps = 50_000, Orbits = 2 });
        Assert.True(h.Upper >= lambda.Lambda - 4 * lambda.StdErr, $"h <= {h.Upper}, lambda = {lambda.Lambda} +- {lambda.StdErr}");
        Assert.True(h.TopologicalEntropy > 0);
    }

    [Fact]
    public void LapGrowthSeparatesPolynomialFromExponentialAcrossThePeriodDoublingRoute()
    {
        // GD on quartic-negcos at ε = 1e-3 (Fig. 9): period 2 at η = 0.003 and period 4 at η = 0.0035 (the route
        // accumulates at η ≈ 0.0035315), chaos at η = 0.0038. The map on the attractor's interval has two turning
        // points, so entropy comes from lap counting. Below the onset ℓ_n grows like a polynomial: the plain ratio
        // log(ℓ_n/ℓ_(n−1)) ≈ k/n would read 0.015 at n = 200 for k = 3, the growth fit must read ≤ 0.01.
        var f = ObjectiveCatalog.Create("quartic-negcos", 1e-3, new Dictionary<string, double>());
        foreach (double eta in new[] { 0.003, 0.0035 })
        {
            var h = TopologicalEntropy.Run(new DescentSystem { Objective = f, LearningRate = eta }, new EntropySettings());
            Assert.Equal(2, h.TurningPoints.Length);
            Assert.True(h.TopologicalEntropy + h.ErrorBound <= 0.01, $"eta = {eta}: h = {h.TopologicalEntropy} +- {h.ErrorBound}");
        }
        var chaotic = TopologicalEntropy.Run(new DescentSystem { Objective = f, LearningRate = 0.0038 }, new EntropySettings());
        Assert.True(chaotic.Lower > 0.3, $"eta = 0.0038: lower {chaotic.Lower}");
        Assert.True(chaotic.Upper >= chaotic.TopologicalEntropy);
    }
}
