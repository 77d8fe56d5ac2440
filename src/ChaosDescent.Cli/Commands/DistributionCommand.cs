using System.CommandLine;
using ChaosDescent.Analyses;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Infrastructure;
using ChaosDescent.Maps;
using ChaosDescent.Reporting.Plots;
using ChaosDescent.Runners;
using ChaosDescent.Analyses.Distributions;
using ChaosDescent.Statistics;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent distribution</c>: run an ensemble (or one orbit) of a map and compare its law with the rescaled
/// Gibbs law (paper Secs. 2.2, 3.1): TV over bins, KS, W1, moments; writes a histogram-vs-Gibbs figure and CSV.
/// </summary>
public sealed class DistributionCommand : ICliCommand
{
    public int Order => 20;

    public Command Build()
    {
        var objective = new ObjectiveOptions();
        var eta = Eta();
        var map = new Option<string>("--map") { Description = "gd | stochastic | gaussian | heavyball | nag", DefaultValueFactory = _ => "gd" };
        var particles = new Option<int>("--particles", "-n") { Description = "ensemble size N", DefaultValueFactory = _ => 100_000 };
        var steps = new Option<long?>("--steps", "-k") { Description = "steps K (default 1000 for an ensemble, 1e6 for --orbit)" };
        var orbit = new Option<bool>("--orbit") { Description = "one long orbit (time averages) instead of an ensemble" };
        var burnIn = new Option<long>("--burn-in") { Description = "orbit: steps discarded first", DefaultValueFactory = _ => 1000 };
        var init = new Option<string>("--init") { Description = "initial ensemble: uniform:LO,HI | gaussian:MEAN,SD | point:X[,Y]", DefaultValueFactory = _ => "uniform:-1,1" };
        var start = new Option<string?>("--start") { Description = "orbit start X[,Y] (default 0.1123…)" };
        var bins = new Option<int>("--bins") { Description = "histogram bins per coordinate", DefaultValueFactory = _ => 100 };
        var momentum = new Option<double>("--momentum") { Description = "heavy-ball γ", DefaultValueFactory = _ => 0.9 };
        var mu = new Option<double?>("--mu") { Description = "NAG-SC strong-convexity μ (default: f0's)" };
        var compare = new Option<string?>("--compare") { Description = "also run this map (e.g. stochastic) with the same settings and report the distances between the two laws (Thm. 4)" };
        var seed = Seed();
        var threads = Threads();
        var json = Json();
        var outDir = Out("out/distribution");
        var cmd = new Command("distribution", "compare the long-run law of GD (or another map) with the rescaled Gibbs law");
        objective.AddTo(cmd);
        foreach (var o in new Option[] { eta, map, particles, steps, orbit, burnIn, init, start, bins, momentum, mu, compare, seed, threads, json, outDir })
            cmd.Options.Add(o);

        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            var obj = objective.Resolve(r);
            var m = MapFactory.Create(r.GetValue(map)!, obj, Positive(r.GetValue(eta), "--eta"),
                new MapOptions { Momentum = r.GetValue(momentum), StrongConvexity = r.GetValue(mu) });
            bool isOrbit = r.GetValue(orbit);
            long k = r.GetValue(steps) ?? (isOrbit ? 1_000_000 : 1000);
            if (k < 1) throw new UserInputException($"--steps must be at least 1 (got {k})");
            double[]? startPoint = r.GetValue(start) is { } s ? ((FixedPoint)InitialCondition.Parse("point:" + s)).X : null;
            var request = new DistributionRequest
            {
                Map = m,
                Orbit = isOrbit,
                Particles = AtLeast(r.GetValue(particles), 1, "--particles"),
                Steps = k,
                BurnIn = isOrbit ? Math.Min(r.GetValue(burnIn), k - 1) : 0,
                Seed = r.GetValue(seed),
                Threads = r.GetValue(threads),
                Initial = InitialCondition.Parse(r.GetValue(init)!),
                OrbitStart = startPoint,
                Bins = AtLeast(r.GetValue(bins), 2, "--bins"),
            };
            string dir = r.GetValue(outDir) ?? "out/distribution";
            AtomicFile.EnsureWritableDirectory(dir);
            var result = ConsoleProgress.Run(stderr, isOrbit ? "orbit" : "ensemble", p => DistributionComparison.Run(request, p));
            OptimizerMap? other = r.GetValue(compare) is { } cmpName
                ? MapFactory.Create(cmpName, obj, m.LearningRate, new MapOptions { Momentum = r.GetValue(momentum), StrongConvexity = r.GetValue(mu) })
                : null;
            DistributionComparison? second = other is null ? null
                : ConsoleProgress.Run(stderr, $"{other.Name} {(isOrbit ? "orbit" : "ensemble")}", p => DistributionComparison.Run(request with { Map = other, Seed = request.Seed + 1 }, p));
            var between = second is null ? null : DistributionComparison.Between(result, second);
            string name = $"{obj.Name}-{m.Name}-{(isOrbit ? "orbit" : "ensemble")}";
            var figures = DistributionPlots.HistogramVsGibbs(result, dir, name, $"{obj.Name}, {m.Name}, eta = {F(m.LearningRate)}, eps = {F(obj.Epsilon)}");
            var csv = DistributionPlots.WriteCsv(result, Path.Combine(dir, name + ".csv"));
            if (result.Stationarity?.Warning is { } notStationary) stderr.WriteLine($"warning: {notStationary}");
            if (result.DivergedCount > 0)
                stderr.WriteLine($"warning: {result.DivergedCount} of {request.Particles} particles diverged (first at step {result.DivergedFirstStep}); statistics use the others");
            var (tv, ks, w1) = result.Headline;
            var report = new
            {
                objective = obj.Name,
                formula = obj.Formula,
                parameters = obj.Parameters,
                eps = obj.Epsilon,
                eta = m.LearningRate,
                map = m.Name,
                mode = isOrbit ? "orbit" : "ensemble",
                particles = isOrbit ? 1 : request.Particles,
                steps = k,
                burn_in = request.BurnIn,
                seed = request.Seed,
                initial = isOrbit ? null : request.Initial.Describe(),
                sample_size = result.SampleSize,
                stationarity = result.Stationarity is { } st ? new { from_step = st.FromStep, to_step = st.ToStep, ks = st.KsPerCoordinate, critical = st.Critical, stationary = st.Stationary, warning = st.Warning } : null,
                sigma2 = result.Sigma2,
                gibbs_note = result.GibbsNote,
                tv_to_gibbs = tv,
                ks_to_gibbs = ks,
                w1_to_gibbs = w1,
                distances_binned = isOrbit,
                marginals = result.Marginals.Select(mc => new
                {
                    coordinate = mc.Coordinate,
                    mean = mc.Moments.Mean,
                    variance = mc.Moments.Variance,
                    gibbs_mean = mc.GibbsMean,
                    gibbs_variance = mc.GibbsVariance,
                    tv_to_gibbs = mc.Distances?.TotalVariation,
                    ks_to_gibbs = mc.Distances?.KolmogorovSmirnov,
                    w1_to_gibbs = mc.Distances?.Wasserstein1,
                }).ToArray(),
                tv_to_gibbs_2d = result.TotalVariation2D,
                compared_map = other?.Name,
                between_maps = between?.Select((b, i) => new
                {
                    coordinate = i,
                    tv = b.TotalVariation,
                    ks = b.KolmogorovSmirnov,
                    w1 = b.Wasserstein1,
                    binned = b.Binned,
                    ks_critical_0_001 = b.Binned ? (double?)null : Distances.KolmogorovSmirnovCritical(result.SampleSize, second!.SampleSize),
                }).ToArray(),
                diverged = result.DivergedCount,
                diverged_first_step = result.DivergedFirstStep,
                seconds = result.Seconds,
                figures,
                csv,
            };
            if (r.GetValue(json))
            {
                WriteJson(stdout, report);
                return 0;
            }
            stdout.WriteLine($"{obj.Name}: f = {obj.Formula}   eps = {F(obj.Epsilon)}   eta = {F(m.LearningRate)}   map = {m.Name}");
            stdout.WriteLine(isOrbit
                ? $"one orbit, {k:N0} steps ({request.BurnIn:N0} burn-in), {result.Seconds:F2} s"
                : $"ensemble of {request.Particles:N0} particles ({request.Initial.Describe()}), {k:N0} steps, {result.Seconds:F2} s");
            if (result.Sigma2 is { } s2 && result.GibbsNote is null) stdout.WriteLine($"sigma^2 of zeta = {F(s2)}  ->  rescaled Gibbs exp(-2 f0/(eta sigma^2))/Z = exp(-f0/{F(m.LearningRate * s2 / 2)})/Z");
            else stdout.WriteLine($"no rescaled Gibbs comparison: {result.GibbsNote}");
            foreach (var mc in result.Marginals)
            {
                string c = result.Marginals.Count == 1 ? "x" : $"coordinate {mc.Coordinate}";
                stdout.WriteLine($"  {c}: mean {F(mc.Moments.Mean, "G4")} (Gibbs {F(mc.GibbsMean ?? double.NaN, "G4")}), variance {F(mc.Moments.Variance, "G4")} (Gibbs {F(mc.GibbsVariance ?? double.NaN, "G4")})");
                if (mc.Distances is { } dd)
                    stdout.WriteLine($"     TV {F(dd.TotalVariation, "F4")}   KS {F(dd.KolmogorovSmirnov, "F4")}   W1 {F(dd.Wasserstein1, "G3")}{(dd.Binned ? "  (from the binned orbit)" : "")}");
            }
            if (between is not null)
                foreach (var (b, i) in between.Select((b, i) => (b, i)))
                    stdout.WriteLine($"  {m.Name} vs {other!.Name}{(between.Count > 1 ? $" (coordinate {i})" : "")}: TV {F(b.TotalVariation, "F4")}   KS {F(b.KolmogorovSmirnov, "F4")}   W1 {F(b.Wasserstein1, "G3")}");
            if (result.TotalVariation2D is { } t2) stdout.WriteLine($"  2-D TV over 60x60 bins: {F(t2, "F4")}");
            if (result.DivergedCount > 0) stdout.WriteLine($"  diverged: {result.DivergedCount} (first at step {result.DivergedFirstStep})");
            foreach (var f in figures) stdout.WriteLine($"figure: {f}");
            stdout.WriteLine($"csv: {csv}");
            return 0;
        });
        return cmd;
    }
}
