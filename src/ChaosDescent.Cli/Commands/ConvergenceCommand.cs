using System.CommandLine;
using ChaosDescent.Analyses.Landscapes.Convergence;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Reporting.Reproduction.Landscapes;
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
        var system = new SystemOptions(maps: "stochastic (Thm. 13) | gd | gaussian", defaultMap: "stochastic");
        var d = new ConvergenceSettings();
        var particles = new Option<int>("--particles", "-n") { Description = "ensemble size N", DefaultValueFactory = _ => d.Particles };
        var steps = new Option<int?>("--steps", "-k") { Description = "steps K (default: three decades of the predicted rate)" };
        var snapshots = new Option<int>("--snapshots") { Description = "number of measured steps in [0, K]", DefaultValueFactory = _ => d.Snapshots };
        var refParticles = new Option<int>("--reference-particles") { Description = "sample size of the long-run law", DefaultValueFactory = _ => d.ReferenceParticles };
        var refSteps = new Option<int?>("--reference-steps") { Description = "length of the long run (default: predicted contraction 1e-7)" };
        var init = new Option<string?>("--init") { Description = "initial ensemble (default point:x*+2; deterministic maps uniform +-0.01 around it)" };
        var run = new RunOptions("out/convergence");
        var cmd = new Command("convergence", "Thm. 13: W2 convergence of the stochastic map to its long-run law vs max(|1-eta mu|, |1-eta nu|)^k");
        system.AddTo(cmd);
        foreach (var o in new Option[] { particles, steps, snapshots, refParticles, refSteps, init }) cmd.Options.Add(o);
        run.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            var sys = system.Bind(r);
            var settings = new ConvergenceSettings
            {
                Particles = r.GetValue(particles),
                Steps = r.GetValue(steps),
                Snapshots = r.GetValue(snapshots),
                ReferenceParticles = r.GetValue(refParticles),
                ReferenceSteps = r.GetValue(refSteps),
                Initial = r.GetValue(init),
                Seed = run.SeedValue(r),
                Threads = run.ThreadsValue(r),
            };
            string dir = run.OutDir(r);
            var rep = ConsoleProgress.Run(stderr, "convergence", p => ConvergenceAnalysis.Run(sys, settings, p));
            var c = rep.Result!;
            string name = $"{rep.Objective}-{rep.Map}-convergence";
            var fig = LandscapePlots.Convergence([(rep.Map, c)], $"Thm. 13: {rep.Objective}, {rep.Map}, eta = {F(rep.Eta)}, eps = {F(rep.Eps)}", dir, name);
            string csv = LandscapePlots.WriteCsv(Path.Combine(dir, name + ".csv"), "step,w2", c.Steps.Select((k, i) => new double[] { k, c.W2[i] }));
            if (run.AsJson(r))
            {
                Render.Json(stdout, rep, ("figures", new[] { fig }), ("csv", csv));
                return 0;
            }
            stdout.WriteLine($"{rep.Objective}: f0 = {rep.F0}, mu = {F(c.Mu ?? double.NaN)}, nu = {F(c.Nu ?? double.NaN)}, eta = {F(rep.Eta)}, map = {rep.Map}");
            stdout.WriteLine($"predicted rate max(|1-eta mu|, |1-eta nu|) = {F(c.PredictedRate ?? double.NaN, "G6")}   fitted {F(c.FittedRate, "G6")} +- {F(c.FittedRateError, "G2")} over {c.FitPoints} steps");
            stdout.WriteLine($"W2: step 0 {F(c.W2[0], "G4")} -> step {c.Steps[^1]} {F(c.W2[^1], "G4")}; sampling floor {F(c.Floor, "G3")}");
            stdout.WriteLine($"figure: {fig}");
            stdout.WriteLine($"csv: {csv}");
            return 0;
        });
        return cmd;
    }
}
