using System.CommandLine;
using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Maps;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent liyorke</c>: a witness of Thm. 18 for the GD map of a 1-D objective (Thm. 8): a with
/// b = φ(a), c = φ²(a), d = φ³(a), d ≤ a &lt; b &lt; c or d ≥ a > b > c, with margins above the rounding-error bound.
/// </summary>
public sealed class LiYorkeCommand : ICliCommand
{
    public int Order => 33;

    public Command Build()
    {
        var objective = new ObjectiveOptions();
        var eta = Eta();
        var lo = new Option<double?>("--lo") { Description = "search interval start (default: around the minimizer of f0)" };
        var hi = new Option<double?>("--hi") { Description = "search interval end" };
        var points = new Option<int>("--points") { Description = "candidate points (raised to a spacing of eps/16)", DefaultValueFactory = _ => 200_000 };
        var json = Json();
        var cmd = new Command("liyorke", "search a Li-Yorke (period-3) witness of the GD map (Thm. 8, 18)");
        objective.AddTo(cmd);
        foreach (var o in new Option[] { eta, lo, hi, points, json }) cmd.Options.Add(o);
        cmd.SetAction(r =>
        {
            var obj = objective.Resolve(r);
            var m = MapFactory.Create("gd", obj, Positive(r.GetValue(eta), "--eta"));
            var w = LiYorke.Search(m, new LiYorkeSettings { Lo = r.GetValue(lo), Hi = r.GetValue(hi), Points = AtLeast(r.GetValue(points), 2, "--points") });
            var report = new
            {
                objective = obj.Name,
                formula = obj.Formula,
                eps = obj.Epsilon,
                eta = m.LearningRate,
                found = w.Found,
                a = w.Found ? w.A : (double?)null,
                b = w.Found ? w.B : (double?)null,
                c = w.Found ? w.C : (double?)null,
                d = w.Found ? w.D : (double?)null,
                pattern = w.Pattern,
                margin = w.Found ? w.Margin : (double?)null,
                error_bound = w.Found ? w.ErrorBound : (double?)null,
                lipschitz = w.Found ? w.Lipschitz : (double?)null,
                error_model = LiYorkeWitness.ErrorModel,
                searched = new { lo = w.Lo, hi = w.Hi, points = w.Points },
            };
            var o = r.InvocationConfiguration.Output;
            if (r.GetValue(json))
            {
                WriteJson(o, report);
                return 0;
            }
            o.WriteLine($"{obj.Name}: f = {obj.Formula}   eps = {F(obj.Epsilon)}   eta = {F(m.LearningRate)}");
            o.WriteLine($"searched a in [{F(w.Lo, "G8")}, {F(w.Hi, "G8")}] on {w.Points:N0} points");
            if (!w.Found)
            {
                o.WriteLine("no Li-Yorke witness found in this range (Thm. 18's ordering never held with a margin above the rounding bound)");
                return 0;
            }
            o.WriteLine($"witness ({w.Pattern}):");
            o.WriteLine($"  a = {F(w.A, "R")}");
            o.WriteLine($"  b = phi(a)   = {F(w.B, "R")}");
            o.WriteLine($"  c = phi^2(a) = {F(w.C, "R")}");
            o.WriteLine($"  d = phi^3(a) = {F(w.D, "R")}");
            o.WriteLine($"smallest gap minus its error bound: {F(w.Margin, "G3")} (rounding bound on d: {F(w.ErrorBound, "G3")}, Lipschitz bound {F(w.Lipschitz, "G3")})");
            o.WriteLine("Thm. 18 (Li-Yorke): the GD map has points of every period and an uncountable scrambled set: it is chaotic.");
            return 0;
        });
        return cmd;
    }
}
