using ChaosDescent.Learning;
using ChaosDescent.Numerics;
using MathNet.Numerics.LinearAlgebra;
using ChaosDescent.Data;

namespace ChaosDescent.Tests.Learning;

public class SharpnessTests
{
    /// <summary>A = Q diag(eigs) Qᵀ with a seeded random orthogonal Q.</summary>
    internal static double[] RotatedMatrix(double[] eigs, ulong seed)
    {
        int p = eigs.Length;
        var rng = Xoshiro256.ForStream(seed, 3);
        var g = Matrix<double>.Build.Dense(p, p, (_, _) => rng.NextGaussian());
        var q = g.QR().Q;
        var a = q * Matrix<double>.Build.DenseOfDiagonalArray(eigs) * q.Transpose();
        a = (a + a.Transpose()) / 2; // exact symmetry
        var flat = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++) flat[i * p + j] = a[i, j];
        return flat;
    }

    [Fact]
    public void LanczosFindsTheTopEigenvalueOfAKnownHessian()
    {
        double[] eigs = [-2.0, 0.1, 0.5, 1, 3, 7.5, 9.25, 12.0, 0.01, 4];
        var loss = new QuadraticLoss(RotatedMatrix(eigs, 1), new double[eigs.Length]);
        var theta = new double[eigs.Length];
        var top = new double[eigs.Length];
        var s = Sharpness.Lanczos(loss, theta, 30, 1e-12, 5, default, top);
        Assert.Equal(12.0, s.Largest, 1e-9);
        Assert.Equal(-2.0, s.Smallest, 1e-9);
        // The Ritz vector is an eigenvector: A q = 12 q.
        var aq = new double[eigs.Length];
        loss.HessianVectorProduct(theta, top, aq);
        for (int i = 0; i < aq.Length; i++) Assert.Equal(12.0 * top[i], aq[i], 1e-7);
    }

    [Fact]
    public void PowerIterationAgreesOnAPositiveDefiniteHessian()
    {
        double[] eigs = [1, 2, 3, 5, 8];
        var loss = new QuadraticLoss(RotatedMatrix(eigs, 2), new double[5]);
        var s = Sharpness.PowerIteration(loss, new double[5], 2000, 1e-12, 3);
        Assert.Equal(8.0, s.Largest, 1e-8);
    }

    /// <summary>
    /// A network without hidden layer (widths d-1) is linear regression: L = (1/n)‖Aθ − y‖² with A = [X 1], so its
    /// Hessian is (2/n)AᵀA everywhere — a network with a known Hessian.
    /// </summary>
    [Fact]
    public void SharpnessOfALinearNetworkMatchesTheGramMatrix()
    {
        int n = 300, d = 4;
        var data = MlpLossTests.RandomData(n, d, 1, 21);
        var model = new Mlp([d, 1], Activation.Tanh());
        var loss = new MlpLoss(model, data);
        var h = LinearHessian(data);
        double expected = h.Evd(Symmetricity.Symmetric).EigenValues.Max(c => c.Real);
        var theta = model.CreateParameters(4);
        var s = Sharpness.Lanczos(loss, theta, 20, 1e-12);
        Assert.Equal(expected, s.Largest, 1e-10 * expected);

        // And every Hessian-vector product is H v.
        var v = model.CreateParameters(9);
        v[^1] = 0.7;
        var hv = new double[v.Length];
        loss.HessianVectorProduct(theta, v, hv, default);
        var expectedHv = h * Vector<double>.Build.DenseOfArray(v);
        for (int i = 0; i < v.Length; i++) Assert.Equal(expectedHv[i], hv[i], 1e-12);
    }

    /// <summary>(2/n)AᵀA for A = [X 1] in the parameter order of <see cref="Mlp"/> (weights, then bias).</summary>
    internal static Matrix<double> LinearHessian(RegressionData data)
    {
        int n = data.Count, d = data.InputCount;
        var a = Matrix<double>.Build.Dense(n, d + 1, (i, j) => j < d ? data.Input(i)[j] : 1.0);
        return a.TransposeThisAndMultiply(a) * (2.0 / n);
    }
}
