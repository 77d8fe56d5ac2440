using System.Text.Json;
using ChaosDescent.Bench;
using ChaosDescent.Numerics;

namespace ChaosDescent.Tests.Bench;

/// <summary>The benchmark tool's `ensemble` command: the JSON contract, the sanity figure, and bad input.</summary>
public class EnsembleCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void JsonHasTheDocumentedFieldsAndASaneMeanX2()
    {
        var (code, stdout, _) = Run("ensemble", "--particles", "20000", "--steps", "200", "--threads", "2", "--repeats", "1", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout); // exactly one JSON object on stdout
        var r = doc.RootElement;
        Assert.True(r.GetProperty("particle_steps_per_second").GetDouble() > 0);
        Assert.Equal(2, r.GetProperty("threads").GetInt32());
        Assert.Equal(20000, r.GetProperty("particles").GetInt32());
        Assert.Equal(200, r.GetProperty("steps").GetInt32());
        Assert.True(r.GetProperty("seconds").GetDouble() > 0);
        Assert.Equal(FastTrig.ActivePath, r.GetProperty("simd").GetString());
        Assert.Equal(0, r.GetProperty("diverged").GetInt32());
        // mean(x²) after 200 steps: the anchors (C, numpy) and the rescaled Gibbs law exp(−10x⁴)/Z (0.1069) agree on
        // ≈ 0.107; the standard error with N = 20,000 is ≈ 7e-4, so ±0.007 is ten of them.
        Assert.InRange(r.GetProperty("mean_x2").GetDouble(), 0.100, 0.114);
    }

    [Fact]
    public void ResultDoesNotDependOnTheThreadCount()
    {
        var one = EnsembleBenchmark.Run(new EnsembleBenchmarkSettings { Particles = 5000, Steps = 50, Threads = 1, Repeats = 1 });
        var two = EnsembleBenchmark.Run(new EnsembleBenchmarkSettings { Particles = 5000, Steps = 50, Threads = 2, Repeats = 1 });
        Assert.Equal(one.MeanX2, two.MeanX2);
    }

    [Theory]
    [InlineData("--particles", "0")]
    [InlineData("--steps", "0")]
    [InlineData("--threads", "-1")]
    [InlineData("--repeats", "0")]
    [InlineData("--particles", "abc")]
    [InlineData("--particles", "2000000000")]
    public void BadInputIsAUserError(string option, string value)
    {
        var (code, stdout, stderr) = Run("ensemble", option, value, "--json");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }
}
