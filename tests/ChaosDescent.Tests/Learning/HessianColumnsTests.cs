using ChaosDescent.Learning;
using ChaosDescent.Objectives;
using Xunit;

namespace ChaosDescent.Tests.Learning;

public class HessianColumnsTests
{
    /// <summary>A field whose "Hessian-vector product" is A·v for a fixed non-symmetric A, so a transposed assembly shows.</summary>
    private sealed class LinearProduct(double[] a, int d) : IScalarField
    {
        public int Dimension => d;
        public double Value(ReadOnlySpan<double> x) => 0;
        public void Gradient(ReadOnlySpan<double> x, Span<double> gradient) => gradient.Clear();
        public void Hessian(ReadOnlySpan<double> x, Span<double> hessian) => throw new InvalidOperationException("not formed");
        public void AccumulateGradient(ReadOnlySpan<double> x, Span<double> gradient, int count) { }

        public void HessianVectorProduct(ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> hv)
        {
            for (int i = 0; i < d; i++)
            {
                double s = 0;
                for (int j = 0; j < d; j++) s += a[i * d + j] * v[j];
                hv[i] = s;
            }
        }
    }

    [Fact]
    public void AssemblesTheMatrixOfTheProductRowMajor()
    {
        double[] a = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        var h = new double[9];
        HessianColumns.Assemble(new LinearProduct(a, 3), new double[3], h);
        Assert.Equal(a, h);
    }

    [Fact]
    public void MatchesTheMatrixFactorizationsProductColumnByColumn()
    {
        var f = new ChaosDescent.Analyses.Training.MatrixFactorization(2, 2, 1, [1, -2, 0.5, 3]);
        double[] theta = [0.3, -0.7, 1.1, 0.4];
        var h = new double[16];
        HessianColumns.Assemble(f, theta, h);
        var hv = new double[4];
        for (int j = 0; j < 4; j++)
        {
            var e = new double[4];
            e[j] = 1;
            f.HessianVectorProduct(theta, e, hv);
            for (int i = 0; i < 4; i++) Assert.Equal(hv[i], h[i * 4 + j]);
        }
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) Assert.Equal(h[i * 4 + j], h[j * 4 + i], 12);
    }
}
