using System.Text.Json;
using ChaosDescent.Bench;

namespace ChaosDescent.Tests.Bench;

/// <summary>The benchmark tool's `regime` command: the JSON contract and bad input.</summary>
public class RegimeCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void JsonReportsBothThroughputsAndTheirRatio()
    {
        var (code, stdout, _) = Run("regime", "--grid", "8", "--particles", "20000", "--threads", "2", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var r = doc.RootElement;
        double cells = r.GetProperty("cell_steps_per_second").GetDouble(), ens = r.GetProperty("ensemble_particle_steps_per_second").GetDouble();
        Assert.True(cells > 0 && ens > 0);
        Assert.Equal(cells / ens, r.GetProperty("ratio").GetDouble(), 12);
        Assert.True(r.GetProperty("lanes").GetBoolean());
        Assert.True(r.GetProperty("steps_total").GetInt64() >= 64);
        Assert.Equal(64, r.GetProperty("counts").EnumerateObject().Sum(p => p.Value.GetInt32()));
    }

    [Fact]
    public void BadGridIsAUserError()
    {
        var (code, _, err) = Run("regime", "--grid", "1");
        Assert.Equal(2, code);
        Assert.Contains("--grid", err);
    }
}
