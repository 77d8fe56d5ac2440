using ChaosDescent.Analyses.Landscapes.Wells;
using ChaosDescent.Objectives;
using MathNet.Numerics;

namespace ChaosDescent.Tests.Analyses.Landscapes.Wells;

public class WellConnectivityTests
{
    private static readonly double Kc = 3 * Math.Sqrt(3) / 8;

    private static MacroPotential DoubleWell(double k) =>
        ObjectiveCatalog.Create("doublewell-sin", 1e-4, new Dictionary<string, double> { ["k"] = k }).Macro;

    [Fact]
    public void NoiseRangeOfTheSineMicroScaleIsMinusOneToOne()
    {
        var (a, b) = WellConnectivity.NoiseRange(ObjectiveCatalog.Create("doublewell-sin"));
        Assert.Equal(-1, a, 12);
        Assert.Equal(1, b, 12);
    }

    [Theory]
    [InlineData(1 - 1e-6, true)]
    [InlineData(1 + 1e-6, false)]
    [InlineData(0.5, true)]
    [InlineData(2.0, false)]
    public void DoubleWellConnectivityFlipsAtTheCriticalK(double factor, bool connected)
    {
        var c = WellConnectivity.Analyze(DoubleWell(factor * Kc), -1, 1);
        Assert.Equal(connected, c.Connected);
        Assert.Equal(connected ? 1 : 3, c.Components.Count);
        Assert.True(c.Verified);
        Assert.True(c.Certified);
        // both wells are traps exactly when S is disconnected
        Assert.All(c.Trapping, t => Assert.Equal(!connected, t.Trapped));
    }

    [Fact]
    public void CriticalKMatchesTheClosedForm()
    {
        double k = WellConnectivity.CriticalParameter(DoubleWell, -1, 1, 0.01, 10);
        Assert.Equal(Kc, k, 1e-12);
    }

    [Fact]
    public void ComponentEndpointsAreTheRootsOfTheCubicsAtTheBandEdges()
    {
        // k = 5: f0' = 20x^3 - 20x; the components' ends solve 20x^3 - 20x = ±1 (MathNet's closed-form cubic as reference)
        var c = WellConnectivity.Analyze(DoubleWell(5), -1, 1);
        var roots = new[] { 1.0, -1.0 }.SelectMany(level =>
        {
            var (r1, r2, r3) = FindRoots.Cubic(-level, -20, 0, 20);
            return new[] { r1, r2, r3 }.Where(z => Math.Abs(z.Imaginary) < 1e-9).Select(z => z.Real);
        }).OrderBy(x => x).ToArray();
        Assert.Equal(6, roots.Length);
        var ends = c.Components.SelectMany(k => new[] { k.Lo.Value, k.Hi.Value }).ToArray();
        for (int i = 0; i < 6; i++) Assert.Equal(roots[i], ends[i], 1e-12);
        foreach (var comp in c.Components)
            foreach (var e in new[] { comp.Lo, comp.Hi })
            {
                Assert.True(e.Width <= 4e-16 * Math.Max(1, Math.Abs(e.Value)));
                double level = e.Kind == EndpointKind.UpperLevel ? 1 : -1;
                double lo = c.Landscape.D1(e.BracketLo) - level, hi = c.Landscape.D1(e.BracketHi) - level;
                Assert.True(lo * hi <= 0, "the bracket must hold a sign change");
            }
        // gaps push toward the outer components: left gap f0' > 1 (moves left), right gap f0' < -1 (moves right)
        Assert.True(c.Gaps[0].PushesLeft);
        Assert.False(c.Gaps[1].PushesLeft);
    }

    [Fact]
    public void QuarticHasTheSingleComponentMinusOneToOne()
    {
        // x^4/4: f0' = x^3 in [-1, 1]  <=>  |x| <= 1
        var c = WellConnectivity.Analyze(ObjectiveCatalog.Create("quartic-sin").Macro, -1, 1);
        Assert.True(c.Connected);
        Assert.Equal(-1, c.Components[0].Lo.Value, 1e-15);
        Assert.Equal(1, c.Components[0].Hi.Value, 1e-15);
        Assert.Single(c.Wells.Wells);
    }

    [Fact]
    public void WellsOfTheTiltedDoubleWellAreTheRootsOfItsDerivative()
    {
        var land = new Landscape1D(ObjectiveCatalog.Create("tilted-doublewell-quasiperiodic").Macro);
        var wells = PotentialWells.Of(land);
        var (r1, r2, r3) = FindRoots.Cubic(0.125, -1, 0, 1); // x^3 - x + 1/8
        var roots = new[] { r1.Real, r2.Real, r3.Real }.OrderBy(x => x).ToArray();
        Assert.Equal(2, wells.Wells.Count);
        Assert.Equal(roots[0], wells.Wells[0].Minimum, 1e-12);
        Assert.Equal(roots[1], wells.Maxima.Single(), 1e-12);
        Assert.Equal(roots[2], wells.Wells[1].Minimum, 1e-12);
        Assert.Equal(land.Value(roots[1]) - land.Value(roots[2]), wells.Wells[1].Barrier, 1e-12);
        Assert.Equal(0, wells.WellOf(-3));
        Assert.Equal(1, wells.WellOf(wells.Maxima[0])); // a point on a maximum belongs to the well on its right
        Assert.Equal(0, wells.WellOf(wells.Maxima[0] - 1e-9));
    }

    [Fact]
    public void GridPathForNonPolynomialPotentialsFindsTheSameCriticalK()
    {
        double k = WellConnectivity.CriticalParameter(x => new DoubleWellAsFunction(x), -1, 1, 0.1, 2);
        Assert.Equal(Kc, k, 1e-9);
        var c = WellConnectivity.Analyze(new DoubleWellAsFunction(5), -1, 1);
        Assert.False(c.Certified);
        Assert.True(c.Verified);
        Assert.Equal(3, c.Components.Count);
    }

    [Fact]
    public void BoundedDerivativeGivesAnUnboundedComponent()
    {
        var c = WellConnectivity.Analyze(new SoftAbs(), -1, 1);
        Assert.True(c.Connected);
        Assert.Equal(double.NegativeInfinity, c.Components[0].Lo.Value);
        Assert.Equal(double.PositiveInfinity, c.Components[0].Hi.Value);
        Assert.Equal(EndpointKind.Unbounded, c.Components[0].Lo.Kind);
    }

    [Fact]
    public void ReachableIntervalIsTheComponentForSmallEtaAndCrossesForConnectedS()
    {
        var c = WellConnectivity.Analyze(DoubleWell(5), -1, 1);
        var right = c.Wells.Wells[1];
        // small eta: x - eta f0' is monotone on the well's hull, so the reachable set is the component itself
        var cert = c.Certify(right, 1e-3);
        Assert.True(cert.Trapped);
        Assert.Equal(c.Components[2].Lo.Value, cert.Lo, 1e-9);
        Assert.Equal(c.Components[2].Hi.Value, cert.Hi, 1e-9);
        // eta = 0.05 (Fig. 21): not monotone any more, still trapped but wider than the component
        var wide = c.Certify(right, 0.05);
        Assert.True(wide.Trapped);
        Assert.True(wide.Lo < c.Components[2].Lo.Value && wide.Lo > 0);
        var connected = WellConnectivity.Analyze(DoubleWell(0.5), -1, 1);
        Assert.False(connected.Certify(connected.Wells.Wells[1], 0.01).Trapped);
    }

    [Fact]
    public void NoiseRangeWithoutZeroIsAUserError()
    {
        Assert.Throws<UserInputException>(() => WellConnectivity.Analyze(DoubleWell(1), 0.1, 1));
    }

    /// <summary>k(x² − 1)² written as a generic potential (no polynomial coefficients), to exercise the grid path.</summary>
    private sealed class DoubleWellAsFunction(double k) : MacroPotential
    {
        public override int Dimension => 1;
        public override string Formula => "k*(x^2-1)^2";
        public override double Value(ReadOnlySpan<double> x) => k * Math.Pow(x[0] * x[0] - 1, 2);
        public override void Gradient(ReadOnlySpan<double> x, Span<double> g) => g[0] = 4 * k * x[0] * (x[0] * x[0] - 1);
        public override void Hessian(ReadOnlySpan<double> x, Span<double> h) => h[0] = k * (12 * x[0] * x[0] - 4);
    }

    /// <summary>f0 = 0.5 √(1 + x²): f0′ ∈ (−½, ½), so S is the whole line.</summary>
    private sealed class SoftAbs : MacroPotential
    {
        public override int Dimension => 1;
        public override string Formula => "0.5*sqrt(1+x^2)";
        public override (double Lo, double Hi) TypicalRange => (-3, 3);
        public override double Value(ReadOnlySpan<double> x) => 0.5 * Math.Sqrt(1 + x[0] * x[0]);
        public override void Gradient(ReadOnlySpan<double> x, Span<double> g) => g[0] = 0.5 * x[0] / Math.Sqrt(1 + x[0] * x[0]);
        public override void Hessian(ReadOnlySpan<double> x, Span<double> h) => h[0] = 0.5 / Math.Pow(1 + x[0] * x[0], 1.5);
    }
}
