using System.CommandLine;
using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent lyapunov</c>: the maximal Lyapunov exponent (eq. 4; tangent renormalization in d ≥ 2), eq. 4's
/// norm average, optionally the full spectrum (Benettin QR), with batch-means standard errors, against Thm. 9's
/// m + ln(η/ε).
/// </summary>
public sealed class LyapunovCommand : ICliCommand
{
    public int Order => 31;

    public Command Build()
    {
        var objective = new ObjectiveOptions();
        var eta = Eta();
        var map = new Option<string>("--map") { Description = "gd | heavyball | nag (deterministic maps)", DefaultValueFactory = _ => "gd" };
        var steps = new Option<long>("--steps", "-k") { Description = "steps per orbit entering the averages", DefaultValueFactory = _ => 100_000 };
        var burnIn = new Option<long>("--burn-in") { Description = "steps discarded first", DefaultValueFactory = _ => 1_000 };
        var orbits = new Option<int>("--orbits") { Description = "independent orbits (random starts), run in parallel", DefaultValueFactory = _ => 8 };
        var batches = new Option<int>("--batches") { Description = "batches per orbit for the standard error", DefaultValueFactory = _ => 20 };
        var spectrum = new Option<bool>("--spectrum") { Description = "also the full spectrum (QR / Benettin)" };
        var start = new Option<string?>("--start") { Description = "every orbit starts at X[,Y] (default: random, --init)" };
        var init = new Option<string?>("--init") { Description = "random starts: uniform:LO,HI | gaussian:MEAN,SD (default: middle half of f0's range)" };
        var momentum = new Option<double>("--momentum") { Description = "heavy-ball gamma", DefaultValueFactory = _ => 0.9 };
        var mu = new Option<double?>("--mu") { Description = "NAG-SC strong-convexity mu (default: f0's)" };
        var target = new Option<double?>("--target-stderr", "--tolerance") { Description = "extend the run in chunks of --steps until the standard error of lambda is at most this (default: off)" };
        var maxSteps = new Option<long>("--max-steps") { Description = "with --target-stderr: at most this many steps per orbit", DefaultValueFactory = _ => new LyapunovSettings().MaxSteps };
        var seed = Seed();
        var threads = Threads();
        var json = Json();
        var cmd = new Command("lyapunov", "Lyapunov exponent of GD (or heavy ball, NAG) against Thm. 9's m + ln(eta/eps)");
        objective.AddTo(cmd);
        foreach (var o in new Option[] { eta, map, steps, burnIn, orbits, batches, spectrum, start, init, momentum, mu, target, maxSteps, seed, threads, json })
            cmd.Options.Add(o);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            var obj = objective.Resolve(r);
            var m = MapFactory.Create(r.GetValue(map)!, obj, Positive(r.GetValue(eta), "--eta"),
                new MapOptions { Momentum = r.GetValue(momentum), StrongConvexity = r.GetValue(mu) });
            if (m.IsStochastic) throw new UserInputException($"the '{m.Name}' map is random: its Lyapunov exponent is not defined; use gd, heavyball or nag");
            InitialCondition? initial = r.GetValue(start) is { } s ? InitialCondition.Parse("point:" + s)
                : r.GetValue(init) is { } i ? InitialCondition.Parse(i) : null;
            var settings = new LyapunovSettings
            {
                Steps = r.GetValue(steps),
                BurnIn = r.GetValue(burnIn),
                Orbits = r.GetValue(orbits),
                Batches = r.GetValue(batches),
                Spectrum = r.GetValue(spectrum),
                Initial = initial,
                Seed = r.GetValue(seed),
                Threads = r.GetValue(threads),
                TargetStdErr = r.GetValue(target),
                MaxSteps = r.GetValue(maxSteps),
            };
            MConstantResult? mc = obj.Micro is { Kind: not MicroScaleKind.General } ? MConstant.Compute(obj, MConstantOptions.Quick) : null;
            var result = ConsoleProgress.Run(stderr, "orbits", p => LyapunovEstimator.Run(m, settings, p));
            (double Value, string Note)? theory = mc is null ? null : LyapunovEstimator.Theory(m, mc.M);
            double[]? spectrumTheory = mc?.PerCoordinate is { } pc && m.StateBlocks == 1
                ? pc.Select(v => v + Math.Log(m.LearningRate / obj.Epsilon)).OrderByDescending(v => v).ToArray()
                : null;
            if (result.Converged == false)
                stderr.WriteLine($"warning: the standard error {result.StdErr:G3} did not reach --target-stderr {result.TargetStdErr:G3} within --max-steps {settings.MaxSteps}");
            if (result.DivergedOrbits > 0)
                stderr.WriteLine($"warning: {result.DivergedOrbits} of {result.Orbits} orbits diverged (first at step {result.FirstDivergenceStep}); they are left out");
            var report = new
            {
                objective = obj.Name,
                formula = obj.Formula,
                eps = obj.Epsilon,
                eta = m.LearningRate,
                map = m.Name,
                lambda = result.Lambda,
                stderr = result.StdErr,
                theory = theory?.Value,
                theory_note = theory?.Note ?? (obj.Micro is null ? "no micro-scale: m (Cond. 2) is not defined" : "general micro-scale: m (Cond. 2) is not defined"),
                m = mc?.M,
                m_error = mc?.ErrorEstimate,
                deviation = theory is { } t ? result.Lambda - t.Value : (double?)null,
                eq4_norm_average = result.NormAverage,
                eq4_norm_average_stderr = result.NormAverageStdErr,
                spectrum = result.Spectrum,
                spectrum_stderr = result.SpectrumStdErr,
                spectrum_theory = settings.Spectrum ? spectrumTheory : null,
                orbits = result.Orbits,
                diverged_orbits = result.DivergedOrbits,
                first_divergence_step = result.FirstDivergenceStep,
                steps_per_orbit = result.StepsPerOrbit,
                batches_per_orbit = result.BatchesPerOrbit,
                burn_in = settings.BurnIn,
                target_stderr = result.TargetStdErr,
                converged = result.Converged,
                running = result.Running.Select(p => new { steps = p.Steps, lambda = p.Lambda, stderr = p.StdErr }).ToArray(),
                seed = settings.Seed,
                seconds = result.Seconds,
            };
            if (r.GetValue(json))
            {
                WriteJson(stdout, report);
                return 0;
            }
            stdout.WriteLine($"{obj.Name}: f = {obj.Formula}   eps = {F(obj.Epsilon)}   eta = {F(m.LearningRate)}   map = {m.Name}   (eta/eps = {F(m.LearningRate / obj.Epsilon, "G4")})");
            stdout.WriteLine($"{result.Orbits - result.DivergedOrbits} orbits x {result.StepsPerOrbit:N0} steps ({settings.BurnIn:N0} burn-in), {result.Seconds:F2} s");
            stdout.WriteLine($"lambda (maximal)          = {F(result.Lambda, "F5")} +- {F(result.StdErr, "F5")}");
            if (result.TargetStdErr is { } tol)
                stdout.WriteLine(result.Converged == true
                    ? $"converged: stderr <= {F(tol)} after {result.StepsPerOrbit:N0} steps per orbit"
                    : $"NOT converged: stderr {F(result.StdErr)} > {F(tol)} at the cap of {settings.MaxSteps:N0} steps per orbit");
            if (result.StateDimension > 1)
                stdout.WriteLine($"eq. 4: mean ln||J||_2     = {F(result.NormAverage, "F5")} +- {F(result.NormAverageStdErr, "F5")}  (Thm. 9's quantity; >= lambda)");
            if (theory is { } th)
                stdout.WriteLine($"theory m + ln(eta/eps)    = {F(th.Value, "F5")}   (m = {F(mc!.M, "F6")}; {th.Note})");
            else stdout.WriteLine($"theory: {report.theory_note}");
            if (result.Spectrum is { } sp)
                stdout.WriteLine($"spectrum                  = {string.Join(", ", sp.Select((v, k) => $"{F(v, "F5")} +- {F(result.SpectrumStdErr![k], "F5")}"))}");
            if (settings.Spectrum && spectrumTheory is not null)
                stdout.WriteLine($"spectrum, ln(eta/eps)+m_k = {string.Join(", ", spectrumTheory.Select(v => F(v, "F5")))}  (separable micro-scale, leading order)");
            return 0;
        });
        return cmd;
    }
}
