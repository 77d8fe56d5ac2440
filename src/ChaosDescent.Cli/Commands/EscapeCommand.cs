using System.CommandLine;
using System.Globalization;
using ChaosDescent.Analyses.Landscapes.Escapes;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Reporting.Reproduction.Landscapes;
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
        var system = new SystemOptions(etaRequired: false, maps: "gd | stochastic | gaussian");
        var d = new EscapeStudySettings();
        var particles = new Option<int>("--particles", "-n") { Description = "ensemble size", DefaultValueFactory = _ => d.Particles };
        var steps = new Option<int>("--steps", "-k") { Description = "steps per particle", DefaultValueFactory = _ => d.Steps };
        var burnIn = new Option<int>("--burn-in") { Description = "steps before occupation and rates are counted", DefaultValueFactory = _ => d.BurnIn };
        var fromWell = new Option<int?>("--from-well") { Description = "well index to start in (0 = leftmost; default the rightmost)" };
        var init = new Option<string?>("--init") { Description = "initial ensemble instead: uniform:LO,HI | gaussian:MEAN,SD | point:X" };
        var core = new Option<double>("--core") { Description = "core of a well: f0 - f0(min) <= CORE * barrier (transitions count on entering another core)", DefaultValueFactory = _ => d.CoreFraction };
        var micro = new Option<double?>("--micro") { Description = "escape from the microscopic minimum of f nearest X instead of the wells of f0" };
        var sweep = new Option<string?>("--sweep") { Description = "with --micro: comma-separated eta/eps ratios to sweep (ignores --eta)" };
        var run = new RunOptions("out/escape");
        var cmd = new Command("escape", "escape statistics: wells of f0 (occupation vs Gibbs, exit times vs Eyring-Kramers) or a microscopic minimum");
        system.AddTo(cmd);
        foreach (var o in new Option[] { particles, steps, burnIn, fromWell, init, core, micro, sweep }) cmd.Options.Add(o);
        run.AddTo(cmd);

        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            var sys = system.Bind(r);
            if (sys.Map is not ("gd" or "stochastic" or "gaussian"))
                throw new UserInputException($"--map must be gd, stochastic or gaussian for escapes (got '{sys.Map}')");
            int n = AtLeast(r.GetValue(particles), 1, "--particles"), k = AtLeast(r.GetValue(steps), 1, "--steps");
            string dir = run.OutDir(r);
            bool asJson = run.AsJson(r);
            if (r.GetValue(micro) is { } x0)
            {
                var microSettings = new MicroEscapeSettings
                {
                    Near = x0,
                    EtaOverEps = r.GetValue(sweep) is { } sw ? SweepRatios(sw) : null,
                    Particles = n,
                    Steps = k,
                    Seed = run.SeedValue(r),
                    Threads = run.ThreadsValue(r),
                };
                if (microSettings.EtaOverEps is null && sys.LearningRate is null) throw new UserInputException("--eta must be a positive number (got 0)");
                return RenderMicro(ConsoleProgress.Run(stderr, "micro escape", p => MicroEscapeAnalysis.Run(sys, microSettings, p)), dir, asJson, stdout);
            }
            if (sys.LearningRate is null) throw new UserInputException("--eta must be a positive number (got 0)");
            var settings = new EscapeStudySettings
            {
                Particles = n,
                Steps = k,
                BurnIn = r.GetValue(burnIn),
                FromWell = r.GetValue(fromWell),
                Initial = r.GetValue(init),
                CoreFraction = r.GetValue(core),
                Seed = run.SeedValue(r),
                Threads = run.ThreadsValue(r),
            };
            var rep = ConsoleProgress.Run(stderr, "escape ensemble", p => EscapeStudy.Run(sys, settings, p));
            var a = rep.Analysis!;
            string name = $"{rep.Objective}-{rep.Map}-escape";
            string title = $"{rep.Objective}, {rep.Map}, eta = {F(rep.Eta)}, eps = {F(rep.Eps)}";
            var figures = new List<string>();
            var startStats = a.PerWell[a.StartWell].FirstExits;
            if (startStats is not null)
                figures.Add(LandscapePlots.Survival(startStats, a.PerWell[a.StartWell].KramersRatePerStep, $"first exit from well {a.StartWell}: {title}", dir, name + "-survival"));
            figures.Add(LandscapePlots.PositionsVsGibbs(a.Result.FinalPositions, a.Gibbs, a.Wells.Maxima, PlotRange(a), 120, $"positions at step {k}: {title}", dir, name + "-positions"));
            if (a.Result.Trace.Length > 0)
                figures.Add(LandscapePlots.Traces(a.Result.Trace, a.Wells.Maxima, $"trajectories: {title}", dir, name + "-traces"));
            string csv = LandscapePlots.WriteCsv(Path.Combine(dir, name + "-survival.csv"), "step,survival,standard_error,at_risk,events",
                (startStats?.KaplanMeier() ?? []).Select(p => new double[] { p.Step, p.Survival, p.StandardError, p.AtRisk, p.Events }));
            if (rep.Diverged > 0)
                stderr.WriteLine($"warning: {rep.Diverged} particles diverged (first at step {rep.DivergedFirstStep}); they count as censored");
            if (asJson)
            {
                Render.Json(stdout, rep, ("figures", figures), ("csv", csv));
                return 0;
            }
            stdout.WriteLine(title + $"   {n:N0} particles x {k:N0} steps (burn-in {rep.BurnIn}), start in well {rep.StartWell}, {rep.Seconds:F2} s");
            if (rep.Sigma2 is { } sig) stdout.WriteLine($"sigma^2 = {F(sig)}, T = eta sigma^2/2 = {F(rep.Temperature!.Value)}; S of Remark 12 {(rep.SConnected == true ? "connected" : rep.SConnected is null ? "n/a" : "NOT connected")}");
            else stdout.WriteLine($"no Gibbs/Kramers prediction: {rep.GibbsNote}");
            foreach (var w in rep.Wells)
            {
                stdout.WriteLine($"well {w.Index} ({F(w.Interval[0])}, {F(w.Interval[1])}), min {F(w.Minimum)}, barrier {F(w.Barrier)}:");
                stdout.WriteLine($"   occupation {F(w.Occupation, "F4")}   Gibbs {F(w.OccupationGibbs ?? double.NaN, "F4")}   from rates {F(w.OccupationFromRates, "F4")}");
                stdout.WriteLine($"   mean exit time {F(w.MeanExitTime, "G5")} [{F(w.MeanExitTimeCi[0], "G5")}, {F(w.MeanExitTimeCi[1], "G5")}] ({w.MeanExitTimeMethod})   Eyring-Kramers {F(w.MeanExitTimeKramers ?? double.NaN, "G5")}");
                if (w.FirstExits is { } fe)
                    stdout.WriteLine($"   first exits: {fe.Exits} of {fe.Runs} ({fe.Censored} censored), KM median {F(fe.KmMedian)}");
                if (w.TrappedRemark12 == true) stdout.WriteLine("   Remark 12: trapped (S is disconnected around this well)");
            }
            foreach (var f in figures) stdout.WriteLine($"figure: {f}");
            stdout.WriteLine($"csv: {csv}");
            return 0;
        });
        return cmd;
    }

    private static double[] SweepRatios(string sweep)
    {
        var ratios = sweep.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t =>
            double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v)
                ? v : throw new UserInputException($"--sweep: '{t}' is not a positive number")).ToArray();
        return ratios.Length > 0 ? ratios : throw new UserInputException("--sweep needs at least one ratio");
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

    private static int RenderMicro(MicroEscapeReport rep, string dir, bool asJson, TextWriter stdout)
    {
        var results = rep.Results!;
        var well = rep.MicroWell;
        string name = $"{rep.Objective}-{rep.Map}-micro-escape";
        var figures = new List<string>();
        if (results.Count > 1)
            figures.Add(LandscapePlots.MicroEscapeCurve(results, $"escape from the micro minimum at {F(well.Minimum)}: {rep.Objective}, {rep.Map}, eps = {F(rep.Eps)}, K = {rep.Steps}", dir, name));
        string csv = LandscapePlots.WriteCsv(Path.Combine(dir, name + ".csv"), "eta,eta_over_eps,escape_probability,ci_lo,ci_hi,mean_exit_time",
            rep.Runs.Select(x => new[] { x.Eta, x.EtaOverEps, x.EscapeProbability, x.EscapeProbabilityCi[0], x.EscapeProbabilityCi[1], x.MeanExitTime }));
        if (asJson)
        {
            Render.Json(stdout, rep, ("figures", figures), ("csv", csv));
            return 0;
        }
        stdout.WriteLine($"{rep.Objective}, {rep.Map}, eps = {F(rep.Eps)}: micro well [{F(well.Interval[0], "G8")}, {F(well.Interval[1], "G8")}] around the minimum {F(well.Minimum, "G8")}");
        stdout.WriteLine($"f''(x*) = {F(well.Curvature)}: GD's fixed point loses stability at eta = 2/f''(x*) = {F(well.StabilityThresholdEta)} (eta/eps = {F(well.StabilityThresholdEtaOverEps, "G4")})");
        foreach (var x in rep.Runs)
            stdout.WriteLine($"  eta/eps = {F(x.EtaOverEps, "G4")}: P(escape within {rep.Steps}) = {F(x.EscapeProbability, "F4")} [{F(x.EscapeProbabilityCi[0], "F4")}, {F(x.EscapeProbabilityCi[1], "F4")}], mean exit {F(x.MeanExitTime, "G4")}");
        foreach (var f in figures) stdout.WriteLine($"figure: {f}");
        stdout.WriteLine($"csv: {csv}");
        return 0;
    }
}
