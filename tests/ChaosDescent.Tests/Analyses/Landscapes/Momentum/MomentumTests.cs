using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Analyses.Landscapes.Momentum;
using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;
using MathNet.Numerics.LinearAlgebra;

namespace ChaosDescent.Tests.Analyses.Landscapes.Momentum;

public class MomentumTests
{
    /// <summary>f = q x²/2 with no micro-scale: the momentum maps are exactly linear.</summary>
    private static MultiscaleObjective Quadratic(double q) =>
        new("pure-quadratic", new PolynomialPotential("q*x^2/2", (-3, 3), 0, 0, q / 2), null, 1.0);

    private static double[] Iterate(OptimizerMap map, double x0, int steps)
    {
        var s = new double[2];
        s[0] = x0;
        map.Initialize(s, 1);
        var scratch = new double[map.ScratchLength(1)];
        var rng = Xoshiro256.ForStream(1, 0);
        for (int t = 0; t < steps; t++) map.Step(s, 1, ref rng, scratch);
        return s;
    }

    [Theory]
    [InlineData(0.01, 0.9, 1.0)]
    [InlineData(0.3, 0.5, 2.0)]
    public void HeavyBallOnAQuadraticIsTheLinearRecursion(double eta, double gamma, double q)
    {
        var map = new HeavyBallMap(Quadratic(q), eta, gamma);
        var theory = LinearMomentumTheory.HeavyBall(eta, gamma, q, 0.5);
        var s0 = Vector<double>.Build.Dense([1.5, 0.0]); // v0 = 0
        var expected = theory.A.Power(200) * s0;
        var got = Iterate(map, 1.5, 200);
        Assert.Equal(expected[0], got[0], 1e-12);
        Assert.Equal(expected[1], got[1], 1e-12);
        // x_n solves the AR(2) x_(n+1) = (1 + γ − ηq)x_n − γx_(n−1): check one step of it along the orbit
        var a = Iterate(map, 1.5, 50);
        var b = Iterate(map, 1.5, 51);
        var c = Iterate(map, 1.5, 52);
        Assert.Equal((1 + gamma - eta * q) * b[0] - gamma * a[0], c[0], 1e-12);
        // the map's Jacobian on a pure quadratic is A
        var jac = new double[4];
        map.Jacobian(got, jac);
        for (int i = 0; i < 4; i++) Assert.Equal(theory.A[i / 2, i % 2], jac[i], 1e-15);
    }

    [Fact]
    public void NesterovOnAQuadraticIsTheLinearRecursion()
    {
        const double eta = 0.01, q = 1;
        var map = new NesterovMap(Quadratic(q), eta, 1.0);
        var theory = LinearMomentumTheory.Nesterov(eta, map.Coefficient, q, 0.5);
        Assert.Equal((1 - 0.1) / (1 + 0.1), map.Coefficient, 1e-15);
        var expected = theory.A.Power(300) * Vector<double>.Build.Dense([1.5, 1.5]); // y0 = x0
        var got = Iterate(map, 1.5, 300);
        Assert.Equal(expected[0], got[0], 1e-12);
        Assert.Equal(expected[1], got[1], 1e-12);
        var jac = new double[4];
        map.Jacobian(got, jac);
        for (int i = 0; i < 4; i++) Assert.Equal(theory.A[i / 2, i % 2], jac[i], 1e-15);
    }

    [Fact]
    public void JacobiansMatchFiniteDifferencesOnAMultiscaleObjective()
    {
        var obj = ObjectiveCatalog.Create("quadratic-sin", 1e-2);
        foreach (OptimizerMap map in new OptimizerMap[] { new HeavyBallMap(obj, 0.05, 0.9), new NesterovMap(obj, 0.05, 1.0) })
        {
            double[] s = [0.3217, -0.0456];
            var jac = new double[4];
            map.Jacobian(s, jac);
            const double h = 1e-7;
            for (int j = 0; j < 2; j++)
            {
                var plus = (double[])s.Clone();
                var minus = (double[])s.Clone();
                plus[j] += h;
                minus[j] -= h;
                var fp = StepOnce(map, plus);
                var fm = StepOnce(map, minus);
                for (int i = 0; i < 2; i++)
                    Assert.Equal((fp[i] - fm[i]) / (2 * h), jac[i * 2 + j], 1e-4 * Math.Max(1, Math.Abs(jac[i * 2 + j])));
            }
        }
    }

    private static double[] StepOnce(OptimizerMap map, double[] s)
    {
        var st = (double[])s.Clone();
        var scratch = new double[map.ScratchLength(1)];
        var rng = Xoshiro256.ForStream(1, 0);
        map.Step(st, 1, ref rng, scratch);
        return st;
    }

    [Fact]
    public void StationaryVariancesOfTheLinearTheory()
    {
        const double eta = 0.01, gamma = 0.9, q = 1, s2 = 0.5;
        var hb = LinearMomentumTheory.HeavyBall(eta, gamma, q, s2);
        Assert.Equal(LinearMomentumTheory.HeavyBallVarianceClosedForm(eta, gamma, q, s2), hb.PositionVariance, 1e-12);
        var gd = LinearMomentumTheory.Gd(eta, q, s2);
        Assert.Equal(eta * s2 / (q * (2 - eta * q)), gd.PositionVariance, 1e-15);
        Assert.Equal(eta, gd.EffectiveLearningRate, 1e-12);
        Assert.InRange(hb.EffectiveLearningRate, 0.95 * eta / (1 - gamma), 1.05 * eta / (1 - gamma));
        // NAG: the Lyapunov-equation solution against a long simulation of its linear recursion with uniform noise of variance σ²
        double c = (1 - Math.Sqrt(eta)) / (1 + Math.Sqrt(eta));
        var nag = LinearMomentumTheory.Nesterov(eta, c, q, s2);
        var rng = Xoshiro256.ForStream(5, 0);
        double x = 0, y = 0, sum = 0, sum2 = 0;
        const int n = 2_000_000;
        double width = Math.Sqrt(12 * s2);
        for (int t = 0; t < n + 1000; t++)
        {
            double z = (rng.NextDouble() - 0.5) * width;
            double yNew = (1 - eta * q) * x + eta * z;
            x = yNew + c * (yNew - y);
            y = yNew;
            if (t >= 1000) { sum += x; sum2 += x * x; }
        }
        double v = sum2 / n - (sum / n) * (sum / n);
        // autocorrelated samples: relative tolerance 5 % (correlation time ~ 1/(1 − 0.9) steps)
        Assert.InRange(v, 0.95 * nag.PositionVariance, 1.05 * nag.PositionVariance);
        Assert.True(nag.PositionVariance < hb.PositionVariance);
    }

    /// <summary>One orbit from x = 1, no burn-in, full spectrum: how the momentum analysis calls the estimator.</summary>
    private static LyapunovResult Spectrum(OptimizerMap map, long steps) =>
        LyapunovEstimator.Run(map, new LyapunovSettings
        {
            Steps = steps,
            BurnIn = 0,
            Orbits = 1,
            Spectrum = true,
            Initial = new FixedPoint([1.0]),
        });

    [Fact]
    public void LyapunovSpectrumOfALinearMapIsTheLogOfItsEigenvalueModuli()
    {
        // heavy ball on x²/2 with η = 0.01, γ = 0.9: complex pair of modulus √γ, so λ1 = λ2 = ½ ln γ
        var map = new HeavyBallMap(Quadratic(1), 0.01, 0.9);
        var spec = Spectrum(map, 20_000);
        Assert.Equal(0.5 * Math.Log(0.9), spec.Spectrum![0], 2e-3);
        Assert.Equal(0.5 * Math.Log(0.9), spec.Spectrum[1], 2e-3);
        Assert.Equal(Math.Log(0.9), spec.Spectrum.Sum(), 1e-10);
        // γ = 0.1, η = 0.1, q = 2: two real eigenvalues (0.9 ± √0.41)/2 of A (the linear theory's recursion matrix),
        // two different exponents
        var map2 = new HeavyBallMap(Quadratic(2), 0.1, 0.1);
        var ev = LinearMomentumTheory.HeavyBall(0.1, 0.1, 2, 1).A.Evd().EigenValues.Select(z => Math.Log(z.Magnitude)).OrderByDescending(v => v).ToArray();
        var spec2 = Spectrum(map2, 5000);
        Assert.Equal(ev[0], spec2.Spectrum![0], 1e-3);
        Assert.Equal(ev[1], spec2.Spectrum[1], 1e-3);
        Assert.Equal(Math.Log((0.9 + Math.Sqrt(0.41)) / 2), spec2.Spectrum[0], 1e-3);
        Assert.Equal(ev[0], spec2.Lambda, 1e-3);
    }
}
