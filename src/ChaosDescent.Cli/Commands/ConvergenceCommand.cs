using System.CommandLine;
using ChaosDescent.Analyses.Landscapes.Convergence;
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
/// <c>chaosdescent convergence</c> (Thm. 13): W2 between the stochastic map's ensemble at step k and its long-run law,
/// against max(|1 − ημ|, |1 − ην|)^k; fits the rate.
/// </summary>
public sealed class ConvergenceCommand : ICliCommand
{
    public int Order => 43;

    public Command Build()
    {
        var objective = new ObjectiveOptions();
        var eta = Eta();
        var map = new Option<string>("--map") { Description = "stochastic (Thm. 13) | gd | gaussian", DefaultValueFactory = _ => "stochastic" };
        var particles = new Option<int>("--particles", "-n") { Description = "ensemble size N", DefaultValueFactory = _ => 100_000 };
        var steps = new Option<int?>("--steps", "-k") { Description = "steps K (default: three decades of the predicted rate)" };
        var snapshots = new Option<int>("--snapshots") { Description = "number of measured steps in [0, K]", DefaultValueFactory = _ => 40 };
        var refParticles = new Option<int>("--reference-particles") { Description = "sample size of the long-run law", DefaultValueFactory = _ => 200_000 };
        var refSteps = new Option<int?>("--reference-steps") { Description = "length of the long run (default: predicted contraction 1e-7)" };
        var init = new Option<string?>("--init") { Description = "initial ensemble (default point:x*+2; deterministic maps uniform +-0.01 around it)" };
        var seed = Seed();
        var threads = Threads();
        var json = Json();
        var outDir = Out("out/convergence");
        var cmd = new Command("convergence", "Thm. 13: W2 convergence of the stochastic map to its long-run law vs max(|1-eta mu|, |1-eta nu|)^k");
        objective.AddTo(cmd);
        foreach (var o in new Option[] { eta, map, particles, steps, snapshots, refParticles, refSteps, init, seed, threads, json, outDir })
            cmd.Options.Add(o);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            var obj = objective.Resolve(r);
            double h = Positive(r.GetValue(eta), "--eta");
            var m = MapFactory.Create(r.GetValue(map)!, obj, h);
            if (m.StateBlocks != 1) throw new UserInputException("--map must be stochastic, gd or gaussian");
            var req = new ConvergenceRequest
            {
                Map = m,
                Particles = r.GetValue(particles),
                Steps = r.GetValue(steps),
                Snapshots = r.GetValue(snapshots),
                ReferenceParticles = r.GetValue(refParticles),
                ReferenceSteps = r.GetValue(refSteps),
                Initial = r.GetValue(init) is { } s ? InitialCondition.Parse(s) : null,
                Seed = r.GetValue(seed),
                Threads = r.GetValue(threads),
            };
            string dir = r.GetValue(outDir) ?? "out/convergence";
            AtomicFile.EnsureWritableDirectory(dir);
            var c = ConsoleProgress.Run(stderr, "convergence", p => ConvergenceRate.Run(req, p));
            string name = $"{obj.Name}-{m.Name}-convergence";
            var fig = LandscapePlots.Convergence([(m.Name, c)], $"Thm. 13: {obj.Name}, {m.Name}, eta = {F(h)}, eps = {F(obj.Epsilon)}", dir, name);
            string csv = CsvFile.WriteNumericRows(Path.Combine(dir, name + ".csv"), ["step", "w2"], c.Steps.Select((k, i) => new double[] { k, c.W2[i] }));
            var report = new
            {
                objective = obj.Name,
                formula = obj.Formula,
                eps = obj.Epsilon,
                eta = h,
                map = m.Name,
                particles = req.Particles,
                reference_particles = req.ReferenceParticles,
                reference_steps = c.ReferenceSteps,
                mu = c.Mu,
                nu = c.Nu,
                predicted_rate = c.PredictedRate,
                fitted_rate = c.FittedRate,
                fitted_rate_error = c.FittedRateError,
                fitted_constant = c.FittedConstant,
                fit_points = c.FitPoints,
                floor = c.Floor,
                steps = c.Steps,
                w2 = c.W2,
                seconds = c.Seconds,
                figures = new[] { fig },
                csv,
            };
            if (r.GetValue(json))
            {
                WriteJson(stdout, report);
                return 0;
            }
            stdout.WriteLine($"{obj.Name}: f0 = {obj.Macro.Formula}, mu = {F(c.Mu ?? double.NaN)}, nu = {F(c.Nu ?? double.NaN)}, eta = {F(h)}, map = {m.Name}");
            stdout.WriteLine($"predicted rate max(|1-eta mu|, |1-eta nu|) = {F(c.PredictedRate ?? double.NaN, "G6")}   fitted {F(c.FittedRate, "G6")} +- {F(c.FittedRateError, "G2")} over {c.FitPoints} steps");
            stdout.WriteLine($"W2: step 0 {F(c.W2[0], "G4")} -> step {c.Steps[^1]} {F(c.W2[^1], "G4")}; sampling floor {F(c.Floor, "G3")}");
            stdout.WriteLine($"figure: {fig}");
            stdout.WriteLine($"csv: {csv}");
            return 0;
        });
        return cmd;
    }
}
