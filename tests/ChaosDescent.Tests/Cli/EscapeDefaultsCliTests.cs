using System.Text.Json;
using ChaosDescent.Cli;

namespace ChaosDescent.Tests.Cli;

/// <summary>What `escape` and `lyapunov` say about their burn-in and stopping rule on the command line.</summary>
public class EscapeDefaultsCliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static string TempDir() => Directory.CreateTempSubdirectory("escape-defaults-cli-").FullName;

    [Fact]
    public void EscapeReportsTheBurnInItChoseAndWarnsWhenTheRunIsTooShort()
    {
        // tilted double well, η = 0.1: τ ≈ 350 steps; 600 steps cannot hold 5τ
        var (code, stdout, err) = Run("escape", "--objective", "tilted-doublewell-quasiperiodic", "--eta", "0.1", "--eps", "1e-5",
            "--particles", "2048", "--steps", "600", "--json", "--out", TempDir());
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(300, root.GetProperty("burn_in").GetInt32());
        Assert.False(root.GetProperty("equilibrated").GetBoolean());
        Assert.Contains("relaxation", root.GetProperty("burn_in_rule").GetString());
        Assert.Contains("too short", root.GetProperty("warnings")[0].GetString());
        Assert.Contains("warning: run too short to equilibrate", err);
        Assert.True(root.GetProperty("wells")[0].GetProperty("occupation_stderr").GetDouble() > 0);
    }

    [Fact]
    public void AnExplicitBurnInIsKept()
    {
        var (code, stdout, _) = Run("escape", "--objective", "tilted-doublewell-quasiperiodic", "--eta", "0.1", "--eps", "1e-5",
            "--particles", "2048", "--steps", "600", "--burn-in", "123", "--json", "--out", TempDir());
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(123, doc.RootElement.GetProperty("burn_in").GetInt32());
        Assert.StartsWith("given", doc.RootElement.GetProperty("burn_in_rule").GetString());
    }

    [Fact]
    public void LyapunovWithAToleranceReportsConvergenceAndTheRunningEstimate()
    {
        var (code, stdout, _) = Run("lyapunov", "--objective", "quartic-sin", "--eta", "0.1", "--eps", "1e-3", "--steps", "2000",
            "--orbits", "8", "--tolerance", "0.004", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("converged").GetBoolean());
        Assert.True(root.GetProperty("stderr").GetDouble() <= 0.004);
        var running = root.GetProperty("running");
        Assert.Equal(root.GetProperty("steps_per_orbit").GetInt64(), running[running.GetArrayLength() - 1].GetProperty("steps").GetInt64());
        Assert.Equal(root.GetProperty("lambda").GetDouble(), running[running.GetArrayLength() - 1].GetProperty("lambda").GetDouble());
    }
}
