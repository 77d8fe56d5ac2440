using System.Text.Json;

namespace ChaosDescent.Tests.Cli;

/// <summary>The CLI contract of mconst, lyapunov, bifurcation, liyorke and regime.</summary>
public class ChaosCliTests
{
    private static JsonElement Json(params string[] args)
    {
        var (code, stdout, stderr) = CliTests.Run(args);
        Assert.True(code == 0, $"exit {code}: {stderr}");
        using var doc = JsonDocument.Parse(stdout);
        return doc.RootElement.Clone();
    }

    private static string TempDir() => Path.Combine(Path.GetTempPath(), "cd-chaos-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void MConstPrintsMWithErrorAndMethod()
    {
        var j = Json("mconst", "--objective", "quartic-sin", "--json");
        Assert.Equal(-Math.Log(2), j.GetProperty("m").GetDouble(), 10);
        Assert.True(j.GetProperty("error_estimate").GetDouble() < 1e-7);
        Assert.Equal("quadrature-1d", j.GetProperty("method").GetString());
    }

    [Fact]
    public void LyapunovPrintsLambdaStderrTheory()
    {
        var j = Json("lyapunov", "--objective", "quartic-sin", "--eta", "0.01", "--eps", "1e-5", "--steps", "10000", "--orbits", "2", "--json");
        double lambda = j.GetProperty("lambda").GetDouble(), se = j.GetProperty("stderr").GetDouble(), theory = j.GetProperty("theory").GetDouble();
        Assert.Equal(Math.Log(1e3) - Math.Log(2), theory, 4);
        Assert.True(Math.Abs(lambda - theory) < 4 * se + 0.011, $"{lambda} +- {se} vs {theory}");
        Assert.Equal(0, j.GetProperty("diverged_orbits").GetInt32());
    }

    [Fact]
    public void LyapunovSpectrumIn2D()
    {
        var j = Json("lyapunov", "--objective", "matyas-sincos", "--eta", "0.1", "--eps", "1e-5", "--steps", "4000", "--orbits", "2", "--spectrum", "--json");
        Assert.Equal(2, j.GetProperty("spectrum").GetArrayLength());
        Assert.True(j.GetProperty("eq4_norm_average").GetDouble() > j.GetProperty("lambda").GetDouble());
    }

    [Theory]
    [InlineData("mconst", "--objective", "quadratic-nested-cos")]                      // general micro-scale: no phase
    [InlineData("lyapunov", "--objective", "quartic-sin", "--eta", "5", "--steps", "1000")] // every orbit diverges
    [InlineData("lyapunov", "--objective", "quartic-sin", "--eta", "0.1", "--map", "stochastic")]
    [InlineData("liyorke", "--objective", "matyas-sincos", "--eta", "0.01")]             // not an interval map
    [InlineData("bifurcation", "--objective", "quartic-negcos", "--eta-min", "2", "--eta-max", "1")]
    [InlineData("regime", "--objective", "quadratic-sin", "--grid", "100000")]            // far too large
    [InlineData("regime", "--objective", "quadratic-sin", "--eps", "0.1")]
    [InlineData("regime", "--objective", "quadratic-sin", "--grid", "3y4")]
    public void UserErrorsExitWithCode2AndOneLine(params string[] args)
    {
        var (code, stdout, stderr) = CliTests.Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }

    [Fact]
    public void HugeGridMessageStatesTheSize()
    {
        var (_, _, stderr) = CliTests.Run("regime", "--objective", "quadratic-sin", "--grid", "100000");
        Assert.Contains("needs about", stderr);
        Assert.Contains("TiB", stderr);
    }

    [Fact]
    public void BifurcationWritesDiagramAndJson()
    {
        var dir = TempDir();
        var j = Json("bifurcation", "--objective", "quartic-negcos", "--eps", "1e-3", "--eta-min", "1e-3", "--eta-max", "2.6e-3",
            "--points", "17", "--json", "--out", dir);
        Assert.Equal(17, j.GetProperty("points").GetArrayLength());
        var first = j.GetProperty("doublings")[0];
        Assert.Equal(2e-3, first.GetProperty("eta").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Null, j.GetProperty("onset_eta").ValueKind);
        Assert.True(File.Exists(Path.Combine(dir, "quartic-negcos-gd-bifurcation.png")));
        Assert.True(File.Exists(Path.Combine(dir, "quartic-negcos-gd-bifurcation.svg")));
        Assert.True(File.Exists(Path.Combine(dir, "quartic-negcos-gd-bifurcation.csv")));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void LiYorkeReportsAWitnessOrTheSearchedRange()
    {
        var yes = Json("liyorke", "--objective", "quadratic-sin", "--eps", "1e-4", "--eta", "0.01", "--points", "20000", "--json");
        Assert.True(yes.GetProperty("found").GetBoolean());
        foreach (var k in new[] { "a", "b", "c", "d" }) Assert.Equal(JsonValueKind.Number, yes.GetProperty(k).ValueKind);
        var no = Json("liyorke", "--objective", "quadratic-sin", "--eps", "1e-4", "--eta", "5e-5", "--points", "20000", "--json");
        Assert.False(no.GetProperty("found").GetBoolean());
        Assert.Equal(JsonValueKind.Null, no.GetProperty("a").ValueKind);
        Assert.True(no.GetProperty("searched").GetProperty("hi").GetDouble() > no.GetProperty("searched").GetProperty("lo").GetDouble());
    }

    [Fact]
    public void RegimeClassifiesASmallGrid()
    {
        var dir = TempDir();
        var j = Json("regime", "--objective", "quadratic-sin", "--grid", "4x3", "--eta-min", "1e-3", "--eta-max", "3",
            "--eps-min", "1e-3", "--eps-max", "1e-2", "--max-steps", "6000", "--json", "--out", dir);
        Assert.Equal(12, j.GetProperty("cells").GetArrayLength());
        var kinds = j.GetProperty("cells").EnumerateArray().Select(c => c.GetProperty("regime").GetString()).ToHashSet();
        Assert.Contains("diverges", kinds);
        Assert.Contains("global_chaos", kinds);
        Assert.Equal(2.0, j.GetProperty("threshold_factor").GetDouble(), 9);
        Assert.True(File.Exists(Path.Combine(dir, "quadratic-sin-gd-regimes.png")));
        Directory.Delete(dir, true);
    }
}
