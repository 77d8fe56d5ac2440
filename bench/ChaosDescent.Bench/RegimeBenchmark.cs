using System.Diagnostics;
using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;

namespace ChaosDescent.Bench;

/// <summary>What to time: a regime map over the default (η, ε) box, against the Sec. 3.1 ensemble in the same run.</summary>
public sealed record RegimeBenchmarkSettings
{
    /// <summary>G: a G×G grid over the regime map's default box (η ∈ [1e-4, 3], ε ∈ [1e-4, 0.1]).</summary>
    public int Grid { get; init; } = 256;

    /// <summary>Objective of the regime map (the ensemble keeps its Sec. 3.1 quartic-sin).</summary>
    public string Objective { get; init; } = "quartic-sin";

    /// <summary>Worker threads for both (0 = all cores: the ratio of the goal is against `bench ensemble --threads 0`).</summary>
    public int Threads { get; init; }

    /// <summary>Also time the one-orbit-at-a-time path on a G_ref×G_ref grid (0 = skip): the figure before the lanes.</summary>
    public int ReferenceGrid { get; init; }

    /// <summary>Ensemble size and steps of the comparison run (the `bench ensemble` defaults).</summary>
    public int EnsembleParticles { get; init; } = 1_000_000;

    public int EnsembleSteps { get; init; } = 200;

    public void Validate()
    {
        if (Grid < 2) throw new UserInputException($"--grid must be at least 2 (got {Grid})");
        if (Threads < 0) throw new UserInputException($"--threads must be 0 (all cores) or positive (got {Threads})");
        if (ReferenceGrid is < 0 or 1) throw new UserInputException($"--reference-grid must be 0 (off) or at least 2 (got {ReferenceGrid})");
    }
}

/// <summary>One regime benchmark. Field names become the JSON of <c>chaosdescent bench regime --json</c>.</summary>
public sealed record RegimeBenchmarkResult
{
    public required string Benchmark { get; init; }
    public required string Objective { get; init; }
    public required int Grid { get; init; }
    public required int Threads { get; init; }

    /// <summary>Map steps of all cells' orbits (the regime map's steps_total).</summary>
    public required long StepsTotal { get; init; }

    /// <summary>Wall time of the regime map.</summary>
    public required double Seconds { get; init; }

    public required double CpuSeconds { get; init; }

    /// <summary><see cref="StepsTotal"/> / <see cref="Seconds"/>.</summary>
    public required double CellStepsPerSecond { get; init; }

    public required double CellStepsPerCpuSecond { get; init; }

    /// <summary>`bench ensemble`'s particle-steps per second in the same run, same thread count.</summary>
    public required double EnsembleParticleStepsPerSecond { get; init; }

    public required double EnsembleParticleStepsPerCpuSecond { get; init; }

    /// <summary>CellStepsPerSecond / EnsembleParticleStepsPerSecond (the goal: ≥ 0.25).</summary>
    public required double Ratio { get; init; }

    /// <summary>The same ratio on CPU time (what an idle machine would show when others load this one).</summary>
    public required double RatioCpu { get; init; }

    /// <summary>Whether the regime map ran in SIMD lanes.</summary>
    public required bool Lanes { get; init; }

    /// <summary>Cell-steps per second of the one-orbit path (null when not timed) and its ratio to the ensemble.</summary>
    public double? ReferenceCellStepsPerSecond { get; init; }

    public double? ReferenceRatio { get; init; }

    public required IReadOnlyDictionary<string, int> Counts { get; init; }
    public required string Simd { get; init; }
    public required int ProcessorCount { get; init; }
}

/// <summary>
/// Times <see cref="RegimeMap.Run"/> through the library (the same call as `chaosdescent regime`) and, in the same
/// process and moments, the Sec. 3.1 ensemble through <see cref="EnsembleBenchmark"/>, so the ratio of cell-steps to
/// particle-steps per second compares like with like on a shared machine.
/// </summary>
public static class RegimeBenchmark
{
    public static RegimeBenchmarkResult Run(RegimeBenchmarkSettings settings, IProgress<double>? progress = null)
    {
        settings.Validate();
        var f = ObjectiveCatalog.Create(settings.Objective);
        var map = MapFactory.Create("gd", f, 0.1);
        int threads = settings.Threads > 0 ? settings.Threads : Environment.ProcessorCount;
        var ensemble = EnsembleBenchmark.Run(new EnsembleBenchmarkSettings
        {
            Threads = threads,
            Particles = settings.EnsembleParticles,
            Steps = settings.EnsembleSteps,
        });
        progress?.Report(0.1);
        RegimeSettings Grid(int g, bool lanes) => new() { EtaPoints = g, EpsPoints = g, Threads = threads, Lanes = lanes };
        RegimeMap.Run(map, Grid(16, true)); // warm-up: the kernels reach optimized JIT code before timing
        var process = Process.GetCurrentProcess();
        double Cpu()
        {
            process.Refresh();
            return process.TotalProcessorTime.TotalSeconds;
        }
        double cpu0 = Cpu();
        var r = RegimeMap.Run(map, Grid(settings.Grid, true), progress is null ? null : new Progress<double>(p => progress.Report(0.1 + 0.8 * p)));
        double cpu = Math.Max(Cpu() - cpu0, 1e-9);
        double? refRate = null;
        if (settings.ReferenceGrid >= 2)
        {
            var reference = RegimeMap.Run(map, Grid(settings.ReferenceGrid, false));
            refRate = reference.CellStepsPerSecond;
        }
        progress?.Report(1);
        return new RegimeBenchmarkResult
        {
            Benchmark = "regime",
            Objective = f.Name,
            Grid = settings.Grid,
            Threads = threads,
            StepsTotal = r.StepsTotal,
            Seconds = r.Seconds,
            CpuSeconds = cpu,
            CellStepsPerSecond = r.CellStepsPerSecond,
            CellStepsPerCpuSecond = r.StepsTotal / cpu,
            EnsembleParticleStepsPerSecond = ensemble.ParticleStepsPerSecond,
            EnsembleParticleStepsPerCpuSecond = ensemble.ParticleStepsPerCpuSecond,
            Ratio = r.CellStepsPerSecond / ensemble.ParticleStepsPerSecond,
            RatioCpu = r.StepsTotal / cpu / ensemble.ParticleStepsPerCpuSecond,
            Lanes = r.Lanes,
            ReferenceCellStepsPerSecond = refRate,
            ReferenceRatio = refRate / ensemble.ParticleStepsPerSecond,
            Counts = r.Counts.ToDictionary(kv => RegimeMap.Key(kv.Key), kv => kv.Value),
            Simd = FastTrig.ActivePath,
            ProcessorCount = Environment.ProcessorCount,
        };
    }
}
