using System.CommandLine;
using System.Globalization;
using ChaosDescent.Analyses.Landscapes.Escapes;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Infrastructure;
using ChaosDescent.Maps;
using ChaosDescent.Reporting.Reproduction.Landscapes;
using ChaosDescent.Runners;
using ChaosDescent.Reporting.Plots;
using ChaosDescent.Data;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent escape</c>: escapes between the wells of f0 (D.5) — occupation per well against the rescaled Gibbs
/// masses, exit times (Kaplan–Meier, censoring-aware mean and interval) against Eyring–Kramers, transition rates —
/// for GD, the stochastic map or the Gaussian map; or, with <c>--micro X</c>, escape from the microscopic minimum of f
/// nearest X (optionally over a sweep of η/ε).
/// </summary>
public sealed class EscapeCommand : ICliCommand
{
    public int Order => 41;

    public Command Build()
    {
        var objective = new ObjectiveOptions();
        var eta = Eta(required: false);
        var map = new Option<string>("--map") { Description = "gd | stochastic | gaussian", DefaultValueFactory = _ => "gd" };
        var particles = new Option<int>("--particles", "-n") { Description = "ensemble size", DefaultValueFactory = _ => 10_000 };
        var steps = new Option<int>("--steps", "-k") { Description = "steps per particle", DefaultValueFactory = _ => 20_000 };
        var burnIn = new Option<int?>("--burn-in") { Description = "steps before occupation and rates are counted (default: 5 relaxation times, measured from the run)" };
        var fromWell = new Option<int?>("--from-well") { Description = "well index to start in (0 = leftmost; default the rightmost)" };
        var init = new Option<string?>("--init") { Description = "initial ensemble instead: uniform:LO,HI | gaussian:MEAN,SD | point:X" };
        var core = new Option<double>("--core") { Description = "core of a well: f0 - f0(min) <= CORE * barrier (transitions count on entering another core)", DefaultValueFactory = _ => 0.5 };
        var micro = new Option<double?>("--micro") { Description = "escape from the microscopic minimum of f nearest X instead of the wells of f0" };
        var sweep = new Option<string?>("--sweep") { Description = "with --micro: comma-separated eta/eps ratios to sweep (ignores --eta)" };
        var seed = Seed();
        var threads = Threads();
        var json = Json();
        var outDir = Out("out/escape");
        var cmd = new Command("escape", "escape statistics: wells of f0 (occupation vs Gibbs, exit times vs Eyring-Kramers) or a microscopic minimum");
        objective.AddTo(cmd);
        foreach (var o in new Option[] { eta, map, particles, steps, burnIn, fromWell, init, core, micro, sweep, seed, threads, json, outDir })
            cmd.Options.Add(o);

        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            var obj = objective.Resolve(r);
            string mapName = r.GetValue(map)!;
            if (mapName is not ("gd" or "stochastic" or "gaussian"))
                throw new UserInputException($"--map must be gd, stochastic or gaussian for escapes (got '{mapName}')");
            int n = AtLeast(r.GetValue(particles), 1, "--particles"), k = AtLeast(r.GetValue(steps), 1, "--steps");
            string dir = r.GetValue(outDir) ?? "out/escape";
            AtomicFile.EnsureWritableDirectory(dir);
            bool asJson = r.GetValue(json);
            if (r.GetValue(micro) is { } x0)
                return RunMicro(r, obj, mapName, x0, r.GetValue(sweep), r.GetValue(eta), n, k, r.GetValue(seed), r.GetValue(threads), dir, asJson, stdout, stderr);
            double h = Positive(r.GetValue(eta), "--eta");
            var m = MapFactory.Create(mapName, obj, h);
            var request = new EscapeRequest
            {
                Map = m,
                Particles = n,
                Steps = k,
                BurnIn = r.GetValue(burnIn),
                Seed = r.GetValue(seed),
                Threads = r.GetValue(threads),
                FromWell = r.GetValue(fromWell),
                Initial = r.GetValue(init) is { } s ? InitialCondition.Parse(s) : null,
                CoreFraction = r.GetValue(core),
                TraceParticles = Math.Min(3, n),
                TraceSteps = Math.Min(k, 5000),
            };
            var a = ConsoleProgress.Run(stderr, "escape ensemble", p => EscapeAnalysis.Run(request, p));
            string name = $"{obj.Name}-{m.Name}-escape";
            string title = $"{obj.Name}, {m.Name}, eta = {F(h)}, eps = {F(obj.Epsilon)}";
            var figures = new List<string>();
            var startStats = a.PerWell[a.StartWell].FirstExits;
            if (startStats is not null)
                figures.Add(LandscapePlots.Survival(startStats, a.PerWell[a.StartWell].KramersRatePerStep, $"first exit from well {a.StartWell}: {title}", dir, name + "-survival"));
            var range = PlotRange(a);
            figures.Add(LandscapePlots.PositionsVsGibbs(a.Result.FinalPositions, a.Gibbs, a.Wells.Maxima, range, 120, $"positions at step {k}: {title}", dir, name + "-positions"));
            if (a.Result.Trace.Length > 0)
                figures.Add(LandscapePlots.Traces(a.Result.Trace, a.Wells.Maxima, $"trajectories: {title}", dir, name + "-traces"));
            string csv = CsvFile.WriteNumericRows(Path.Combine(dir, name + "-survival.csv"), ["step", "survival", "standard_error", "at_risk", "events"],
                (startStats?.KaplanMeier() ?? []).Select(p => new double[] { p.Step, p.Survival, p.StandardError, p.AtRisk, p.Events }));
            foreach (var warning in a.BurnIn.Warnings) stderr.WriteLine($"warning: {warning}");
            if (a.Result.Diverged > 0)
                stderr.WriteLine($"warning: {a.Result.Diverged} particles diverged (first at step {a.Result.DivergedFirstStep}); they count as censored");

            var wells = a.PerWell.Select(w => new
            {
                index = w.Well.Index,
                interval = new[] { w.Well.Lo, w.Well.Hi },
                minimum = w.Well.Minimum,
                barrier = w.Well.Barrier,
                core = new[] { w.CoreLo, w.CoreHi },
                occupation = w.Occupation,
                occupation_stderr = w.OccupationStdErr,
                occupation_gibbs = w.OccupationGibbs,
                occupation_from_rates = w.OccupationFromRates,
                mean_exit_time = w.MeanExitTime,
                mean_exit_time_ci = new[] { w.MeanExitLo, w.MeanExitHi },
                mean_exit_time_method = w.MeanExitMethod,
                mean_exit_time_kramers = w.KramersMeanExitTime,
                first_exits = w.FirstExits is { } fe ? new
                {
                    runs = fe.Count,
                    exits = fe.Exits,
                    censored = fe.Censored,
                    km_median = fe.Median,
                    km_restricted_mean = fe.RestrictedMean(),
                    geometric_mean = fe.GeometricMean,
                    geometric_mean_ci = GeoCi(fe),
                    geometric_fit_deviation = fe.GeometricFitDeviation(),
                } : null,
                exits = w.Exits,
                exposure = w.Exposure,
                escape_rate_per_step = w.EscapeRatePerStep,
                kramers_rate_per_step = w.KramersRatePerStep,
                trapped_remark12 = w.TrappedRemark12,
                reachable_from_minimum = w.Certificate is { } c ? new { interval = new[] { c.Lo, c.Hi }, trapped = c.Trapped, converged = c.Converged } : null,
            }).ToArray();
            int nr = a.Result.RegionCount;
            var rates = Enumerable.Range(0, nr).Select(i => Enumerable.Range(0, nr).Select(j => i == j ? 0 : a.Result.Rate(i, j)).ToArray()).ToArray();
            var transitions = Enumerable.Range(0, nr).Select(i => Enumerable.Range(0, nr).Select(j => a.Result.Transitions[i, j]).ToArray()).ToArray();
            var report = new
            {
                objective = obj.Name,
                formula = obj.Formula,
                parameters = obj.Parameters,
                eps = obj.Epsilon,
                eta = h,
                map = m.Name,
                particles = n,
                steps = k,
                burn_in = a.BurnIn.BurnIn,
                burn_in_rule = a.BurnIn.Rule,
                relaxation_time_steps = a.BurnIn.RelaxationTime,
                equilibrated = a.BurnIn.Equilibrated,
                warnings = a.BurnIn.Warnings,
                seed = request.Seed,
                start_well = a.StartWell,
                core_fraction = request.CoreFraction,
                sigma2 = a.Sigma2,
                temperature = a.Sigma2 is { } s2 ? h * s2 / 2 : (double?)null,
                gibbs_note = a.GibbsNote,
                s_connected = a.Connectivity?.Connected,
                wells,
                rates_per_step = rates,
                transitions,
                diverged = a.Result.Diverged,
                seconds = a.Result.Seconds,
                figures,
                csv,
            };
            if (asJson)
            {
                WriteJson(stdout, report);
                return 0;
            }
            stdout.WriteLine(title + $"   {n:N0} particles x {k:N0} steps (burn-in {a.BurnIn.BurnIn}), start in well {a.StartWell}, {a.Result.Seconds:F2} s");
            stdout.WriteLine($"burn-in: {a.BurnIn.Rule}");
            if (a.Sigma2 is { } sig) stdout.WriteLine($"sigma^2 = {F(sig)}, T = eta sigma^2/2 = {F(h * sig / 2)}; S of Remark 12 {(a.Connectivity?.Connected == true ? "connected" : a.Connectivity is null ? "n/a" : "NOT connected")}");
            else stdout.WriteLine($"no Gibbs/Kramers prediction: {a.GibbsNote}");
            foreach (var w in a.PerWell)
            {
                stdout.WriteLine($"well {w.Well.Index} ({F(w.Well.Lo)}, {F(w.Well.Hi)}), min {F(w.Well.Minimum)}, barrier {F(w.Well.Barrier)}:");
                stdout.WriteLine($"   occupation {F(w.Occupation, "F4")} +- {F(w.OccupationStdErr, "F4")}   Gibbs {F(w.OccupationGibbs ?? double.NaN, "F4")}   from rates {F(w.OccupationFromRates, "F4")}");
                stdout.WriteLine($"   mean exit time {F(w.MeanExitTime, "G5")} [{F(w.MeanExitLo, "G5")}, {F(w.MeanExitHi, "G5")}] ({w.MeanExitMethod})   Eyring-Kramers {F(w.KramersMeanExitTime ?? double.NaN, "G5")}");
                if (w.FirstExits is { } fe)
                    stdout.WriteLine($"   first exits: {fe.Exits} of {fe.Count} ({fe.Censored} censored), KM median {F(fe.Median)}");
                if (w.TrappedRemark12 == true) stdout.WriteLine("   Remark 12: trapped (S is disconnected around this well)");
            }
            foreach (var f in figures) stdout.WriteLine($"figure: {f}");
            stdout.WriteLine($"csv: {csv}");
            return 0;
        });
        return cmd;
    }

    private static double[] GeoCi(ExitTimeStatistics s)
    {
        var (lo, hi) = s.GeometricMeanInterval();
        return [lo, hi];
    }

    private static (double, double) PlotRange(EscapeAnalysis a)
    {
        if (a.Gibbs is { } g)
        {
            var m = g.Marginal(0);
            double lo = m.Quantile(1e-4), hi = m.Quantile(1 - 1e-4), pad = 0.15 * (hi - lo);
            return (lo - pad, hi + pad);
        }
        var xs = a.Result.FinalPositions.Where(double.IsFinite).ToArray();
        return xs.Length > 0 ? (xs.Min() - 0.1, xs.Max() + 0.1) : a.Wells.Landscape.Potential.TypicalRange;
    }

    private static int RunMicro(ParseResult r, Objectives.MultiscaleObjective obj, string mapName, double x0, string? sweep, double eta,
        int n, int k, ulong seed, int threads, string dir, bool asJson, TextWriter stdout, TextWriter stderr)
    {
        var well = MicroWell.Find(obj, x0);
        double[] etas;
        if (sweep is not null)
        {
            etas = sweep.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t =>
                double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v)
                    ? v * obj.Epsilon : throw new UserInputException($"--sweep: '{t}' is not a positive number")).ToArray();
            if (etas.Length == 0) throw new UserInputException("--sweep needs at least one ratio");
        }
        else etas = [Positive(eta, "--eta")];
        var results = new List<MicroEscapeResult>();
        ConsoleProgress.Run(stderr, "micro escape", p =>
        {
            for (int i = 0; i < etas.Length; i++)
            {
                int idx = i;
                results.Add(MicroEscape.Run(MapFactory.Create(mapName, obj, etas[i]), well, n, k, seed, threads,
                    new Progress<double>(v => p.Report((idx + v) / etas.Length))));
            }
            return 0;
        });
        string name = $"{obj.Name}-{mapName}-micro-escape";
        var figures = new List<string>();
        if (results.Count > 1)
            figures.Add(LandscapePlots.MicroEscapeCurve(results, $"escape from the micro minimum at {F(well.Minimum)}: {obj.Name}, {mapName}, eps = {F(obj.Epsilon)}, K = {k}", dir, name));
        string csv = CsvFile.WriteNumericRows(Path.Combine(dir, name + ".csv"), ["eta", "eta_over_eps", "escape_probability", "ci_lo", "ci_hi", "mean_exit_time"],
            results.Select(x => new[] { x.Eta, x.EtaOverEps, x.EscapeProbability, x.ProbabilityLo, x.ProbabilityHi, x.ExitTimes.MeanExitTime().Mean }));
        var report = new
        {
            objective = obj.Name,
            formula = obj.Formula,
            parameters = obj.Parameters,
            eps = obj.Epsilon,
            map = mapName,
            particles = n,
            steps = k,
            seed,
            micro_well = new
            {
                minimum = well.Minimum,
                interval = new[] { well.Lo, well.Hi },
                curvature = well.Curvature,
                stability_threshold_eta = well.StabilityThreshold,
                stability_threshold_eta_over_eps = well.StabilityThreshold / obj.Epsilon
            },
            runs = results.Select(x =>
            {
                var (mean, lo, hi, method) = x.ExitTimes.MeanExitTime();
                return new
                {
                    eta = x.Eta,
                    eta_over_eps = x.EtaOverEps,
                    escape_probability = x.EscapeProbability,
                    escape_probability_ci = new[] { x.ProbabilityLo, x.ProbabilityHi },
                    mean_exit_time = mean,
                    mean_exit_time_ci = new[] { lo, hi },
                    mean_exit_time_method = method,
                    km_median = x.ExitTimes.Median,
                    seconds = x.Seconds,
                };
            }).ToArray(),
            figures,
            csv,
        };
        if (asJson)
        {
            WriteJson(stdout, report);
            return 0;
        }
        stdout.WriteLine($"{obj.Name}, {mapName}, eps = {F(obj.Epsilon)}: micro well [{F(well.Lo, "G8")}, {F(well.Hi, "G8")}] around the minimum {F(well.Minimum, "G8")}");
        stdout.WriteLine($"f''(x*) = {F(well.Curvature)}: GD's fixed point loses stability at eta = 2/f''(x*) = {F(well.StabilityThreshold)} (eta/eps = {F(well.StabilityThreshold / obj.Epsilon, "G4")})");
        foreach (var x in results)
            stdout.WriteLine($"  eta/eps = {F(x.EtaOverEps, "G4")}: P(escape within {k}) = {F(x.EscapeProbability, "F4")} [{F(x.ProbabilityLo, "F4")}, {F(x.ProbabilityHi, "F4")}], mean exit {F(x.ExitTimes.MeanExitTime().Mean, "G4")}");
        foreach (var f in figures) stdout.WriteLine($"figure: {f}");
        stdout.WriteLine($"csv: {csv}");
        return 0;
    }
}
