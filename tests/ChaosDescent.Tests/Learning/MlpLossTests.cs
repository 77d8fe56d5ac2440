using ChaosDescent.Learning;
using ChaosDescent.Numerics;
using ChaosDescent.Data;

namespace ChaosDescent.Tests.Learning;

public class MlpLossTests
{
    /// <summary>A small random regression problem (n samples, d inputs, m targets), fixed seed.</summary>
    internal static RegressionData RandomData(int n, int d, int m, ulong seed)
    {
        var rng = Xoshiro256.ForStream(seed, 99);
        var x = new double[n * d];
        var y = new double[n * m];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextGaussian();
        for (int i = 0; i < y.Length; i++) y[i] = rng.NextGaussian();
        return new RegressionData("random", Enumerable.Range(0, d).Select(k => $"x{k}").ToArray(),
            Enumerable.Range(0, m).Select(k => $"y{k}").ToArray(), x, y);
    }

    public static TheoryData<string, string, int> Networks => new()
    {
        { "3-7-2", "tanh", 37 },
        { "4-6-5-1", "tanh", 130 },
        { "3-8-1", "sine", 19 },
        { "5-16-1", "leakyrelu", 1503 },
        { "2-9-4-3", "relu", 70 },
        { "3-1", "tanh", 11 },
    };

    private static Mlp Build(string widths, string activation)
    {
        var w = widths.Split('-').Select(int.Parse).ToArray();
        var act = Activation.Parse(activation, activation == "sine" ? 2.0 : null);
        return new Mlp(w, act);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void LossMatchesScalarReference(string widths, string activation, int n)
    {
        var model = Build(widths, activation);
        var data = RandomData(n, model.InputCount, model.OutputCount, 1);
        var theta = model.CreateParameters(7);
        var loss = new MlpLoss(model, data);
        double reference = 0;
        var output = new double[model.OutputCount];
        for (int i = 0; i < n; i++)
        {
            model.Predict(theta, data.Input(i), output);
            for (int o = 0; o < output.Length; o++) reference += (output[o] - data.Target(i)[o]) * (output[o] - data.Target(i)[o]);
        }
        reference /= n;
        Assert.Equal(reference, loss.Loss(theta), 1e-12 * Math.Max(1, reference));
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void GradientMatchesCentralDifferences(string widths, string activation, int n)
    {
        var model = Build(widths, activation);
        var data = RandomData(n, model.InputCount, model.OutputCount, 2);
        var theta = model.CreateParameters(3);
        var loss = new MlpLoss(model, data);
        var g = new double[model.ParameterCount];
        loss.Gradient(theta, g);
        const double h = 1e-6;
        var t = (double[])theta.Clone();
        for (int i = 0; i < theta.Length; i++)
        {
            t[i] = theta[i] + h; double fp = loss.Loss(t);
            t[i] = theta[i] - h; double fm = loss.Loss(t);
            t[i] = theta[i];
            double fd = (fp - fm) / (2 * h);
            // Central difference error O(h² f''') plus rounding O(ε_mach·L/h) ≈ 1e-10 for L = O(1).
            Assert.True(Math.Abs(fd - g[i]) <= 1e-7 + 1e-6 * Math.Abs(g[i]), $"param {i}: backprop {g[i]}, fd {fd}");
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void HessianVectorProductMatchesGradientDifferences(string widths, string activation, int n)
    {
        var model = Build(widths, activation);
        var data = RandomData(n, model.InputCount, model.OutputCount, 4);
        var theta = model.CreateParameters(5);
        var loss = new MlpLoss(model, data);
        int p = model.ParameterCount;
        var rng = Xoshiro256.ForStream(11, 0);
        var v = new double[p];
        for (int i = 0; i < p; i++) v[i] = rng.NextGaussian();
        var hv = new double[p];
        var gAlong = new double[p];
        double l0 = loss.HessianVectorProduct(theta, v, hv, gAlong);
        var g0 = new double[p];
        Assert.Equal(loss.Gradient(theta, g0), l0);
        Assert.Equal(g0, gAlong);

        const double h = 1e-5;
        var tp = new double[p]; var tm = new double[p];
        for (int i = 0; i < p; i++) { tp[i] = theta[i] + h * v[i]; tm[i] = theta[i] - h * v[i]; }
        var gp = new double[p]; var gm = new double[p];
        loss.Gradient(tp, gp);
        loss.Gradient(tm, gm);
        double scale = hv.Max(Math.Abs);
        for (int i = 0; i < p; i++)
        {
            double fd = (gp[i] - gm[i]) / (2 * h);
            Assert.True(Math.Abs(fd - hv[i]) <= 1e-6 * (1 + scale), $"param {i}: R-op {hv[i]}, fd {fd}");
        }
    }

    [Fact]
    public void ResultsDoNotDependOnThreadCount()
    {
        var model = Build("5-16-1", "tanh");
        var data = RandomData(1503, 5, 1, 8);
        var theta = model.CreateParameters(1);
        var v = model.CreateParameters(2);
        int p = model.ParameterCount;
        var one = new MlpLoss(model, data, threads: 1);
        var three = new MlpLoss(model, data, threads: 3);
        var hv1 = new double[p]; var g1 = new double[p];
        var hv3 = new double[p]; var g3 = new double[p];
        double l1 = one.HessianVectorProduct(theta, v, hv1, g1);
        double l3 = three.HessianVectorProduct(theta, v, hv3, g3);
        Assert.Equal(l1, l3);
        Assert.Equal(g1, g3);
        Assert.Equal(hv1, hv3);
    }

    [Fact]
    public void InitializationIsReproducibleAndSeedDependent()
    {
        var model = Build("5-16-1", "leakyrelu");
        Assert.Equal(model.CreateParameters(42), model.CreateParameters(42));
        Assert.NotEqual(model.CreateParameters(42), model.CreateParameters(43));
        Assert.Equal(5 * 16 + 16 + 16 + 1, model.ParameterCount);
    }
}
