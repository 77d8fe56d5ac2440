using System.Text.Json;
using System.Text.Json.Nodes;
using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Analyses.Landscapes.Convergence;
using ChaosDescent.Analyses.Landscapes.Momentum;
using ChaosDescent.Cli;
using ChaosDescent.Infrastructure;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;

namespace ChaosDescent.Tests.Reporting;

/// <summary>
/// Results never depend on the thread count: each analysis run with 1 and with 2 worker threads must give the same
/// bits (compared through their JSON form, which writes every double in its shortest round-trip form), and so must
/// the whole quick report (results.json, ignoring the fields that record time and the thread option itself).
/// </summary>
public sealed class ThreadIndependenceTests
{
    private static string Bits<T>(T value) => Json.Serialize(value);

    [Fact]
    public void Regime_map_is_bitwise_independent_of_threads()
    {
        var f = ObjectiveCatalog.Create("quadratic-sin", 1e-3);
        RegimeMapResult Run(int threads) => RegimeMap.Run(MapFactory.Create("gd", f, 0.1), new RegimeSettings
        {
            EtaMin = 1e-3,
            EtaMax = 2.5,
            EpsMin = 1e-3,
            EpsMax = 1e-1,
            EtaPoints = 6,
            EpsPoints = 5,
            Attractor = new AttractorSettings { MaxSteps = 4_000, MinTransient = 500, MaxPeriod = 16 },
            MaxStepsCap = 20_000,
            Threads = threads,
        });
        Assert.Equal(Bits(Run(1).Cells), Bits(Run(2).Cells));
    }

    [Fact]
    public void Bifurcation_diagram_is_bitwise_independent_of_threads()
    {
        var f = ObjectiveCatalog.Create("quartic-negcos", 1e-3);
        BifurcationDiagram Run(int threads) => Bifurcation.Run(MapFactory.Create("gd", f, 0.1), new BifurcationSettings
        {
            EtaMin = 0.5,
            EtaMax = 3.5,
            Points = 24,
            Attractor = new AttractorSettings { MaxSteps = 4_000, MinTransient = 500 },
            PlotPoints = 32,
            Threads = threads,
        });
        var a = Run(1);
        var b = Run(2);
        Assert.Equal(Bits(a.Points), Bits(b.Points));
        Assert.Equal(Bits(a.Doublings), Bits(b.Doublings));
    }

    [Fact]
    public void Convergence_rate_is_bitwise_independent_of_threads()
    {
        var map = MapFactory.Create("stochastic", ObjectiveCatalog.Create("quadratic-sin", 1e-4), 0.2);
        ConvergenceRate Run(int threads) => ConvergenceRate.Run(new ConvergenceRequest
        {
            Map = map,
            Particles = 20_000,
            ReferenceParticles = 20_000,
            Steps = 30,
            Snapshots = 15,
            Seed = 11,
            Threads = threads,
        });
        var a = Run(1);
        var b = Run(2);
        Assert.Equal(Bits(a.W2), Bits(b.W2));
        Assert.Equal(BitConverter.DoubleToInt64Bits(a.Floor), BitConverter.DoubleToInt64Bits(b.Floor));
        Assert.Equal(BitConverter.DoubleToInt64Bits(a.FittedRate), BitConverter.DoubleToInt64Bits(b.FittedRate));
    }

    [Fact]
    public void Momentum_analysis_is_bitwise_independent_of_threads()
    {
        var map = MapFactory.Create("heavyball", ObjectiveCatalog.Create("quadratic-sin", 1e-4), 0.1);
        MomentumAnalysis Run(int threads) => MomentumAnalysis.Run(new MomentumRequest
        {
            Map = map,
            Particles = 20_000,
            Steps = 300,
            OrbitSteps = 20_000,
            LyapunovSteps = 5_000,
            Seed = 5,
            Threads = threads,
        });
        static string Key(MomentumAnalysis m) => Bits(new
        {
            m.EnsembleMoments,
            m.EnsembleVsTheory,
            m.Diverged,
            m.OrbitVsTheory,
            m.Lyapunov,
            Running = m.RunningLargest.Select(p => new[] { p.Step, BitConverter.DoubleToInt64Bits(p.Value) }).ToArray(),
            m.MeanLogDet,
        });
        Assert.Equal(StripTiming(JsonNode.Parse(Key(Run(1)))!), StripTiming(JsonNode.Parse(Key(Run(2)))!));
    }

    /// <summary>
    /// End to end: <c>reproduce --quick</c> at 1 and at 2 threads writes the same results.json except for the date,
    /// the durations, the command line and the thread option. Runs the whole quick report twice (about a minute on
    /// 2 cores), because only the whole report shows an experiment that reduces across threads in completion order.
    /// </summary>
    [Fact]
    public void Quick_report_results_are_independent_of_threads()
    {
        var root = Path.Combine(Path.GetTempPath(), "cd-threads-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            string Run(int threads)
            {
                var dir = Path.Combine(root, "t" + threads);
                int code = Program.Run(["reproduce", "--quick", "--out", dir, "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture)],
                    new StringWriter(), new StringWriter());
                Assert.Equal(0, code);
                return StripTiming(JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "results.json")))!);
            }
            var one = Run(1);
            var two = Run(2);
            Assert.Equal(one, two);
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The JSON text with every field that records time or how the run was scheduled removed.</summary>
    internal static string StripTiming(JsonNode node)
    {
        Strip(node);
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static readonly HashSet<string> TimingKeys = ["date", "threads", "command_line", "total_seconds", "seconds", "elapsed_seconds", "wall_seconds"];

    /// <summary>Durations and throughputs written into notes, e.g. "(1.685 s)" or "86.67 M particle-steps/s".</summary>
    private static readonly System.Text.RegularExpressions.Regex WallClock =
        new(@"[0-9][0-9.,]*(e[+-]?[0-9]+)?\s?(M\s)?([A-Za-z-]+/s|ms|s|min)\b", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static void Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).Where(k => TimingKeys.Contains(k) || k.EndsWith("_seconds", StringComparison.Ordinal) || k.EndsWith("_per_second", StringComparison.Ordinal)).ToList())
                    o.Remove(key);
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    if (o[key] is JsonValue v && v.TryGetValue<string>(out var text)) o[key] = JsonValue.Create(WallClock.Replace(text, "<time>"));
                    else Strip(o[key]);
                }
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++)
                {
                    if (a[i] is JsonValue v && v.TryGetValue<string>(out var text)) a[i] = JsonValue.Create(WallClock.Replace(text, "<time>"));
                    else Strip(a[i]);
                }
                break;
        }
    }
}
