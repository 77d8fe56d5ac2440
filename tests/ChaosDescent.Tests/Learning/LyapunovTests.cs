using System.Numerics;
using ChaosDescent.Learning;
using ChaosDescent.Objectives;
using MathNet.Numerics.LinearAlgebra;

namespace ChaosDescent.Tests.Learning;

/// <summary>
/// The Lyapunov estimator on training maps with a known exponent: on a quadratic loss the GD map is linear,
/// θ ↦ θ − ηA(θ − θ*), so λ = ln max_i |1 − η a_i| exactly (and the heavy-ball map is linear too).
/// </summary>
public class LyapunovTests
{
    private static TrainingResult Train(IScalarField loss, double[] theta0, double eta, double beta = 0, int epochs = 2000) =>
        Trainer.Run(loss, theta0, new TrainingSettings
        {
            LearningRate = eta,
            Epochs = epochs,
            Momentum = beta,
            LateFraction = 0.5,
            LyapunovWarmup = 200,
            SharpnessPoints = 0,
            DivergenceFactor = 1e300,
        });

    [Theory]
    [InlineData(0.15, 0.85)]   // multipliers 0.85, 0.55, −0.5: contracting, λ = ln 0.85
    [InlineData(0.19, 0.9)]    // 0.81, 0.43, −0.9: the top is the stiff direction flipping sign
    [InlineData(0.21, 1.1)]    // 0.79, 0.37, −1.1: expanding (GD diverges slowly), λ = ln 1.1 > 0
    public void GradientDescentOnAQuadraticHasTheExponentOfItsJacobian(double eta, double multiplier)
    {
        double[] eigs = [1, 3, 10];
        var loss = new QuadraticLoss(SharpnessTests.RotatedMatrix(eigs, 7), [0.3, -0.2, 0.5]);
        var r = Train(loss, [1.0, 2.0, -1.0], eta, epochs: 1000);
        Assert.False(r.Diverged);
        Assert.Equal(Math.Log(multiplier), r.Lyapunov, 1e-9);
        Assert.True(r.LyapunovStandardError < 1e-9);
        Assert.Equal(500, r.LyapunovEpochs);
    }

    [Theory]
    [InlineData(0.05, 0.9, 4000, 2e-3)]  // every root complex: |z| = √β for all modes
    [InlineData(0.02, 0.5, 4000, 1e-6)]  // real dominant root 0.9795 (a = 0.5)
    [InlineData(0.6, 0.5, 400, 1e-6)]    // real dominant root −1.826 (a = 6): expanding
    public void HeavyBallOnAQuadraticHasTheExponentOfItsCompanionMatrix(double eta, double beta, int epochs, double tolerance)
    {
        // (θ, v) ↦ ((1 − ηa)θ + βv, −ηaθ + βv): eigenvalues z² − (1 − ηa + β) z + β = 0.
        double[] eigs = [0.5, 2, 6];
        var loss = new QuadraticLoss(SharpnessTests.RotatedMatrix(eigs, 8), new double[3]);
        double expected = eigs.Max(a =>
        {
            double tr = 1 - eta * a + beta, disc = tr * tr - 4 * beta;
            var sq = Complex.Sqrt(disc);
            return Math.Log(Math.Max(((tr + sq) / 2).Magnitude, ((tr - sq) / 2).Magnitude));
        });
        var r = Train(loss, [1.0, -1.0, 0.5], eta, beta, epochs);
        Assert.False(r.Diverged);
        // With complex roots the one-step growth oscillates, and its mean over N epochs is off by O(1/N).
        Assert.Equal(expected, r.Lyapunov, tolerance);
    }

    /// <summary>The HVP path of the network: a linear network's GD map is linear with Jacobian I − ηH, H = (2/n)AᵀA.</summary>
    [Fact]
    public void LinearNetworkExponentMatchesTheHessianSpectrum()
    {
        var data = MlpLossTests.RandomData(200, 3, 1, 31);
        var model = new Mlp([3, 1], Activation.LeakyRelu());
        var h = SharpnessTests.LinearHessian(data).Evd(Symmetricity.Symmetric).EigenValues.Select(c => c.Real).ToArray();
        double eta = 1.5 / h.Max(); // contracting in every direction; the top multiplier is max |1 − η h_i|
        double expected = Math.Log(h.Max(x => Math.Abs(1 - eta * x)));
        var r = Train(new MlpLoss(model, data), model.CreateParameters(2), eta, epochs: 1000);
        Assert.Equal(expected, r.Lyapunov, 1e-7);
    }
}
