using System.CommandLine;
using ChaosDescent.Analyses.Landscapes.Momentum;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Infrastructure;
using ChaosDescent.Maps;
using ChaosDescent.Reporting.Reproduction.Landscapes;
using ChaosDescent.Runners;
using ChaosDescent.Reporting.Plots;
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
        var objective = new ObjectiveOptions();
        var eta = Eta();
        var method = new Option<string>("--method") { Description = "heavyball | nag | both | gd", DefaultValueFactory = _ => "both" };
        var momentum = new Option<double>("--momentum") { Description = "heavy-ball gamma", DefaultValueFactory = _ => 0.9 };
        var mu = new Option<double?>("--mu") { Description = "NAG-SC strong-convexity mu (default: f0's)" };
        var particles = new Option<int>("--particles", "-n") { Description = "ensemble size", DefaultValueFactory = _ => 100_000 };
        var steps = new Option<int>("--steps", "-k") { Description = "ensemble steps", DefaultValueFactory = _ => 3000 };
        var orbitSteps = new Option<long>("--orbit-steps") { Description = "steps of the single orbit", DefaultValueFactory = _ => 1_000_000 };
        var lyapSteps = new Option<long>("--lyapunov-steps") { Description = "steps of the Lyapunov estimate", DefaultValueFactory = _ => 200_000 };
        var init = new Option<string>("--init") { Description = "initial ensemble", DefaultValueFactory = _ => "uniform:-1,1" };
        var seed = Seed();
        var threads = Threads();
        var json = Json();
        var outDir = Out("out/momentum");
        var cmd = new Command("momentum", "heavy ball and NAG-SC (D.4): long-run law vs linearized theory, Lyapunov spectrum");
        objective.AddTo(cmd);
        foreach (var o in new Option[] { eta, method, momentum, mu, particles, steps, orbitSteps, lyapSteps, init, seed, threads, json, outDir })
            cmd.Options.Add(o);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            var obj = objective.Resolve(r);
            double h = Positive(r.GetValue(eta), "--eta");
            string which = r.GetValue(method)!.ToLowerInvariant();
            string[] names = which switch
            {
                "both" => ["heavyball", "nag"],
                "heavyball" or "nag" or "gd" => [which],
                _ => throw new UserInputException($"--method must be heavyball, nag, both or gd (got '{which}')"),
            };
            var options = new MapOptions { Momentum = r.GetValue(momentum), StrongConvexity = r.GetValue(mu) };
            string dir = r.GetValue(outDir) ?? "out/momentum";
            AtomicFile.EnsureWritableDirectory(dir);
            var analyses = new List<MomentumAnalysis>();
            foreach (var nm in names)
            {
                var m = MapFactory.Create(nm, obj, h, options);
                var req = new MomentumRequest
                {
                    Map = m,
                    Particles = AtLeast(r.GetValue(particles), 10, "--particles"),
                    Steps = AtLeast(r.GetValue(steps), 1, "--steps"),
                    OrbitSteps = r.GetValue(orbitSteps),
                    LyapunovSteps = r.GetValue(lyapSteps),
                    Initial = InitialCondition.Parse(r.GetValue(init)!),
                    Seed = r.GetValue(seed),
                    Threads = r.GetValue(threads),
                };
                if (req.OrbitSteps < 1000 || req.LyapunovSteps < 1000) throw new UserInputException("--orbit-steps and --lyapunov-steps must be at least 1000");
                analyses.Add(ConsoleProgress.Run(stderr, m.Name, p => MomentumAnalysis.Run(req, p)));
            }
            var figures = new List<string>();
            foreach (var a in analyses)
            {
                string title = $"{obj.Name}, {Describe(a.Request.Map)}, eta = {F(h)}, eps = {F(obj.Epsilon)}";
                figures.Add(LandscapePlots.MomentumHistogram(a, title, dir, $"{obj.Name}-{a.Request.Map.Name}-distribution"));
            }
            figures.Add(LandscapePlots.LyapunovRunning(analyses.Select(a => (a.Request.Map.Name, a.RunningLargest, a.PredictedLargest)).ToList(),
                $"largest Lyapunov exponent: {obj.Name}, eta = {F(h)}, eps = {F(obj.Epsilon)}", dir, $"{obj.Name}-momentum-lyapunov"));
            var report = new
            {
                objective = obj.Name,
                formula = obj.Formula,
                eps = obj.Epsilon,
                eta = h,
                methods = analyses.Select(a => new
                {
                    method = a.Request.Map.Name,
                    momentum = a.Request.Map is HeavyBallMap hb ? hb.Momentum : (double?)null,
                    nag_coefficient = a.Request.Map is NesterovMap nag ? nag.Coefficient : (double?)null,
                    minimum = a.Minimum,
                    ensemble = new
                    {
                        particles = a.Request.Particles,
                        steps = a.Request.Steps,
                        mean = a.EnsembleMoments.Mean,
                        variance = a.EnsembleMoments.Variance,
                        excess_kurtosis = a.EnsembleMoments.ExcessKurtosis,
                        tv_to_theory = a.EnsembleVsTheory.TotalVariation,
                        ks_to_theory = a.EnsembleVsTheory.KolmogorovSmirnov,
                        w1_to_theory = a.EnsembleVsTheory.Wasserstein1,
                        diverged = a.Diverged,
                    },
                    orbit = new
                    {
                        steps = a.Request.OrbitSteps,
                        mean = a.Orbit.Moments[0].Mean,
                        variance = a.Orbit.Moments[0].Variance,
                        tv_to_theory = a.OrbitVsTheory.TotalVariation,
                        ks_to_theory = a.OrbitVsTheory.KolmogorovSmirnov,
                    },
                    theory = new
                    {
                        sigma2 = a.Theory.Sigma2,
                        curvature = a.Theory.Curvature,
                        variance = a.Theory.PositionVariance,
                        spectral_radius = a.Theory.SpectralRadius,
                        effective_learning_rate = a.Theory.EffectiveLearningRate,
                    },
                    lyapunov = new
                    {
                        exponents = a.Lyapunov.Spectrum,
                        largest_standard_error = a.Lyapunov.StdErr,
                        steps = a.Lyapunov.StepsPerOrbit,
                        sum = a.Lyapunov.Spectrum!.Sum(),
                        mean_log_det = a.MeanLogDet,
                        predicted_largest = a.PredictedLargest,
                    },
                    seconds = a.Seconds,
                }).ToArray(),
                figures,
            };
            if (r.GetValue(json))
            {
                WriteJson(stdout, report);
                return 0;
            }
            stdout.WriteLine($"{obj.Name}: f = {obj.Formula}   eps = {F(obj.Epsilon)}   eta = {F(h)}");
            foreach (var a in analyses)
            {
                stdout.WriteLine($"{Describe(a.Request.Map)}:");
                stdout.WriteLine($"  ensemble ({a.Request.Particles:N0} x {a.Request.Steps:N0}): mean {F(a.EnsembleMoments.Mean, "G4")}, variance {F(a.EnsembleMoments.Variance, "G5")}"
                    + $"   linear theory {F(a.Theory.PositionVariance, "G5")} (GD at effective eta {F(a.Theory.EffectiveLearningRate, "G4")})");
                stdout.WriteLine($"     vs N(x*, theory): TV {F(a.EnsembleVsTheory.TotalVariation, "F4")}, KS {F(a.EnsembleVsTheory.KolmogorovSmirnov, "F4")}, W1 {F(a.EnsembleVsTheory.Wasserstein1, "G3")}");
                stdout.WriteLine($"  orbit ({a.Request.OrbitSteps:N0} steps): variance {F(a.Orbit.Moments[0].Variance, "G5")}, TV {F(a.OrbitVsTheory.TotalVariation, "F4")}");
                stdout.WriteLine($"  Lyapunov exponents {string.Join(", ", a.Lyapunov.Spectrum!.Select(v => F(v, "F4")))} (lambda1 s.e. {F(a.Lyapunov.StdErr, "G2")}),"
                    + $" sum {F(a.Lyapunov.Spectrum!.Sum(), "F5")} = mean ln|det J| {F(a.MeanLogDet, "F5")}; rank-one estimate of lambda1 {F(a.PredictedLargest, "F4")}");
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
