using ChaosDescent.Objectives;

namespace ChaosDescent.Tests.Objectives;

/// <summary>Every catalog objective's analytic gradient and Hessian against central finite differences.</summary>
public class CatalogDerivativeTests
{
    public static TheoryData<string> Names()
    {
        var d = new TheoryData<string>();
        foreach (var n in ObjectiveCatalog.Names) d.Add(n);
        return d;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void GradientMatchesFiniteDifferencesOfValue(string name)
    {
        // ε = 0.05 keeps the micro-scale resolvable by a finite-difference step h = 1e-6 (h/ε = 2e-5).
        var f = ObjectiveCatalog.Create(name, 0.05);
        int d = f.Dimension;
        var rng = new Random(7);
        for (int trial = 0; trial < 50; trial++)
        {
            var x = Enumerable.Range(0, d).Select(_ => rng.NextDouble() * 3 - 1.5).ToArray();
            var g = new double[d];
            f.Gradient(x, g);
            for (int k = 0; k < d; k++)
            {
                const double h = 1e-6;
                var xp = (double[])x.Clone();
                var xm = (double[])x.Clone();
                xp[k] += h;
                xm[k] -= h;
                double fd = (f.Value(xp) - f.Value(xm)) / (2 * h);
                Assert.True(Math.Abs(fd - g[k]) < 1e-6 * (1 + Math.Abs(g[k])), $"{name} ∂{k} at {string.Join(",", x)}: {g[k]} vs {fd}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void HessianMatchesFiniteDifferencesOfGradient(string name)
    {
        var f = ObjectiveCatalog.Create(name, 0.05);
        int d = f.Dimension;
        var rng = new Random(11);
        for (int trial = 0; trial < 50; trial++)
        {
            var x = Enumerable.Range(0, d).Select(_ => rng.NextDouble() * 3 - 1.5).ToArray();
            var hess = new double[d * d];
            f.Hessian(x, hess);
            for (int j = 0; j < d; j++)
            {
                const double h = 1e-6;
                var xp = (double[])x.Clone();
                var xm = (double[])x.Clone();
                xp[j] += h;
                xm[j] -= h;
                var gp = new double[d];
                var gm = new double[d];
                f.Gradient(xp, gp);
                f.Gradient(xm, gm);
                for (int i = 0; i < d; i++)
                {
                    double fd = (gp[i] - gm[i]) / (2 * h);
                    Assert.True(Math.Abs(fd - hess[i * d + j]) < 2e-5 * (1 + Math.Abs(hess[i * d + j])),
                        $"{name} H[{i},{j}]: {hess[i * d + j]} vs {fd}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void BlockKernelMatchesPointwiseGradient(string name)
    {
        // The SIMD block kernel (structure-of-arrays) must agree with the scalar gradient at ε = 1e-6, phases ~1e6.
        var f = ObjectiveCatalog.Create(name, 1e-6);
        int d = f.Dimension, n = 37; // not a multiple of the vector width: exercises the scalar tail
        var rng = new Random(3);
        var x = new double[d * n];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble() * 2 - 1;
        var g = new double[d * n];
        f.AccumulateGradient(x, g, n);
        var p = new double[d];
        var q = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < d; k++) p[k] = x[k * n + i];
            f.Gradient(p, q);
            for (int k = 0; k < d; k++)
                Assert.True(Math.Abs(q[k] - g[k * n + i]) < 1e-8, $"{name} particle {i} coord {k}: {g[k * n + i]} vs {q[k]}");
        }
    }

    [Fact]
    public void UnknownNamesAndParametersAreUserErrors()
    {
        var e1 = Assert.Throws<UserInputException>(() => ObjectiveCatalog.Create("no-such"));
        Assert.Contains("quartic-sin", e1.Message);
        var e2 = Assert.Throws<UserInputException>(() => ObjectiveCatalog.Create("doublewell-sin", null, new Dictionary<string, double> { ["q"] = 1 }));
        Assert.Contains("k", e2.Message);
        Assert.Throws<UserInputException>(() => ObjectiveCatalog.Create("quartic-sin", -1));
        Assert.Throws<UserInputException>(() => ObjectiveCatalog.Create("doublewell-sin", null, new Dictionary<string, double> { ["k"] = -2 }));
    }

    [Fact]
    public void ParametersChangeTheObjective()
    {
        var f1 = ObjectiveCatalog.Create("doublewell-sin", 1e-3, new Dictionary<string, double> { ["k"] = 1 });
        var f5 = ObjectiveCatalog.Create("doublewell-sin", 1e-3, new Dictionary<string, double> { ["k"] = 5 });
        Assert.Equal(5 * f1.Macro.Value([0.0]), f5.Macro.Value([0.0]), 12);
    }
}
