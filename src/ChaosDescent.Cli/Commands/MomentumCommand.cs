using System.CommandLine;
using ChaosDescent.Analyses.Landscapes.Momentum;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Maps;
using ChaosDescent.Reporting.Reproduction.Landscapes;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent momentum</c> (D.4, Figs. 18–19): deterministic heavy ball and NAG-SC on a multiscale objective —
/// empirical law (ensemble and one orbit) against the linearized stationary Gaussian, and the Lyapunov spectrum of the
/// 2d-dimensional map from its Jacobian.
/// </summary>
public sealed class MomentumCommand : ICliCommand
{
    public int Order => 42;

    public Command Build()
    {
        var system = new SystemOptions();
        var d = new MomentumSettings();
        var method = new Option<string>("--method") { Description = "heavyball | nag | both | gd", DefaultValueFactory = _ => "both" };
        var momentum = new Option<double>("--momentum") { Description = "heavy-ball gamma", DefaultValueFactory = _ => 0.9 };
        var mu = new Option<double?>("--mu") { Description = "NAG-SC strong-convexity mu (default: f0's)" };
        var particles = new Option<int>("--particles", "-n") { Description = "ensemble size", DefaultValueFactory = _ => d.Particles };
        var steps = new Option<int>("--steps", "-k") { Description = "ensemble steps", DefaultValueFactory = _ => d.Steps };
        var orbitSteps = new Option<long>("--orbit-steps") { Description = "steps of the single orbit", DefaultValueFactory = _ => d.OrbitSteps };
        var lyapSteps = new Option<long>("--lyapunov-steps") { Description = "steps of the Lyapunov estimate", DefaultValueFactory = _ => d.LyapunovSteps };
        var init = new Option<string>("--init") { Description = "initial ensemble", DefaultValueFactory = _ => d.Initial };
        var run = new RunOptions("out/momentum");
        var cmd = new Command("momentum", "heavy ball and NAG-SC (D.4): long-run law vs linearized theory, Lyapunov spectrum");
        system.AddTo(cmd);
        foreach (var o in new Option[] { method, momentum, mu, particles, steps, orbitSteps, lyapSteps, init }) cmd.Options.Add(o);
        run.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            var sys = system.Bind(r) with { MapOptions = new MapOptions { Momentum = r.GetValue(momentum), StrongConvexity = r.GetValue(mu) } };
            string which = r.GetValue(method)!.ToLowerInvariant();
            string[] names = which switch
            {
                "both" => ["heavyball", "nag"],
                "heavyball" or "nag" or "gd" => [which],
                _ => throw new UserInputException($"--method must be heavyball, nag, both or gd (got '{which}')"),
            };
            var settings = new MomentumSettings
            {
                Particles = AtLeast(r.GetValue(particles), 10, "--particles"),
                Steps = AtLeast(r.GetValue(steps), 1, "--steps"),
                OrbitSteps = r.GetValue(orbitSteps),
                LyapunovSteps = r.GetValue(lyapSteps),
                Initial = r.GetValue(init)!,
                Seed = run.SeedValue(r),
                Threads = run.ThreadsValue(r),
            };
            if (settings.OrbitSteps < 1000 || settings.LyapunovSteps < 1000) throw new UserInputException("--orbit-steps and --lyapunov-steps must be at least 1000");
            string dir = run.OutDir(r);
            var reports = names.Select(nm => ConsoleProgress.Run(stderr, nm,
                p => MomentumStudy.Run(sys with { Map = nm }, settings, p))).ToList();
            var analyses = reports.Select(x => x.Analysis!).ToList();
            var first = reports[0];
            var figures = new List<string>();
            foreach (var a in analyses)
            {
                string title = $"{first.Objective}, {Describe(a.Request.Map)}, eta = {F(first.Eta)}, eps = {F(first.Eps)}";
                figures.Add(LandscapePlots.MomentumHistogram(a, title, dir, $"{first.Objective}-{a.Request.Map.Name}-distribution"));
            }
            figures.Add(LandscapePlots.LyapunovRunning(analyses.Select(a => (a.Request.Map.Name, a.RunningLargest, a.PredictedLargest)).ToList(),
                $"largest Lyapunov exponent: {first.Objective}, eta = {F(first.Eta)}, eps = {F(first.Eps)}", dir, $"{first.Objective}-momentum-lyapunov"));
            if (run.AsJson(r))
            {
                WriteJson(stdout, new { objective = first.Objective, formula = first.Formula, eps = first.Eps, eta = first.Eta, methods = reports.Select(x => x.Method).ToArray(), figures });
                return 0;
            }
            stdout.WriteLine($"{first.Objective}: f = {first.Formula}   eps = {F(first.Eps)}   eta = {F(first.Eta)}");
            foreach (var (a, m) in analyses.Zip(reports.Select(x => x.Method)))
            {
                stdout.WriteLine($"{Describe(a.Request.Map)}:");
                stdout.WriteLine($"  ensemble ({m.Ensemble.Particles:N0} x {m.Ensemble.Steps:N0}): mean {F(m.Ensemble.Mean, "G4")}, variance {F(m.Ensemble.Variance, "G5")}"
                    + $"   linear theory {F(m.Theory.Variance, "G5")} (GD at effective eta {F(m.Theory.EffectiveLearningRate, "G4")})");
                stdout.WriteLine($"     vs N(x*, theory): TV {F(m.Ensemble.TvToTheory, "F4")}, KS {F(m.Ensemble.KsToTheory, "F4")}, W1 {F(m.Ensemble.W1ToTheory, "G3")}");
                stdout.WriteLine($"  orbit ({m.Orbit.Steps:N0} steps): variance {F(m.Orbit.Variance, "G5")}, TV {F(m.Orbit.TvToTheory, "F4")}");
                stdout.WriteLine($"  Lyapunov exponents {string.Join(", ", m.Lyapunov.Exponents.Select(v => F(v, "F4")))} (lambda1 s.e. {F(m.Lyapunov.LargestStandardError, "G2")}),"
                    + $" sum {F(m.Lyapunov.Sum, "F5")} = mean ln|det J| {F(m.Lyapunov.MeanLogDet, "F5")}; rank-one estimate of lambda1 {F(m.Lyapunov.PredictedLargest, "F4")}");
            }
            foreach (var f in figures) stdout.WriteLine($"figure: {f}");
            return 0;
        });
        return cmd;
    }

    private static string Describe(OptimizerMap m) => m switch
    {
        HeavyBallMap hb => $"heavy ball (gamma = {F(hb.Momentum)})",
        NesterovMap nag => $"NAG-SC (mu = {F(nag.StrongConvexity)}, c = {F(nag.Coefficient, "G4")})",
        _ => m.Name,
    };
}
