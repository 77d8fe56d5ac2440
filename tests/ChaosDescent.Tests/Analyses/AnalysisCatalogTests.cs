using System.Text.Json;
using ChaosDescent.Analyses;
using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Analyses.Distributions;
using ChaosDescent.Analyses.Landscapes;
using ChaosDescent.Analyses.Landscapes.Wells;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Tests.Cli;

namespace ChaosDescent.Tests.Analyses;

/// <summary>Every catalog entry runs through the one call shape on a small system, and its result is one JSON object.</summary>
public class AnalysisCatalogTests
{
    private static DescentSystem System(string objective, string map = "gd", double? eta = 0.1, double? eps = 1e-3, IReadOnlyDictionary<string, double>? p = null) =>
        new() { Objective = ObjectiveCatalog.Create(objective, eps, p), Map = map, LearningRate = eta };

    /// <summary>Small settings per entry: the defaults with the sizes cut down.</summary>
    public static TheoryData<string> Names() => [.. AnalysisCatalog.All.Select(a => a.Name)];

    private static (DescentSystem System, object Settings)? Small(string name) => name switch
    {
        "mconst" => (System("quartic-sin"), new MConstSettings { Quick = true }),
        "lyapunov" => (System("quartic-sin"), new LyapunovSettings { Steps = 2000, BurnIn = 100, Orbits = 2, Batches = 4 }),
        "liyorke" => (System("quartic-sin"), new LiYorkeSettings { Points = 2000 }),
        "regime" => (System("quadratic-sin", eta: null), new RegimeAnalysisSettings { EtaPoints = 2, EpsPoints = 2, MaxSteps = 4096, Threads = 1 }),
        "bifurcation" => (System("quartic-negcos", eta: null), new BifurcationAnalysisSettings { EtaMin = 1e-3, EtaMax = 3e-3, Points = 3, MaxSteps = 3000, MaxPeriod = 4, Threads = 1 }),
        "wells" => (System("doublewell-sin", eta: null, eps: 1e-4), new WellsSettings { CriticalParameter = "k" }),
        "landscape" => (System("quartic-sin", eta: null), new LandscapeSettings { Points = 2001 }),
        "distribution" => (System("quartic-sin"), new DistributionSettings { Particles = 200, Steps = 20, Compare = "stochastic", Threads = 1 }),
        "escape" => (System("doublewell-sin", map: "stochastic", eta: 0.05, eps: 1e-4, p: new Dictionary<string, double> { ["k"] = 0.5 }),
            new ChaosDescent.Analyses.Landscapes.Escapes.EscapeStudySettings { Particles = 50, Steps = 200, Threads = 1 }),
        "momentum" => (System("quadratic-sin", map: "heavyball", eps: 1e-4),
            new ChaosDescent.Analyses.Landscapes.Momentum.MomentumSettings { Particles = 100, Steps = 50, OrbitSteps = 2000, LyapunovSteps = 2000, Threads = 1 }),
        "convergence" => (System("quadratic-sin", map: "stochastic", eps: 1e-4),
            new ChaosDescent.Analyses.Landscapes.Convergence.ConvergenceSettings { Particles = 200, Steps = 40, Snapshots = 5, ReferenceParticles = 200, ReferenceSteps = 100, Threads = 1 }),
        "implicit-bias" => (new DescentSystem(), new ChaosDescent.Analyses.ImplicitBias.ImplicitBiasSettings { Steps = 2000 }),
        "margin" => (new DescentSystem(), new ChaosDescent.Analyses.ImplicitBias.MarginSettings { Steps = 2000 }),
        "micro-escape" => (System("quartic-sin", eps: 1e-2), new ChaosDescent.Analyses.Landscapes.Escapes.MicroEscapeSettings { Near = 0.5, EtaOverEps = [0.5, 4], Particles = 50, Steps = 100, Threads = 1 }),
        "langevin" => (new DescentSystem(), new ChaosDescent.Analyses.ImplicitBias.LangevinAnalysisSettings { Chains = 40, Snapshots = 2, BurnIn = 50, Thin = 5, GdParticles = 200, GdSteps = 50, Threads = 1 }),
        "minima" => (new DescentSystem(), new ChaosDescent.Analyses.ImplicitBias.MinimaAnalysisSettings { Hidden = "4", Epochs = 200, Compare = false, Polish = false }),
        "sample" => (new DescentSystem(), new ChaosDescent.Analyses.Sampling.SamplerSettings { Samples = 2000, Chains = 10, BurnIn = 100, Threads = 1 }),
        "chaos01" => (System("quartic-sin"), new ZeroOneSettings { Steps = 2000, BurnIn = 500, Frequencies = 10 }),
        "boundary-dimension" => (System("quadratic-sin", eta: null),
            new BoundaryDimensionSettings { Regime = new RegimeSettings { EtaPoints = 16, EpsPoints = 16, Threads = 1 }, MinBox = 1, MaxBox = 4, EpsBands = 0 }),
        "entropy" => (System("quartic-sin"), new EntropySettings { MaxSymbols = 500, GridPoints = 5000 }),
        "eos" => (new DescentSystem(), new ChaosDescent.Analyses.Training.EdgeOfStabilitySettings { Data = "synthetic", Samples = 32, Hidden = "4", Steps = 30, EigFreq = 10 }),
        "train" => (new DescentSystem(), new ChaosDescent.Analyses.Training.TrainSettings { Lr = 0.01, Epochs = 30, Hidden = "4", SharpnessPoints = 3 }),
        "catapult" => (new DescentSystem(), new ChaosDescent.Analyses.Training.CatapultSettings { Width = 50, EtaLambda = [1, 3], Seeds = 2, Steps = 300 }),
        "balancing" => (new DescentSystem(), new ChaosDescent.Analyses.Training.BalancingSettings { EtaRatio = [0.5, 2], Seeds = 2, Steps = 500 }),
        "lr-find" => (new DescentSystem(), new ChaosDescent.Analyses.Training.LrFindSettings { Hidden = "2", Points = 2, Seeds = 2, Epochs = 20, Threads = 1 }),
        _ => null,
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryEntryRunsOnASmallSystemAndItsResultIsOneJsonObject(string name)
    {
        var entry = AnalysisCatalog.Get(name);
        var small = Small(name);
        Assert.True(small is not null, $"analysis '{name}' has no small test case: add one to {nameof(AnalysisCatalogTests)}");
        Assert.IsType(entry.SettingsType, small!.Value.Settings);
        var result = entry.Run(small.Value.System, small.Value.Settings, null);
        Assert.IsType(entry.ResultType, result);
        using var doc = JsonDocument.Parse(ChaosDescent.Infrastructure.Json.Serialize(result));
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        Assert.True(doc.RootElement.EnumerateObject().Any());
    }

    [Fact]
    public void CatalogCoversTheAnalysisCommandsAndDefaultsAreFreshRecords()
    {
        string[] expected = ["bifurcation", "convergence", "distribution", "escape", "implicit-bias", "landscape", "langevin", "liyorke",
            "lyapunov", "margin", "mconst", "micro-escape", "minima", "momentum", "regime", "train", "wells"];
        Assert.Subset(AnalysisCatalog.All.Select(a => a.Name).ToHashSet(), expected.ToHashSet());
        foreach (var a in AnalysisCatalog.All)
        {
            Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", a.Name);
            Assert.False(string.IsNullOrWhiteSpace(a.Question));
            Assert.NotSame(a.DefaultSettings(), a.DefaultSettings());
        }
    }

    [Fact]
    public void DescriptionsListEverySettingWithItsDefault()
    {
        var d = AnalysisDescription.Of(AnalysisCatalog.Get("lyapunov"));
        var steps = Assert.Single(d.Keys, k => k.Key == "steps");
        Assert.Equal(new LyapunovSettings().Steps, steps.Default);
        Assert.Contains(d.Keys, k => k.Key == "burn_in");
    }

    [Fact]
    public void WellsKnowsTheClosedFormFromTheObjectiveCatalogNotFromItsName()
    {
        var r = WellsAnalysis.Run(System("doublewell-sin", eta: null, eps: 1e-4), new WellsSettings { CriticalParameter = "k" });
        Assert.NotNull(r.Critical);
        Assert.Equal(3 * Math.Sqrt(3) / 8, r.Critical!.ClosedForm!.Value, 15);
        Assert.Equal(r.Critical.ClosedForm!.Value, r.Critical.Value, 6); // the bisection's tolerance
        var plain = WellsAnalysis.Run(System("quartic-sin", eta: null), new WellsSettings());
        Assert.Null(plain.Critical);
    }

    [Fact]
    public void WithParameterRebuildsCatalogObjectivesAndRejectsUnknownNames()
    {
        var f = ObjectiveCatalog.Create("doublewell-sin", 1e-4);
        var g = f.WithParameter("k", 0.25);
        Assert.Equal(0.25, g.Parameters["k"]);
        Assert.Equal(f.Epsilon, g.Epsilon);
        Assert.Equal(0.25 * 1, g.Macro.Value([0.0]), 15); // k (x² − 1)² at 0
        Assert.Throws<UserInputException>(() => f.WithParameter("q", 1));
        Assert.Throws<UserInputException>(() => ObjectiveCatalog.Create("quartic-sin").WithParameter("k", 1));
    }

    [Fact]
    public void ChaosThresholdIsExpOfMinusM()
    {
        Assert.Equal(2.0, ChaosTheory.ThresholdFactor(-Math.Log(2)), 15);
        Assert.Equal([Math.Log(10) + 0.5, Math.Log(10) - 1], ChaosTheory.SeparableSpectrum([-1, 0.5], 0.1, 0.01));
    }
}

/// <summary>The CLI binds its options to the analyses' settings records and documents itself.</summary>
public class CliBindingTests
{
    [Fact]
    public void LyapunovOptionsReachTheSettingsRecord()
    {
        var (code, stdout, _) = CliTests.Run("lyapunov", "--objective", "quartic-sin", "--eps", "1e-3", "--eta", "0.1", "--steps", "2000",
            "--burn-in", "123", "--orbits", "3", "--batches", "4", "--seed", "9", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(123, root.GetProperty("burn_in").GetInt64());
        Assert.Equal(3, root.GetProperty("orbits").GetInt32());
        Assert.Equal(4, root.GetProperty("batches_per_orbit").GetInt32());
        Assert.Equal(9UL, root.GetProperty("seed").GetUInt64());
        Assert.Equal(2000, root.GetProperty("steps_per_orbit").GetInt64());
        // The CLI and the library are one path: the same settings give the same numbers.
        var lib = LyapunovAnalysis.Run(new DescentSystem { Objective = ObjectiveCatalog.Create("quartic-sin", 1e-3), LearningRate = 0.1 },
            new LyapunovSettings { Steps = 2000, BurnIn = 123, Orbits = 3, Batches = 4, Seed = 9 });
        Assert.Equal(lib.Lambda, root.GetProperty("lambda").GetDouble());
        Assert.Equal(lib.Theory, root.GetProperty("theory").GetDouble());
    }

    [Fact]
    public void WellsCriticalOptionReachesTheSettingsRecord()
    {
        var (code, stdout, _) = CliTests.Run("wells", "--objective", "doublewell-sin", "--critical", "k=0.2,1.5", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var c = doc.RootElement.GetProperty("critical");
        Assert.Equal("k", c.GetProperty("parameter").GetString());
        Assert.Equal("3*sqrt(3)/8", c.GetProperty("closed_form_formula").GetString());
    }

    [Fact]
    public void MConstQuickAndSeedReachTheSettingsRecord()
    {
        var (code, stdout, _) = CliTests.Run("mconst", "--objective", "quartic-sin", "--quick", "--seed", "5", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var lib = MConstantAnalysis.Run(new DescentSystem { Objective = ObjectiveCatalog.Create("quartic-sin") }, new MConstSettings { Quick = true, Seed = 5 });
        Assert.Equal(lib.M, doc.RootElement.GetProperty("m").GetDouble());
        Assert.Equal(lib.ChaosThresholdFactor, doc.RootElement.GetProperty("chaos_threshold_factor").GetDouble());
    }

    [Theory]
    [InlineData("lyapunov")]
    [InlineData("distribution")]
    [InlineData("wells")]
    [InlineData("bifurcation")]
    [InlineData("train")]
    [InlineData("run")]
    public void HelpShowsExamples(params string[] command)
    {
        var (code, stdout, _) = CliTests.Run([.. command, "--help"]);
        Assert.Equal(0, code);
        Assert.Contains("Examples:", stdout);
        Assert.Contains("chaosdescent " + string.Join(' ', command), stdout);
    }

    [Fact]
    public void EveryCommandHasExamples()
    {
        var root = ChaosDescent.Cli.Program.BuildRoot();
        foreach (var c in root.Subcommands.SelectMany(c => c.Subcommands.Prepend(c)))
            Assert.True(ChaosDescent.Cli.Infrastructure.CommandExamples.ByCommand.ContainsKey(ChaosDescent.Cli.Infrastructure.CommandExamples.PathOf(c)),
                $"'{ChaosDescent.Cli.Infrastructure.CommandExamples.PathOf(c)}' has no examples");
    }

    [Fact]
    public void EveryExampleParses()
    {
        var root = ChaosDescent.Cli.Program.BuildRoot();
        foreach (var (path, examples) in ChaosDescent.Cli.Infrastructure.CommandExamples.ByCommand)
            foreach (var e in examples)
            {
                Assert.StartsWith("chaosdescent " + path, e);
                var parsed = root.Parse(e["chaosdescent ".Length..]);
                Assert.True(parsed.Errors.Count == 0, $"'{e}': {string.Join("; ", parsed.Errors.Select(x => x.Message))}");
            }
    }

    [Fact]
    public void AnalysesListsTheCatalogAsOneJsonObject()
    {
        var (code, stdout, _) = CliTests.Run("analyses", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var names = doc.RootElement.GetProperty("analyses").EnumerateArray().Select(a => a.GetProperty("name").GetString()).ToList();
        Assert.Equal(AnalysisCatalog.All.Select(a => a.Name), names);
        var lyap = doc.RootElement.GetProperty("analyses").EnumerateArray().First(a => a.GetProperty("name").GetString() == "lyapunov");
        Assert.Contains(lyap.GetProperty("keys").EnumerateArray(), k => k.GetProperty("key").GetString() == "steps" && k.GetProperty("default").GetInt64() == 100_000);
    }
}
