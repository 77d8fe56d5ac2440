using System.Diagnostics;
using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;

namespace ChaosDescent.Bench;

/// <summary>What to time: the Sec. 3.1 ensemble (quartic-sin, η = 0.1, ε = 1e-6, GD map).</summary>
public sealed record EnsembleBenchmarkSettings
{
    /// <summary>N; the anchors' default.</summary>
    public int Particles { get; init; } = 1_000_000;

    /// <summary>K; the anchors' default (mean(x²) ≈ 0.107 there).</summary>
    public int Steps { get; init; } = 200;

    /// <summary>Worker threads (1 = the one-thread figure compared with the anchors; 0 = all cores).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Timed repetitions; the fastest is reported (the machine is shared, so slower runs measure others' load).</summary>
    public int Repeats { get; init; } = 3;

    public ulong Seed { get; init; } = 1;

    public string Objective { get; init; } = "quartic-sin";
    public double Eta { get; init; } = 0.1;
    public double Epsilon { get; init; } = 1e-6;

    /// <summary>An objective to time instead of the catalog's <see cref="Objective"/> (e.g. one written as formulas).</summary>
    public MultiscaleObjective? Custom { get; init; }

    public void Validate()
    {
        if (Particles < 1) throw new UserInputException($"--particles must be at least 1 (got {Particles})");
        if (Steps < 1) throw new UserInputException($"--steps must be at least 1 (got {Steps})");
        if (Threads < 0) throw new UserInputException($"--threads must be 0 (all cores) or positive (got {Threads})");
        if (Repeats < 1) throw new UserInputException($"--repeats must be at least 1 (got {Repeats})");
    }
}

/// <summary>One benchmark result. Field names become the JSON of <c>chaosdescent bench ensemble --json</c>.</summary>
public sealed record EnsembleBenchmarkResult
{
    public required string Benchmark { get; init; }
    public required string Objective { get; init; }
    public required double Eta { get; init; }
    public required double Eps { get; init; }
    public required string Map { get; init; }

    /// <summary>N·K / <see cref="Seconds"/> of the fastest repetition.</summary>
    public required double ParticleStepsPerSecond { get; init; }

    public required int Threads { get; init; }
    public required int Particles { get; init; }
    public required int Steps { get; init; }

    /// <summary>Time of the K steps (fastest repetition): a K-step run minus a 0-step run, so the initial sampling
    /// and the result arrays are not counted — the anchors time only their step loops, too.</summary>
    public required double Seconds { get; init; }

    /// <summary>Time of the 0-step run (initial ensemble, snapshot arrays) that was subtracted.</summary>
    public required double SetupSeconds { get; init; }

    /// <summary>Process CPU time of the K steps in the fastest repetition (K-step run minus 0-step run). On a shared
    /// machine wall time also measures other people's load; CPU time much smaller than <see cref="Seconds"/> says so.</summary>
    public required double CpuSeconds { get; init; }

    /// <summary>N·K / <see cref="CpuSeconds"/>: the throughput this code would have on an idle core.</summary>
    public required double ParticleStepsPerCpuSecond { get; init; }

    /// <summary>Every repetition's particle-steps per second, in order.</summary>
    public required double[] RepeatsPerSecond { get; init; }

    /// <summary>mean(x²) over the final ensemble (finite particles): the sanity figure of the anchors (≈ 0.107).</summary>
    public required double MeanX2 { get; init; }

    public required int Diverged { get; init; }

    /// <summary>The SIMD path of the sin/cos kernel: vector512, vector256 or scalar.</summary>
    public required string Simd { get; init; }

    public required int ProcessorCount { get; init; }
}

/// <summary>
/// Times the Sec. 3.1 ensemble through the library's own runner (<see cref="EnsembleRunner"/> with the GD map of the
/// catalog objective), not a private copy of its loop, so the figure is what `distribution` and `reproduce` get.
/// Same initial law as the anchors in bench/anchors (uniform on [−1, 1], one stream per block of particles).
/// </summary>
public static class EnsembleBenchmark
{
    public static EnsembleBenchmarkResult Run(EnsembleBenchmarkSettings settings, IProgress<double>? progress = null)
    {
        settings.Validate();
        var objective = settings.Custom ?? ObjectiveCatalog.Create(settings.Objective, settings.Epsilon);
        var map = MapFactory.Create("gd", objective, settings.Eta);
        int threads = settings.Threads > 0 ? settings.Threads : Environment.ProcessorCount;

        EnsembleSettings Settings(int particles, int steps) => new()
        {
            Particles = particles,
            Steps = steps,
            Seed = settings.Seed,
            Threads = threads,
            Initial = InitialCondition.Uniform(-1, 1),
        };

        Settings(settings.Particles, settings.Steps).Validate(map.Dimension, map.StateBlocks); // memory, before any run

        // Warm-up: tiered JIT promotes the step loop to optimized code only after it has been called for a while
        // (call counting starts ~100 ms after the last new method), so run small ensembles for at least 0.5 s.
        int warmN = Math.Min(settings.Particles, 1 << 16);
        var warm = Stopwatch.StartNew();
        for (int w = 0; w < 3 || warm.Elapsed.TotalSeconds < 0.5; w++) EnsembleRunner.Run(map, Settings(warmN, 100));

        var perSecond = new double[settings.Repeats];
        double best = double.PositiveInfinity, bestSetup = 0, bestCpu = 0;
        var process = Process.GetCurrentProcess();
        double Cpu()
        {
            process.Refresh();
            return process.TotalProcessorTime.TotalSeconds;
        }
        EnsembleResult? last = null;
        for (int r = 0; r < settings.Repeats; r++)
        {
            double cpu0 = Cpu();
            var sw = Stopwatch.StartNew();
            EnsembleRunner.Run(map, Settings(settings.Particles, 0));
            double setup = sw.Elapsed.TotalSeconds;
            double cpuSetup = Cpu() - cpu0;
            int rep = r;
            var inner = progress is null ? null : new Progress<double>(p => progress.Report((rep + p) / settings.Repeats));
            cpu0 = Cpu();
            sw.Restart();
            last = EnsembleRunner.Run(map, Settings(settings.Particles, settings.Steps), inner);
            double total = sw.Elapsed.TotalSeconds;
            double cpu = Math.Max(Cpu() - cpu0 - cpuSetup, 1e-9);
            double stepping = Math.Max(total - setup, 1e-9);
            perSecond[r] = (double)settings.Particles * settings.Steps / stepping;
            if (stepping < best)
            {
                best = stepping;
                bestSetup = setup;
                bestCpu = cpu;
            }
        }

        var final = last!.Final;
        double sum = 0;
        long finite = 0;
        foreach (double x in final.Positions)
        {
            if (!double.IsFinite(x)) continue;
            sum += x * x;
            finite++;
        }

        return new EnsembleBenchmarkResult
        {
            Benchmark = "ensemble",
            Objective = objective.Name,
            Eta = settings.Eta,
            Eps = objective.Epsilon,
            Map = map.Name,
            ParticleStepsPerSecond = (double)settings.Particles * settings.Steps / best,
            Threads = threads,
            Particles = settings.Particles,
            Steps = settings.Steps,
            Seconds = best,
            SetupSeconds = bestSetup,
            CpuSeconds = bestCpu,
            ParticleStepsPerCpuSecond = (double)settings.Particles * settings.Steps / bestCpu,
            RepeatsPerSecond = perSecond,
            MeanX2 = finite > 0 ? sum / finite : double.NaN,
            Diverged = last.Divergence.Count,
            Simd = FastTrig.ActivePath,
            ProcessorCount = Environment.ProcessorCount,
        };
    }
}
