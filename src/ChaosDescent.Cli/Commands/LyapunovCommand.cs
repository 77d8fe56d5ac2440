using System.CommandLine;
using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Runners;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent lyapunov</c>: binds <see cref="LyapunovSettings"/> and renders <see cref="LyapunovAnalysis"/> — the
/// maximal Lyapunov exponent (eq. 4), eq. 4's norm average, optionally the spectrum, against Thm. 9's m + ln(η/ε).
/// </summary>
public sealed class LyapunovCommand : ICliCommand
{
    public int Order => 31;

    public Command Build()
    {
        var d = new LyapunovSettings();
        var system = new SystemOptions(maps: "gd | heavyball | nag (deterministic maps)");
        var steps = new Option<long>("--steps", "-k") { Description = "steps per orbit entering the averages", DefaultValueFactory = _ => d.Steps };
        var burnIn = new Option<long>("--burn-in") { Description = "steps discarded first", DefaultValueFactory = _ => d.BurnIn };
        var orbits = new Option<int>("--orbits") { Description = "independent orbits (random starts), run in parallel", DefaultValueFactory = _ => d.Orbits };
        var batches = new Option<int>("--batches") { Description = "batches per orbit for the standard error", DefaultValueFactory = _ => d.Batches };
        var spectrum = new Option<bool>("--spectrum") { Description = "also the full spectrum (QR / Benettin)" };
        var start = new Option<string?>("--start") { Description = "every orbit starts at X[,Y] (default: random, --init)" };
        var init = new Option<string?>("--init") { Description = "random starts: uniform:LO,HI | gaussian:MEAN,SD (default: middle half of f0's range)" };
        var run = new RunOptions();
        var cmd = new Command("lyapunov", "Lyapunov exponent of GD (or heavy ball, NAG) against Thm. 9's m + ln(eta/eps)");
        system.AddTo(cmd);
        foreach (var o in new Option[] { steps, burnIn, orbits, batches, spectrum, start, init }) cmd.Options.Add(o);
        run.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            var sys = system.Bind(r);
            var settings = new LyapunovSettings
            {
                Steps = r.GetValue(steps),
                BurnIn = r.GetValue(burnIn),
                Orbits = r.GetValue(orbits),
                Batches = r.GetValue(batches),
                Spectrum = r.GetValue(spectrum),
                Initial = r.GetValue(start) is { } s ? InitialCondition.Parse("point:" + s)
                    : r.GetValue(init) is { } i ? InitialCondition.Parse(i) : null,
                Seed = run.SeedValue(r),
                Threads = run.ThreadsValue(r),
            };
            var rep = ConsoleProgress.Run(stderr, "orbits", p => LyapunovAnalysis.Run(sys, settings, p));
            if (rep.DivergedOrbits > 0)
                stderr.WriteLine($"warning: {rep.DivergedOrbits} of {rep.Orbits} orbits diverged (first at step {rep.FirstDivergenceStep}); they are left out");
            if (run.AsJson(r))
            {
                Render.Json(stdout, rep);
                return 0;
            }
            stdout.WriteLine($"{rep.Objective}: f = {rep.Formula}   eps = {F(rep.Eps)}   eta = {F(rep.Eta)}   map = {rep.Map}   (eta/eps = {F(rep.Eta / rep.Eps, "G4")})");
            stdout.WriteLine($"{rep.Orbits - rep.DivergedOrbits} orbits x {rep.StepsPerOrbit:N0} steps ({rep.BurnIn:N0} burn-in), {rep.Seconds:F2} s");
            stdout.WriteLine($"lambda (maximal)          = {F(rep.Lambda, "F5")} +- {F(rep.Stderr, "F5")}");
            if (rep.Estimate!.StateDimension > 1)
                stdout.WriteLine($"eq. 4: mean ln||J||_2     = {F(rep.Eq4NormAverage, "F5")} +- {F(rep.Eq4NormAverageStderr, "F5")}  (Thm. 9's quantity; >= lambda)");
            if (rep.Theory is { } th)
                stdout.WriteLine($"theory m + ln(eta/eps)    = {F(th, "F5")}   (m = {F(rep.M!.Value, "F6")}; {rep.TheoryNote})");
            else stdout.WriteLine($"theory: {rep.TheoryNote}");
            if (rep.Spectrum is { } sp)
                stdout.WriteLine($"spectrum                  = {string.Join(", ", sp.Select((v, k) => $"{F(v, "F5")} +- {F(rep.SpectrumStderr![k], "F5")}"))}");
            if (rep.SpectrumTheory is { } st)
                stdout.WriteLine($"spectrum, ln(eta/eps)+m_k = {string.Join(", ", st.Select(v => F(v, "F5")))}  (separable micro-scale, leading order)");
            return 0;
        });
        return cmd;
    }
}
