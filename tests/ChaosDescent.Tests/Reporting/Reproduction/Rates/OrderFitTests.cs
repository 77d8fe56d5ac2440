using ChaosDescent.Numerics;
using ChaosDescent.Reporting.Reproduction.Rates;

namespace ChaosDescent.Tests.Reporting.Reproduction.Rates;

public class OrderFitTests
{
    [Fact]
    public void ExactPowerLawGivesItsOrderAndConstant()
    {
        var eta = Enumerable.Range(0, 8).Select(i => 0.01 * Math.Pow(2, i)).ToArray();
        var fit = OrderFit.Fit(eta.Select(e => Math.Log(e)).ToArray(), eta.Select(e => Math.Log(0.25 * e * e * e)).ToArray());
        Assert.Equal(3, fit.Slope, 1e-12);
        Assert.Equal(Math.Log(0.25), fit.Intercept, 1e-12);
        Assert.True(fit.SlopeError < 1e-10);
    }

    [Fact]
    public void NextOrderTermIsAbsorbed()
    {
        // C·η²·exp(η/2): order 2 with a next-order term in ln, which the three-parameter fit recovers exactly; the plain
        // power law's local slope is above 2.
        var eta = Enumerable.Range(0, 6).Select(i => 0.01 * Math.Pow(2, i)).ToArray();
        var x = eta.Select(e => Math.Log(e)).ToArray();
        var y = eta.Select(e => Math.Log(0.25 * e * e) + e / 2).ToArray();
        var withTerm = OrderFit.Fit(x, y, eta);
        var plain = OrderFit.Fit(x, y);
        Assert.Equal(2, withTerm.Slope, 1e-10);
        Assert.Equal(0.5, withTerm.Correction!.Value, 1e-8);
        Assert.True(plain.Slope > 2.01);
    }

    [Fact]
    public void StandardErrorMatchesTheScatterOfTheSlope()
    {
        // y = 1 + 2x + N(0, 0.1²) at 20 points, 400 repetitions: the spread of the fitted slope vs the reported SE.
        // The mean reported SE and the empirical sd agree to within 4.06 times the sd's own relative error √(1/(2·400))
        // plus the bias of a residual-based SE (n − 2 = 18 degrees of freedom: ≈ 1.4 %); false-alarm rate ≈ 5·10⁻⁵.
        var rng = Xoshiro256.ForStream(7, 0);
        var x = Enumerable.Range(0, 20).Select(i => i / 19.0).ToArray();
        var slopes = new double[400];
        double meanSe = 0;
        for (int r = 0; r < slopes.Length; r++)
        {
            var y = x.Select(v => 1 + 2 * v + 0.1 * rng.NextGaussian()).ToArray();
            var fit = OrderFit.Fit(x, y);
            slopes[r] = fit.Slope;
            meanSe += fit.SlopeError / slopes.Length;
        }
        double mean = slopes.Average();
        double sd = Math.Sqrt(slopes.Sum(s => (s - mean) * (s - mean)) / (slopes.Length - 1));
        Assert.InRange(sd / meanSe, 1 - 4.06 * Math.Sqrt(1.0 / 800) - 0.014, 1 + 4.06 * Math.Sqrt(1.0 / 800) + 0.014);
        Assert.InRange(mean, 2 - 4.06 * sd / Math.Sqrt(slopes.Length), 2 + 4.06 * sd / Math.Sqrt(slopes.Length));
    }
}
