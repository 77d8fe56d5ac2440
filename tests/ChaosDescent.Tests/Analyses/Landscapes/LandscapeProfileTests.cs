using ChaosDescent.Analyses;
using ChaosDescent.Objectives;
using ChaosDescent.Analyses.Landscapes;

namespace ChaosDescent.Tests.Analyses.Landscapes;

public class LandscapeProfileTests
{
    [Fact]
    public void QuadraticSinHasTheCountedMicroMinimaAndOneMacroMinimum()
    {
        // f = x²/2 + ε sin(x/ε): a minimum of f needs x + cos(x/ε) = 0 with f'' = 1 − sin(x/ε)/ε > 0, i.e. one per period
        // 2πε of the interval |x| < 1 (where the gradients can balance): about 2/(2πε) minima.
        double eps = 0.01;
        var p = LandscapeProfile.Compute(ObjectiveCatalog.Create("quadratic-sin", eps), -3, 3, 200_001);
        Assert.Single(p.MinimaF0);
        Assert.Equal(0, p.MinimaF0[0], 3);
        Assert.InRange(p.MinimaF.Count, 2 / (2 * Math.PI * eps) - 2, 2 / (2 * Math.PI * eps) + 2);
        Assert.All(p.MinimaF, m => Assert.True(Math.Abs(m) <= 1 + 1e-3));
        Assert.True(p.MinimaWhereGradientsBalance);
        Assert.Equal(1.0, p.ZetaBound!.Value, 12);
        Assert.InRange(p.MaxMicroHeight, 0.99 * eps, eps);
        Assert.InRange(p.MaxGradF1, 0.999, 1.0);
    }

    [Fact]
    public void TwoDimensionalObjectivesAreRefused() =>
        Assert.Throws<UserInputException>(() => LandscapeProfile.Compute(ObjectiveCatalog.Create("matyas-sincos"), -1, 1, 101));

    [Fact]
    public void TheCommandWritesAFigureAndJson()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cd-land-" + Guid.NewGuid().ToString("N")[..8]);
        var (code, stdout, _) = ChaosDescent.Tests.Cli.CliTests.Run("landscape", "--objective", "tilted-doublewell-quasiperiodic", "--json", "--out", dir);
        Assert.Equal(0, code);
        using var doc = System.Text.Json.JsonDocument.Parse(stdout);
        Assert.Equal(2, doc.RootElement.GetProperty("local_minima_f0").GetInt32());
        Assert.True(doc.RootElement.GetProperty("local_minima_f").GetInt32() > 20);
        Assert.True(File.Exists(Path.Combine(dir, "tilted-doublewell-quasiperiodic-landscape.png")));
        Directory.Delete(dir, true);
    }
}
