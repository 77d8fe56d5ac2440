using System.Text.Json;
using ChaosDescent.Analyses;
using ChaosDescent.Infrastructure;
using Xunit;

namespace ChaosDescent.Tests.Analyses;

/// <summary>The settings that derive from <see cref="SeededSettings"/> keep seed and threads last, with their defaults, in
/// the catalog's listing (which experiment files and sweep outputs follow) and in JSON.</summary>
public class SeededSettingsTests
{
    private static IEnumerable<string> SeededNames() =>
        AnalysisCatalog.All.Where(a => a.SettingsType.IsAssignableTo(typeof(SeededSettings))).Select(a => a.Name);

    public static TheoryData<string> Seeded() => [.. SeededNames()];

    [Fact]
    public void TheEnsembleAnalysesShareIt()
    {
        string[] expected = ["convergence", "distribution", "escape", "langevin", "micro-escape", "momentum"];
        Assert.Equal(expected, SeededNames().Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Seeded))]
    public void SeedAndThreadsComeLastWithTheirDefaults(string name)
    {
        var analysis = AnalysisCatalog.All.Single(a => a.Name == name);
        var keys = AnalysisDescription.Of(analysis).Keys;
        Assert.Equal(["seed", "threads"], keys.TakeLast(2).Select(k => k.Key));
        Assert.Equal(1UL, keys[^2].Default);
        Assert.Equal(0, keys[^1].Default);

        var json = JsonSerializer.SerializeToElement(analysis.DefaultSettings(), analysis.SettingsType, Json.Options);
        var names = json.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["seed", "threads"], names[^2..]);
        Assert.Equal(keys.Count, names.Length);
    }
}
