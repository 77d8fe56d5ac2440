using ChaosDescent.Analyses.Training;
using ChaosDescent.Infrastructure;
using ChaosDescent.Learning;
using MathNet.Numerics.LinearAlgebra;
using Xunit;

namespace ChaosDescent.Tests.Learning;

public class EdgeOfStabilityTests
{
    private static (Mlp Model, MlpLoss Loss, double[] Theta) Small()
    {
        var (model, data) = EdgeOfStability.Prepare(new EdgeOfStabilitySettings { Data = "synthetic", Samples = 40, Hidden = "5", Seed = 3 });
        return (model, new MlpLoss(model, data), model.CreateParameters(3));
    }

    private static double[] DenseEigenvalues(double[] h, int n, int start = 0, int len = -1)
    {
        if (len < 0) len = n;
        var m = Matrix<double>.Build.Dense(len, len, (i, j) => h[(start + i) * n + start + j]);
        return m.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues.Select(c => c.Real).OrderDescending().ToArray();
    }

    [Fact]
    public void LanczosTopKMatchesDenseEigendecomposition()
    {
        var (model, loss, theta) = Small();
        int p = model.ParameterCount;
        var h = new double[p * p];
        loss.Hessian(theta, h);
        var dense = DenseEigenvalues(h, p);
        // Full reorthogonalization: with the Krylov space grown to the dimension the Ritz values are the eigenvalues up to rounding.
        var top = Sharpness.LanczosTop(loss, theta, 3, maxIterations: p, tolerance: 1e-10);
        for (int i = 0; i < 3; i++) Assert.Equal(dense[i], top.Values[i], 1e-8 * Math.Abs(dense[0]));
    }

    [Fact]
    public void PerLayerBlocksTileThetaAndMatchTheDenseBlocks()
    {
        var (model, loss, theta) = Small();
        int p = model.ParameterCount;
        var blocks = Sharpness.LayerBlocks(model);
        Assert.Equal(p, blocks.Sum(b => b.Length));
        for (int b = 1; b < blocks.Length; b++) Assert.Equal(blocks[b - 1].Start + blocks[b - 1].Length, blocks[b].Start);
        var h = new double[p * p];
        loss.Hessian(theta, h);
        var layer = Sharpness.BlockSharpness(loss, theta, blocks, maxIterations: p, tolerance: 1e-10);
        double traceBlocks = 0, trace = 0;
        for (int i = 0; i < p; i++) trace += h[i * p + i];
        for (int b = 0; b < blocks.Length; b++)
        {
            var ev = DenseEigenvalues(h, p, blocks[b].Start, blocks[b].Length);
            Assert.Equal(ev[0], layer[b], 1e-8 * Math.Abs(ev[0]));
            traceBlocks += ev.Sum();
        }
        // The diagonal blocks partition the diagonal: their traces sum to tr H.
        Assert.Equal(trace, traceBlocks, 1e-9 * Math.Abs(trace) + 1e-12);
    }

    [Fact]
    public void AnalysisIsBitwiseReproducibleAndThreadIndependent()
    {
        var s = new EdgeOfStabilitySettings { Data = "synthetic", Samples = 600, Hidden = "6", Steps = 60, EigFreq = 20, Lr = 0.2 };
        var a = Json.Serialize(EdgeOfStability.Run(new(), s));
        var b = Json.Serialize(EdgeOfStability.Run(new(), s));
        var c = Json.Serialize(EdgeOfStability.Run(new(), s with { Threads = 2 }));
        Assert.Equal(a, b);
        Assert.Equal(a, c);
    }

    [Fact]
    public void GradientFlowCoincidesWithGdAtSmallSteps()
    {
        // Far below the edge (η λ_max ≪ 2) GD is Euler's method for the flow: the relative distance is O(η λ_max).
        var r = EdgeOfStability.Run(new(), new EdgeOfStabilitySettings { Data = "synthetic", Samples = 64, Hidden = "4", Steps = 100, EigFreq = 50, Lr = 0.005, LayerSharpness = false });
        Assert.True(r.EdgeStep < 0);
        Assert.True(r.FlowDistanceFinal < 0.05, $"distance {r.FlowDistanceFinal}");
    }

    [Theory]
    [InlineData("--lr", "-1")]
    [InlineData("--neigs", "0")]
    [InlineData("--eig-freq", "0")]
    [InlineData("--data", "missing-file.csv")]
    public void BadInputExitsWithCodeTwo(string option, string value)
    {
        var (code, _, stderr) = Cli.CliTests.Run(["eos", option, value, "--steps", "5", "--no-plots", "--out", Path.Combine(Path.GetTempPath(), "eos-bad")]);
        Assert.Equal(2, code);
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
