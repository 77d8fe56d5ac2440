using System.Text.Json;
using ChaosDescent.Bench;
using ChaosDescent.Tests.Cli;

namespace ChaosDescent.Tests.Bench;

/// <summary>The benchmark tool's `train` command: one JSON object with the epochs per second.</summary>
public class TrainCommandTests
{
    [Fact]
    public void ReportsEpochsPerSecond()
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(["train", "--epochs", "50", "--repeats", "1", "--json"], o, e);
        Assert.True(code == 0, e.ToString());
        using var doc = JsonDocument.Parse(o.ToString());
        Assert.True(doc.RootElement.GetProperty("epochs_per_second").GetDouble() > 0);
        Assert.Equal(1, doc.RootElement.GetProperty("threads").GetInt32());
    }
}
