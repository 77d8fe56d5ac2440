using System.Text.Json;
using ChaosDescent.Cli;

namespace ChaosDescent.Tests.Cli;

public class LandscapeCliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static string TempDir() => Directory.CreateTempSubdirectory("landscapes-cli-").FullName;

    [Theory]
    [InlineData("0.6", true)]
    [InlineData("0.7", false)]
    public void WellsReportsConnectivityAsJson(string k, bool connected)
    {
        var (code, stdout, _) = Run("wells", "--objective", "doublewell-sin", "--param", $"k={k}", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(connected, root.GetProperty("connected").GetBoolean());
        Assert.Equal(connected ? 1 : 3, root.GetProperty("components").GetArrayLength());
        var wells = root.GetProperty("wells");
        Assert.Equal(2, wells.GetArrayLength());
        Assert.Equal(1.0, wells[1].GetProperty("minimum").GetDouble(), 1e-12);
        Assert.Equal(!connected, wells[1].GetProperty("trapped").GetBoolean());
    }

    [Fact]
    public void WellsLocatesTheCriticalParameter()
    {
        var (code, stdout, _) = Run("wells", "--objective", "doublewell-sin", "--critical", "k=0.1,2", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var c = doc.RootElement.GetProperty("critical");
        Assert.Equal(3 * Math.Sqrt(3) / 8, c.GetProperty("value").GetDouble(), 1e-12);
        Assert.Equal(c.GetProperty("closed_form").GetDouble(), c.GetProperty("value").GetDouble(), 1e-12);
    }

    [Fact]
    public void EscapeReportsEveryWellAsJson()
    {
        var (code, stdout, err) = Run("escape", "--objective", "doublewell-sin", "--param", "k=0.1", "--eta", "0.16", "--eps", "1e-4",
            "--map", "stochastic", "--particles", "200", "--steps", "2000", "--json", "--out", TempDir());
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(stdout);
        var wells = doc.RootElement.GetProperty("wells");
        Assert.Equal(2, wells.GetArrayLength());
        foreach (var w in wells.EnumerateArray())
        {
            Assert.Equal(2, w.GetProperty("interval").GetArrayLength());
            double occ = w.GetProperty("occupation").GetDouble(), gibbs = w.GetProperty("occupation_gibbs").GetDouble();
            Assert.InRange(occ, 0, 1);
            Assert.Equal(0.5, gibbs, 1e-6);
            var ci = w.GetProperty("mean_exit_time_ci");
            double mean = w.GetProperty("mean_exit_time").GetDouble();
            Assert.True(ci[0].GetDouble() < mean && mean < ci[1].GetDouble());
        }
        Assert.Equal(JsonValueKind.Null, wells[0].GetProperty("interval")[0].ValueKind); // −∞ is written as null
    }

    [Fact]
    public void EscapeFromAMicroMinimumSweepsEtaOverEps()
    {
        var (code, stdout, err) = Run("escape", "--objective", "quadratic-sin", "--eps", "1e-3", "--micro", "0.5", "--sweep", "1,6",
            "--particles", "100", "--steps", "300", "--json", "--out", TempDir());
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(stdout);
        var runs = doc.RootElement.GetProperty("runs");
        Assert.Equal(0, runs[0].GetProperty("escape_probability").GetDouble());
        Assert.Equal(1, runs[1].GetProperty("escape_probability").GetDouble());
    }

    [Fact]
    public void MomentumAndConvergenceRunSmall()
    {
        var (code, stdout, err) = Run("momentum", "--objective", "quadratic-sin", "--eta", "0.01", "--eps", "1e-4", "--particles", "2000",
            "--steps", "1000", "--orbit-steps", "20000", "--lyapunov-steps", "5000", "--json", "--out", TempDir());
        Assert.True(code == 0, err);
        using (var doc = JsonDocument.Parse(stdout))
        {
            var methods = doc.RootElement.GetProperty("methods");
            Assert.Equal(2, methods.GetArrayLength());
            var hb = methods[0];
            Assert.Equal(Math.Log(0.9), hb.GetProperty("lyapunov").GetProperty("mean_log_det").GetDouble(), 1e-10);
        }
        (code, stdout, err) = Run("convergence", "--objective", "quadratic-sin", "--eta", "0.2", "--particles", "5000",
            "--reference-particles", "10000", "--json", "--out", TempDir());
        Assert.True(code == 0, err);
        using var d2 = JsonDocument.Parse(stdout);
        Assert.Equal(0.8, d2.RootElement.GetProperty("predicted_rate").GetDouble(), 1e-12);
    }

    [Fact]
    public void UserErrorsExitWithCodeTwo()
    {
        Assert.Equal(2, Run("wells", "--objective", "matyas-sincos").Code);          // 2-D
        Assert.Equal(2, Run("escape", "--objective", "doublewell-sin", "--eta", "0.1", "--map", "heavyball").Code);
        Assert.Equal(2, Run("wells", "--objective", "doublewell-sin", "--critical", "k=1,2").Code); // no flip inside
        Assert.Equal(2, Run("escape", "--objective", "quadratic-sin", "--micro", "5", "--eta", "0.01").Code); // no micro minimum at 5
    }
}
