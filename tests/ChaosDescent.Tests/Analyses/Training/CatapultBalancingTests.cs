using ChaosDescent.Analyses.Training;
using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;
using Xunit.Abstractions;

namespace ChaosDescent.Tests.Analyses.Training;

public class CatapultBalancingTests(ITestOutputHelper output)
{
    private static double[] Gaussian(int d, ulong stream)
    {
        var rng = Xoshiro256.ForStream(7, stream);
        var x = new double[d];
        for (int i = 0; i < d; i++) x[i] = rng.NextGaussian();
        return x;
    }

    // Central differences: error O(h²)·f''' ≈ 1e-10 at h = 1e-5 on these O(1) polynomials; the 1e-6 tolerance leaves
    // four orders of margin, so a wrong derivative (an O(1) error) cannot pass and a right one cannot fail.
    private static void CheckDerivatives(IScalarField f, double[] x)
    {
        int d = f.Dimension;
        var g = new double[d];
        f.Gradient(x, g);
        var w = Gaussian(d, 99);
        var hv = new double[d];
        f.HessianVectorProduct(x, w, hv);
        const double h = 1e-5;
        var xp = (double[])x.Clone();
        var gp = new double[d];
        var gm = new double[d];
        for (int i = 0; i < d; i++)
        {
            xp[i] = x[i] + h; double fp = f.Value(xp);
            xp[i] = x[i] - h; double fm = f.Value(xp);
            xp[i] = x[i];
            Assert.True(Math.Abs((fp - fm) / (2 * h) - g[i]) < 1e-6 * (1 + Math.Abs(g[i])), $"gradient {i}");
        }
        for (int i = 0; i < d; i++) { xp[i] = x[i] + h * w[i]; }
        f.Gradient(xp, gp);
        for (int i = 0; i < d; i++) { xp[i] = x[i] - h * w[i]; }
        f.Gradient(xp, gm);
        for (int i = 0; i < d; i++)
            Assert.True(Math.Abs((gp[i] - gm[i]) / (2 * h) - hv[i]) < 1e-6 * (1 + Math.Abs(hv[i])), $"hvp {i}");
    }

    [Fact]
    public void UvModelDerivativesMatchFiniteDifferences() => CheckDerivatives(new UvModel(6, 1.3, 0.4), Gaussian(12, 1));

    [Fact]
    public void MatrixFactorizationDerivativesMatchFiniteDifferences() =>
        CheckDerivatives(new MatrixFactorization(3, 2, 2, Gaussian(6, 2)), Gaussian(10, 3));

    [Fact]
    public void UvSharpnessAtAMinimumIsTheNtkEigenvalue()
    {
        // At f = y the Hessian is g gᵀ with ‖g‖² = λ (Lewkowycz et al. 2020, Sec. 2): H g = λ g exactly.
        var m = new UvModel(5, 1, 0);
        var x = Gaussian(10, 4);
        double f = m.Output(x);
        x[0] -= f * Math.Sqrt(5) / x[5]; // make vᵀu = 0
        Assert.True(Math.Abs(m.Output(x)) < 1e-12);
        var g = new double[10];
        for (int i = 0; i < 5; i++) { g[i] = x[5 + i]; g[5 + i] = x[i]; }
        var hg = new double[10];
        m.HessianVectorProduct(x, g, hg);
        double lambda = m.Ntk(x);
        for (int i = 0; i < 10; i++) Assert.Equal(lambda * g[i], hg[i], 1e-9 * (1 + Math.Abs(hg[i])));
    }

    [Fact]
    public void UvPhasesAreLazyBelowTwoCatapultBetweenTwoAndFourDivergeAbove()
    {
        // Width 400: the paper's boundaries hold up to O(1/n) corrections; grid values sit ≥ 0.3 away from 2 and 4.
        var r = Catapult.Run(new DescentSystem(), new CatapultSettings { Width = 400, EtaLambda = [1.0, 1.7, 2.5, 3.5, 4.5], Seeds = 6, Steps = 3000 });
        foreach (var p in r.Points)
            output.WriteLine($"{p.EtaLambda}: lazy {p.Lazy} cat {p.CatapultFraction} div {p.Diverged} nc {p.NotConverged} sharp*eta {p.MeanFinalSharpnessEta:F3} peak {p.MeanPeakLossRatio:G3}");
        Assert.Equal(1.0, r.Points[0].Lazy);
        Assert.Equal(1.0, r.Points[1].Lazy);
        Assert.Equal(1.0, r.Points[2].CatapultFraction);
        Assert.Equal(1.0, r.Points[3].CatapultFraction);
        Assert.Equal(1.0, r.Points[4].Diverged);
        // Catapult lands where ηλ < 2 (flatter than where it started); lazy keeps ηλ ≈ ηλ0.
        Assert.True(r.Points[2].MeanFinalSharpnessEta < 2 && r.Points[3].MeanFinalSharpnessEta < 2);
        Assert.True(Math.Abs(r.Points[0].MeanFinalSharpnessEta - 1.0) < 0.05);
        Assert.Equal(2.5, r.MeasuredCatapultOnset);
        Assert.Equal(4.5, r.MeasuredEtaMax);
    }

    [Fact]
    public void BalancingSmallEtaConservesImbalanceLargeEtaBalances()
    {
        // Rank 1, ‖X0‖/‖Y0‖ ≈ 9: measured (seed 1, 6 starts) the imbalance is kept to 0.3 % at η = 0.5·2/L and falls
        // ten-fold at 1.5·2/L; the bounds below (5 % and three-fold) leave wide margins on both sides.
        var r = Balancing.Run(new DescentSystem(), new BalancingSettings { EtaRatio = [0.5, 1.5], Seeds = 6, Steps = 20000 });
        foreach (var p in r.Points)
            output.WriteLine($"{p.EtaRatio}: conv {p.Converged} div {p.Diverged} bal {p.Balanced} imb {p.MeanFinalImbalance:G4} init {p.MeanInitialImbalance:G4} rel {p.MeanRelativeImbalance:G3}");
        var small = r.Points[0];
        // Gradient flow conserves ‖X‖² − ‖Y‖²; GD below 2/L changes it by O(η²) per step only.
        Assert.Equal(1.0, small.Converged);
        Assert.True(Math.Abs(small.MeanFinalImbalance / small.MeanInitialImbalance - 1) < 0.05);
        var large = r.Points[1];
        Assert.True(large.Converged >= 0.5);
        Assert.True(large.MeanFinalImbalance < large.MeanInitialImbalance / 3);
    }

    [Fact]
    public void BalancingFixedPointIsAFixedPointOfGd()
    {
        // x = y = √a is a balanced minimizer of ½(xy − a)²: gradient zero, GD stays.
        var m = new MatrixFactorization(1, 1, 1, [2.0]);
        double[] x = [Math.Sqrt(2), Math.Sqrt(2)];
        var g = new double[2];
        m.Gradient(x, g);
        Assert.True(Math.Abs(g[0]) < 1e-15 && Math.Abs(g[1]) < 1e-15);
        Assert.Equal(0.0, m.Imbalance(x), 1e-15);
    }

    [Fact]
    public void ResultsAreBitwiseReproducible()
    {
        var s = new CatapultSettings { Width = 50, EtaLambda = [1, 3], Seeds = 2, Steps = 300 };
        Assert.Equal(ChaosDescent.Infrastructure.Json.Serialize(Catapult.Run(new DescentSystem(), s)),
            ChaosDescent.Infrastructure.Json.Serialize(Catapult.Run(new DescentSystem(), s)));
        var b = new BalancingSettings { EtaRatio = [0.5, 2], Seeds = 2, Steps = 500 };
        Assert.Equal(ChaosDescent.Infrastructure.Json.Serialize(Balancing.Run(new DescentSystem(), b)),
            ChaosDescent.Infrastructure.Json.Serialize(Balancing.Run(new DescentSystem(), b)));
    }

    [Fact]
    public void BadSettingsAreUserErrors()
    {
        Assert.Throws<UserInputException>(() => Catapult.Run(new DescentSystem(), new CatapultSettings { EtaLambda = [-1] }));
        Assert.Throws<UserInputException>(() => Catapult.Run(new DescentSystem(), new CatapultSettings { Width = 0 }));
        Assert.Throws<UserInputException>(() => Balancing.Run(new DescentSystem(), new BalancingSettings { Rank = 0 }));
        Assert.Throws<UserInputException>(() => Balancing.Run(new DescentSystem(), new BalancingSettings { Unbalance = double.NaN }));
    }
}
