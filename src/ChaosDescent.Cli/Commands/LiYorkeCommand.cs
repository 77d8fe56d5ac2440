using System.CommandLine;
using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Cli.Infrastructure;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent liyorke</c>: binds <see cref="LiYorkeSettings"/> and renders <see cref="LiYorkeAnalysis"/> — a
/// witness of Thm. 18 for the GD map of a 1-D objective (Thm. 8) with margins above the rounding-error bound.
/// </summary>
public sealed class LiYorkeCommand : ICliCommand
{
    public int Order => 33;

    public Command Build()
    {
        var system = new SystemOptions();
        var lo = new Option<double?>("--lo") { Description = "search interval start (default: around the minimizer of f0)" };
        var hi = new Option<double?>("--hi") { Description = "search interval end" };
        var points = new Option<int>("--points") { Description = "candidate points (raised to a spacing of eps/16)", DefaultValueFactory = _ => new LiYorkeSettings().Points };
        var run = new RunOptions(seed: false, threads: false);
        var cmd = new Command("liyorke", "search a Li-Yorke (period-3) witness of the GD map (Thm. 8, 18)");
        system.AddTo(cmd);
        foreach (var o in new Option[] { lo, hi, points }) cmd.Options.Add(o);
        run.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var settings = new LiYorkeSettings { Lo = r.GetValue(lo), Hi = r.GetValue(hi), Points = AtLeast(r.GetValue(points), 2, "--points") };
            var w = LiYorkeAnalysis.Run(system.Bind(r), settings);
            var o = r.InvocationConfiguration.Output;
            if (run.AsJson(r))
            {
                Render.Json(o, w);
                return 0;
            }
            o.WriteLine($"{w.Objective}: f = {w.Formula}   eps = {F(w.Eps)}   eta = {F(w.Eta)}");
            o.WriteLine($"searched a in [{F(w.Searched.Lo, "G8")}, {F(w.Searched.Hi, "G8")}] on {w.Searched.Points:N0} points");
            if (!w.Found)
            {
                o.WriteLine("no Li-Yorke witness found in this range (Thm. 18's ordering never held with a margin above the rounding bound)");
                return 0;
            }
            o.WriteLine($"witness ({w.Pattern}):");
            o.WriteLine($"  a = {F(w.A!.Value, "R")}");
            o.WriteLine($"  b = phi(a)   = {F(w.B!.Value, "R")}");
            o.WriteLine($"  c = phi^2(a) = {F(w.C!.Value, "R")}");
            o.WriteLine($"  d = phi^3(a) = {F(w.D!.Value, "R")}");
            o.WriteLine($"smallest gap minus its error bound: {F(w.Margin!.Value, "G3")} (rounding bound on d: {F(w.ErrorBound!.Value, "G3")}, Lipschitz bound {F(w.Lipschitz!.Value, "G3")})");
            o.WriteLine("Thm. 18 (Li-Yorke): the GD map has points of every period and an uncountable scrambled set: it is chaotic.");
            return 0;
        });
        return cmd;
    }
}
