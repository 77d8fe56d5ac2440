using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;

namespace ChaosDescent.Tests.Maps;

public class MapTests
{
    [Theory]
    [InlineData("stochastic")]
    [InlineData("gaussian")]
    public void StationaryVarianceOnAQuadraticMatchesTheLinearRecursion(string map)
    {
        // f0 = x²/2: x' = (1 − η)x + ηζ, so Var∞ = η²σ²/(1 − (1 − η)²) = ησ²/(2 − η), for bounded and Gaussian ζ alike.
        var f = ObjectiveCatalog.Create("quadratic-sin", 1e-4);
        double eta = 0.2, sigma2 = 0.5, expected = eta * sigma2 / (2 - eta);
        var r = EnsembleRunner.Run(MapFactory.Create(map, f, eta), new EnsembleSettings { Particles = 200_000, Steps = 200, Seed = 3 });
        var xs = r.Final.Coordinate(0);
        double var = xs.Select(v => v * v).Average();
        // SE of a sample second moment ≈ Var·√(2/n) for near-Gaussian data; 5 SE plus the transient (1−η)^400 ≈ 0.
        Assert.True(Math.Abs(var - expected) < 5 * expected * Math.Sqrt(2.0 / xs.Length) + 1e-12, $"{var} vs {expected}");
    }

    [Theory]
    [InlineData("gd", "quartic-sin", 0.1)]
    [InlineData("heavyball", "quadratic-sin", 0.01)]
    [InlineData("nag", "quadratic-sin", 0.01)]
    [InlineData("gd", "matyas-sincos", 0.01)]
    public void JacobianMatchesFiniteDifferencesOfTheStep(string mapName, string objective, double eta)
    {
        var f = ObjectiveCatalog.Create(objective, 0.05);
        var map = MapFactory.Create(mapName, f, eta);
        int s = map.StateBlocks * map.Dimension;
        var state = Enumerable.Range(0, s).Select(i => 0.3 + 0.17 * i).ToArray();
        var jac = new double[s * s];
        map.Jacobian(state, jac);
        var rng = Xoshiro256.ForStream(0, 0);
        var scratch = new double[map.ScratchLength(1)];
        for (int j = 0; j < s; j++)
        {
            const double h = 1e-6;
            var p = (double[])state.Clone();
            var m = (double[])state.Clone();
            p[j] += h;
            m[j] -= h;
            map.Step(p, 1, ref rng, scratch);
            map.Step(m, 1, ref rng, scratch);
            for (int i = 0; i < s; i++)
                Assert.True(Math.Abs((p[i] - m[i]) / (2 * h) - jac[i * s + j]) < 1e-5 * (1 + Math.Abs(jac[i * s + j])), $"J[{i},{j}]");
        }
    }

    [Fact]
    public void HeavyBallAndNesterovFollowTheirRecursions()
    {
        var f = ObjectiveCatalog.Create("quadratic-sin", 1e-4);
        double eta = 0.01, x0 = 0.7;
        var rng = Xoshiro256.ForStream(0, 0);
        var hb = new HeavyBallMap(f, eta, 0.9);
        var st = new[] { x0, 0 };
        hb.Initialize(st, 1);
        var scr = new double[hb.ScratchLength(1)];
        hb.Step(st, 1, ref rng, scr);
        double g0 = f.Derivative(x0);
        Assert.Equal(-eta * g0, st[1], 12);
        Assert.Equal(x0 - eta * g0, st[0], 12);
        var nag = (NesterovMap)MapFactory.Create("nag", f, eta);
        Assert.Equal((1 - Math.Sqrt(eta)) / (1 + Math.Sqrt(eta)), nag.Coefficient, 14); // μ = 1 for x²/2
        var sn = new[] { x0, 0.0 };
        nag.Initialize(sn, 1);
        Assert.Equal(x0, sn[1]);
        nag.Step(sn, 1, ref rng, new double[nag.ScratchLength(1)]);
        double y1 = x0 - eta * g0;
        Assert.Equal(y1 + nag.Coefficient * (y1 - x0), sn[0], 12);
    }

    [Fact]
    public void BadLearningRatesAndMapsAreUserErrors()
    {
        var f = ObjectiveCatalog.Create("quartic-sin");
        Assert.Throws<UserInputException>(() => MapFactory.Create("gd", f, 0));
        Assert.Throws<UserInputException>(() => MapFactory.Create("gd", f, double.NaN));
        Assert.Throws<UserInputException>(() => MapFactory.Create("adam", f, 0.1));
        Assert.Throws<UserInputException>(() => MapFactory.Create("nag", f, 0.1)); // x⁴/4 is not strongly convex
        Assert.Throws<UserInputException>(() => MapFactory.Create("gaussian", ObjectiveCatalog.Create("quadratic-nested-cos"), 0.1));
        Assert.Throws<UserInputException>(() => new StochasticMap(f, 0.1).Jacobian([0.1], new double[1]));
    }
}
