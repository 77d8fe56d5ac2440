using System.Text.Json;
using ChaosDescent.Cli;

namespace ChaosDescent.Tests.Cli;

/// <summary>The CLI contract: exit codes, one-line errors on stderr, exactly one JSON object on stdout.</summary>
public class CliTests
{
    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Theory]
    [InlineData("distribution", "--objective", "nope", "--eta", "0.1")]
    [InlineData("distribution", "--objective", "quartic-sin", "--eta", "-0.1")]
    [InlineData("distribution", "--objective", "quartic-sin", "--eta", "abc")]
    [InlineData("distribution", "--objective", "quartic-sin", "--eta", "0.1", "--eps", "0")]
    [InlineData("distribution", "--objective", "doublewell-sin", "--param", "k=x", "--eta", "0.1")]
    [InlineData("distribution", "--objective", "quartic-sin", "--eta", "0.1", "--map", "adam")]
    [InlineData("distribution", "--eta", "0.1")]
    [InlineData("distribution", "--objective", "quartic-sin", "--eta", "0.1", "--init", "uniform:1")]
    [InlineData("no-such-command")]
    public void UserErrorsGiveOneLineAndExitCode2(params string[] args)
    {
        var (code, stdout, stderr) = Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void UnwritableOutputFolderIsAUserError()
    {
        var (code, _, stderr) = Run("distribution", "--objective", "quartic-sin", "--eta", "0.1", "--particles", "100", "--steps", "5", "--out", "/proc/forbidden/x");
        Assert.Equal(2, code);
        Assert.Contains("out", stderr);
    }

    [Fact]
    public void DistributionJsonHasTheDocumentedFields()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cd-test-" + Guid.NewGuid().ToString("N")[..8]);
        var (code, stdout, _) = Run("distribution", "--objective", "quartic-sin", "--eta", "0.1", "--eps", "1e-6",
            "--particles", "20000", "--steps", "200", "--json", "--out", dir);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        foreach (var f in new[] { "tv_to_gibbs", "ks_to_gibbs", "w1_to_gibbs", "sigma2", "diverged" })
            Assert.True(root.TryGetProperty(f, out _), f);
        Assert.Equal(0.5, root.GetProperty("sigma2").GetDouble(), 9);
        Assert.Equal(0, root.GetProperty("diverged").GetInt32());
        Assert.True(root.GetProperty("tv_to_gibbs").GetDouble() < 0.05);
        Assert.True(File.Exists(Path.Combine(dir, "quartic-sin-gd-ensemble.png")));
        Assert.True(File.Exists(Path.Combine(dir, "quartic-sin-gd-ensemble.svg")));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void ADivergingOrbitIsAUserError()
    {
        var (code, stdout, stderr) = Run("distribution", "--objective", "quartic-sin", "--eta", "0.1", "--orbit", "--start", "5", "--steps", "100", "--out", Path.GetTempPath());
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("diverged", stderr);
    }

    [Fact]
    public void ObjectivesListsTheWholeCatalog()
    {
        var (code, stdout, _) = Run("objectives", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var names = doc.RootElement.GetProperty("objectives").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToArray();
        foreach (var n in new[] { "quartic-sin", "quartic-quasiperiodic", "quadratic-nested-cos", "quartic-negcos", "matyas-sincos", "doublewell-sin", "quadratic-sin", "tilted-doublewell-quasiperiodic" })
            Assert.Contains(n, names);
    }
}

public class DistributionCompareTests
{
    [Fact]
    public void CompareReportsTwoSampleDistancesBelowTheKsCriticalValue()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cd-cmp-" + Guid.NewGuid().ToString("N")[..8]);
        var (code, stdout, _) = CliTests.Run("distribution", "--objective", "quartic-sin", "--eta", "0.1", "--eps", "1e-6",
            "--particles", "20000", "--steps", "200", "--compare", "stochastic", "--json", "--out", dir);
        Assert.Equal(0, code);
        using var doc = System.Text.Json.JsonDocument.Parse(stdout);
        var b = doc.RootElement.GetProperty("between_maps")[0];
        Assert.Equal("stochastic", doc.RootElement.GetProperty("compared_map").GetString());
        Assert.True(b.GetProperty("ks").GetDouble() < b.GetProperty("ks_critical_0_001").GetDouble());
        Directory.Delete(dir, true);
    }
}

public class RunWithoutObjectiveTests
{
    [Fact]
    public void AnAnalysisThatNeedsAnObjectiveWithoutOneIsAUserError()
    {
        var file = Path.Combine(Path.GetTempPath(), "cd-noobj-" + Guid.NewGuid().ToString("N")[..8] + ".yaml");
        File.WriteAllText(file, "eta: 0.1\nanalyses:\n  - distribution\n");
        // Which analyses need an objective shows when the unit runs (the system asks for it), so run it for real.
        var dir = Path.Combine(Path.GetTempPath(), "cd-noobj-out-" + Guid.NewGuid().ToString("N")[..8]);
        var (code, stdout, stderr) = CliTests.Run("run", file, "--out", dir);
        File.Delete(file);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("needs an objective", stderr);
    }
}
