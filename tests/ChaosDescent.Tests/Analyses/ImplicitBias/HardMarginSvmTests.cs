using ChaosDescent.Analyses.ImplicitBias;
using ChaosDescent.Numerics;
using ChaosDescent.Data;

namespace ChaosDescent.Tests.Analyses.ImplicitBias;

public class HardMarginSvmTests
{
    [Fact]
    public void TwoActiveConstraintsSolvedByHand()
    {
        // 2 w1 ≥ 1 and −w2 ≥ 1: the minimum-norm point is (1/2, −1); ŵ = α1 (2, 0) − α2 (0, 1) gives α = (1/4, 1).
        var data = TestData.Classification([[2, 0], [0, 1]], [1, -1]);
        var s = HardMarginSvm.Solve(data);
        Assert.True(s.Separable);
        Assert.Equal(0.5, s.W![0], 12);
        Assert.Equal(-1.0, s.W[1], 12);
        Assert.Equal(0.25, s.Alpha[0], 12);
        Assert.Equal(1.0, s.Alpha[1], 12);
        Assert.Equal(Math.Sqrt(1.25), s.Norm, 12);
        Assert.True(s.Kkt!.Holds(1e-12), s.Kkt.ToString());
    }

    [Fact]
    public void InactiveConstraintHasZeroMultiplier()
    {
        // x = (1, 0) and (3, 1), both +1: ŵ = (1, 0); the second point has margin 3 and α = 0.
        var s = HardMarginSvm.Solve(TestData.Classification([[1, 0], [3, 1]], [1, 1]));
        Assert.Equal(1.0, s.W![0], 12);
        Assert.Equal(0.0, s.W[1], 12);
        Assert.Equal([0], s.SupportVectors);
        Assert.Equal(1.0, s.Alpha[0], 12);
        Assert.Equal(0.0, s.Alpha[1]);
    }

    [Fact]
    public void BiasTermAsAugmentedFeature()
    {
        // 1-D: x = 2 labelled +1, x = 1 labelled −1. No homogeneous separator; with a bias, (w, b) = (2, −3),
        // α = (5, 8) (both constraints active: 2w + b = 1, −(w + b) = 1).
        var data = TestData.Classification([[2], [1]], [1, -1]);
        Assert.False(HardMarginSvm.Solve(data).Separable);
        var s = HardMarginSvm.Solve(data.WithBias());
        Assert.True(s.Separable);
        Assert.Equal(2.0, s.W![0], 10);
        Assert.Equal(-3.0, s.W[1], 10);
        Assert.Equal(5.0, s.Alpha[0], 9);
        Assert.Equal(8.0, s.Alpha[1], 9);
    }

    [Fact]
    public void ContradictoryLabelsGiveACertificate()
    {
        var s = HardMarginSvm.Solve(TestData.Classification([[1, 0], [1, 0], [0, 1]], [1, -1, 1]));
        Assert.False(s.Separable);
        Assert.NotNull(s.Certificate);
        Assert.Equal(1.0, s.Certificate!.Sum(), 12);
        Assert.True(s.Certificate.All(u => u >= 0));
        Assert.True(s.CertificateResidual < 1e-14, $"{s.CertificateResidual}");
        Assert.Equal(0.5, s.Certificate[0], 12);
        Assert.Equal(0.5, s.Certificate[1], 12);
    }

    [Fact]
    public void ZeroMarginIsNotSeparable()
    {
        // y x = (0, 1) and (0, −1): 0 is in their convex hull, so no w has y wᵀx > 0 for both (weakly separable only).
        var s = HardMarginSvm.Solve(TestData.Classification([[1, 0], [-1, 0], [0, 1], [0, -1]], [1, -1, 1, 1]));
        Assert.False(s.Separable);
        Assert.True(s.CertificateResidual < 1e-14);
    }

    [Fact]
    public void PointAtTheOriginCannotBeSeparated()
    {
        Assert.False(HardMarginSvm.Solve(TestData.Classification([[0, 0], [1, 1]], [1, 1])).Separable);
    }

    [Fact]
    public void AgreesWithDualCoordinateAscentOnRandomSeparableSets()
    {
        for (int trial = 0; trial < 25; trial++)
        {
            var rng = Xoshiro256.ForStream(99, (ulong)trial);
            int d = 2 + trial % 4, n = 10 + 7 * (trial % 5);
            var u = Enumerable.Range(0, d).Select(_ => rng.NextGaussian()).ToArray();
            var rows = new double[n][];
            var y = new double[n];
            for (int i = 0; i < n; i++)
            {
                double m;
                do
                {
                    rows[i] = Enumerable.Range(0, d).Select(_ => rng.NextGaussian()).ToArray();
                    m = rows[i].Select((v, k) => v * u[k]).Sum();
                } while (Math.Abs(m) < 0.1);
                y[i] = Math.Sign(m);
            }
            var data = TestData.Classification(rows, y);
            var a = HardMarginSvm.Solve(data);
            var b = HardMarginSvm.SolveByCoordinateAscent(data, 1e-13);
            Assert.True(a.Separable && b.Separable);
            Assert.True(a.Kkt!.Holds(1e-10), $"trial {trial}: {a.Kkt}");
            double diff = Math.Sqrt(a.W!.Select((v, k) => (v - b.W![k]) * (v - b.W[k])).Sum()) / a.Norm;
            Assert.True(diff < 1e-8, $"trial {trial}: relative difference {diff}");
            // Every point has margin ≥ 1 and the support vectors exactly 1.
            foreach (var sv in a.SupportVectors)
                Assert.Equal(1.0, y[sv] * rows[sv].Select((v, k) => v * a.W![k]).Sum(), 9);
        }
    }

    [Fact]
    public void BuiltinsBehaveAsDescribed()
    {
        Assert.True(HardMarginSvm.Solve(DataSources.BuiltinClassification("separable2d")).Separable);
        Assert.True(HardMarginSvm.Solve(DataSources.BuiltinClassification("separable3d")).Separable);
        Assert.False(HardMarginSvm.Solve(DataSources.BuiltinClassification("overlap2d").WithBias()).Separable);
        Assert.False(HardMarginSvm.Solve(DataSources.BuiltinClassification("xor").WithBias()).Separable);
        // Seeded: the same seed gives the same points, another seed other points.
        Assert.Equal(DataSources.BuiltinClassification("xor", 3).X, DataSources.BuiltinClassification("xor", 3).X);
        Assert.NotEqual(DataSources.BuiltinClassification("xor", 3).X, DataSources.BuiltinClassification("xor", 4).X);
    }

    [Fact]
    public void CsvLabelsMayBeAnyTwoValues()
    {
        var dir = TestData.TempDir();
        var path = Path.Combine(dir, "animals.csv");
        File.WriteAllText(path, "a,\"b\",kind\n1,0,dog\n0,1,cat\n2,0.5,dog\n");
        var data = DataSources.LoadClassification(path, "kind");
        Assert.Equal("cat", data.NegativeLabel);
        Assert.Equal("dog", data.PositiveLabel);
        Assert.Equal([1.0, -1, 1], data.Y);
        Assert.Equal(["a", "b"], data.FeatureNames);
        Assert.Equal(data.Y, DataSources.LoadClassification(path, "3").Y);
        File.WriteAllText(path, "a,label\n1,0\n2,1\n3,2\n");
        Assert.Throws<UserInputException>(() => DataSources.LoadClassification(path, "label"));
        Assert.Throws<UserInputException>(() => DataSources.LoadClassification(path, "nope"));
        File.WriteAllText(path, "a,label\n1,0\nx,1\n");
        Assert.Throws<UserInputException>(() => DataSources.LoadClassification(path, "label"));
        Directory.Delete(dir, true);
    }
}
