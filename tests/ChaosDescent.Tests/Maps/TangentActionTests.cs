using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Analyses.ImplicitBias;
using ChaosDescent.Data;
using ChaosDescent.Analyses.Landscapes.Momentum;
using ChaosDescent.Learning;
using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;

namespace ChaosDescent.Tests.Maps;

/// <summary>
/// The one objective contract (Hessian-vector products, default and overridden) and the one tangent engine (the
/// tangent action of every deterministic map, the Jacobian built from it, the linear momentum theory read from it,
/// the Lyapunov estimator on any objective).
/// </summary>
public class TangentActionTests
{
    /// <summary>An objective that implements only the required members, so every default interface method is used.</summary>
    private sealed class DefaultsOnly(IScalarField inner) : IScalarField
    {
        public int Dimension => inner.Dimension;
        public double Value(ReadOnlySpan<double> x) => inner.Value(x);
        public void Gradient(ReadOnlySpan<double> x, Span<double> gradient) => inner.Gradient(x, gradient);
        public void Hessian(ReadOnlySpan<double> x, Span<double> hessian) => inner.Hessian(x, hessian);
        public void AccumulateGradient(ReadOnlySpan<double> x, Span<double> gradient, int count) => inner.AccumulateGradient(x, gradient, count);
    }

    private static double[] RandomVector(int n, ulong seed)
    {
        var rng = Xoshiro256.ForStream(seed, 0);
        return Enumerable.Range(0, n).Select(_ => rng.NextGaussian()).ToArray();
    }

    [Fact]
    public void DefaultHessianVectorProductIsTheHessianTimesTheVector()
    {
        IScalarField f = ObjectiveCatalog.Create("matyas-sincos", 0.01);
        var x = new[] { 0.3, -0.7 };
        var v = new[] { 1.5, 0.25 };
        var h = new double[4];
        f.Hessian(x, h);
        var hv = new double[2];
        f.HessianVectorProduct(x, v, hv);
        // Same products and sums in the same order: equal to the bit.
        Assert.Equal(h[0] * v[0] + h[1] * v[1], hv[0]);
        Assert.Equal(h[2] * v[0] + h[3] * v[1], hv[1]);
    }

    [Fact]
    public void OverriddenHessianVectorProductsAgreeWithTheDefault()
    {
        // Quadratic loss: A·v directly vs the default through the dense Hessian.
        double[] eigs = [1, 3, 10, 0.5];
        var quad = new QuadraticLoss(Learning.SharpnessTests.RotatedMatrix(eigs, 3), [0.1, 0.2, -0.3, 0.4]);
        var theta = RandomVector(4, 1);
        var v = RandomVector(4, 2);
        var fast = new double[4];
        var slow = new double[4];
        ((IScalarField)quad).HessianVectorProduct(theta, v, fast);
        ((IScalarField)new DefaultsOnly(quad)).HessianVectorProduct(theta, v, slow);
        for (int i = 0; i < 4; i++) Assert.Equal(slow[i], fast[i], 1e-13);

        // Network loss: the R-operator against the default through the Hessian assembled column by column, and the
        // fused value/gradient/HVP pass against the separate calls (bitwise: the same kernels).
        var data = new RegressionData("toy", ["a", "b", "c"], ["y"], [0.1, 0.5, -0.3, 1.0, 0.2, -0.4, -0.8, 0.7, 0.0, 0.3, -0.1, 0.9], [0.2, -0.1, 0.4, 0.3]);
        var model = Mlp.FromHidden(3, "4", 1, Activation.Tanh());
        IScalarField mlp = new MlpLoss(model, data);
        var th = model.CreateParameters(4);
        var u = model.CreateParameters(5);
        var a = new double[mlp.Dimension];
        var b = new double[mlp.Dimension];
        mlp.HessianVectorProduct(th, u, a);
        ((IScalarField)new DefaultsOnly(mlp)).HessianVectorProduct(th, u, b);
        for (int i = 0; i < a.Length; i++) Assert.Equal(b[i], a[i], 1e-12);
        var g = new double[mlp.Dimension];
        var g2 = new double[mlp.Dimension];
        var hv = new double[mlp.Dimension];
        double l = mlp.ValueGradientAndHessianVectorProduct(th, u, g, hv);
        double l2 = mlp.ValueAndGradient(th, g2);
        Assert.Equal(l2, l);
        Assert.Equal(mlp.Value(th), l);
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], hv[i]);
    }

    [Theory]
    [InlineData("gd")]
    [InlineData("heavyball")]
    [InlineData("nag")]
    public void TangentActionIsTheJacobianAndTheJacobianHasItsClosedForm(string name)
    {
        var f = ObjectiveCatalog.Create("matyas-sincos", 0.05);
        var map = MapFactory.Create(name, f, 0.01, new MapOptions { Momentum = 0.7, StrongConvexity = 0.04 });
        int d = 2, n = map.StateDimension;
        var state = RandomVector(n, 7);
        var jac = new double[n * n];
        map.Jacobian(state, jac);
        var h = new double[d * d];
        f.Hessian(state.AsSpan(0, d), h);
        double eta = map.LearningRate;
        // Closed forms (Polyak 1964; Nesterov 2013): GD I − ηH; heavy ball [[I − ηH, γI], [−ηH, γI]];
        // NAG-SC [[(1 + c)(I − ηH), −cI], [I − ηH, 0]].
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                int bi = i / d, bj = j / d, ii = i % d, jj = j % d;
                double gd = (ii == jj ? 1 : 0) - eta * h[ii * d + jj], id = ii == jj ? 1 : 0;
                double expected = map switch
                {
                    HeavyBallMap hb => (bi, bj) switch { (0, 0) => gd, (1, 0) => gd - id, _ => hb.Momentum * id },
                    NesterovMap nag => (bi, bj) switch { (0, 0) => (1 + nag.Coefficient) * gd, (0, 1) => -nag.Coefficient * id, (1, 0) => gd, _ => 0 },
                    _ => gd,
                };
                Assert.Equal(expected, jac[i * n + j], 1e-14);
            }
        // The action on an arbitrary vector equals J·v.
        var v = RandomVector(n, 8);
        var image = new double[n];
        map.ApplyTangent(state, v, image);
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = 0; j < n; j++) s += jac[i * n + j] * v[j];
            Assert.Equal(s, image[i], 1e-14);
        }
        // Random maps have no tangent map.
        Assert.Throws<UserInputException>(() => MapFactory.Create("stochastic", f, 0.01).ApplyTangent(state.AsSpan(0, d), v.AsSpan(0, d), image.AsSpan(0, d)));
    }

    [Fact]
    public void LinearMomentumTheoryReadsTheMapsJacobian()
    {
        const double eta = 0.05, gamma = 0.8, q = 2;
        var hb = LinearMomentumTheory.HeavyBall(eta, gamma, q, 1);
        Assert.Equal(1 - eta * q, hb.A[0, 0], 1e-15);
        Assert.Equal(gamma, hb.A[0, 1], 1e-15);
        Assert.Equal(-eta * q, hb.A[1, 0], 1e-15);
        Assert.Equal(gamma, hb.A[1, 1], 1e-15);
        Assert.Equal(eta, hb.B[0], 1e-15);
        Assert.Equal(eta, hb.B[1], 1e-15);
        double c = 0.6;
        var nag = LinearMomentumTheory.Nesterov(eta, c, q, 1);
        Assert.Equal((1 + c) * (1 - eta * q), nag.A[0, 0], 1e-14);
        Assert.Equal(-c, nag.A[0, 1], 1e-14);
        Assert.Equal(1 - eta * q, nag.A[1, 0], 1e-14);
        Assert.Equal(0, nag.A[1, 1], 1e-14);
        Assert.Equal((1 + c) * eta, nag.B[0], 1e-14);
        Assert.Equal(eta, nag.B[1], 1e-14);
    }

    [Fact]
    public void LyapunovEstimatorRunsOnAnyObjectiveByTangentActions()
    {
        // A 20-parameter quadratic loss: above the dense limit, so the estimator propagates by Hessian-vector
        // products only. GD is linear: λ = ln max_i |1 − η a_i| exactly, with no statistical error.
        var eigs = Enumerable.Range(0, 20).Select(i => 0.5 + i * 0.5).ToArray(); // 0.5 … 10
        var loss = new QuadraticLoss(Learning.SharpnessTests.RotatedMatrix(eigs, 11), new double[20]);
        var system = new DescentSystem { Objective = loss, Map = "gd", LearningRate = 0.15 };
        var map = system.CreateMap("lyapunov");
        var settings = new LyapunovSettings { Steps = 400, BurnIn = 300, Orbits = 3, Batches = 4, Initial = InitialCondition.Uniform(-1, 1) };
        var r = LyapunovEstimator.Run(map, settings);
        Assert.Equal(Math.Log(0.925), r.Lambda, 1e-9); // |1 − 0.15·0.5| = 0.925, next 0.85 and 0.5 (a = 1, 10)
        Assert.True(double.IsNaN(r.NormAverage));
        Assert.Throws<UserInputException>(() => LyapunovEstimator.Run(map, settings with { Spectrum = true }));
        Assert.Throws<UserInputException>(() => LyapunovEstimator.Run(map, settings with { Initial = null }));
        // Random maps still need a multiscale objective, with their user error.
        Assert.Throws<UserInputException>(() => (system with { Map = "stochastic" }).CreateMap("distribution"));
        Assert.Throws<UserInputException>(() => (system with { Map = "gaussian" }).CreateMap("distribution"));
    }

    [Fact]
    public void TrainerAndEstimatorShareTheTangentEngine()
    {
        // The same GD map on the same quadratic loss: the trainer's exponent (fused gradient + HVP pass) and the
        // estimator's (tangent action) are both ln max|1 − η a|.
        double[] eigs = [1, 3, 10];
        var loss = new QuadraticLoss(Learning.SharpnessTests.RotatedMatrix(eigs, 7), new double[3]);
        var tr = Trainer.Run(loss, [1.0, 2.0, -1.0], new TrainingSettings { LearningRate = 0.21, Epochs = 600, LateFraction = 0.5, SharpnessPoints = 0, DivergenceFactor = 1e300 });
        var est = LyapunovEstimator.Run(new GradientDescentMap(loss, 0.21),
            new LyapunovSettings { Steps = 300, BurnIn = 200, Orbits = 2, Batches = 3, Initial = InitialCondition.Uniform(-1, 1), DivergenceBound = 1e300 });
        Assert.Equal(Math.Log(1.1), tr.Lyapunov, 1e-9);
        Assert.Equal(Math.Log(1.1), est.Lambda, 1e-9);
    }
}
