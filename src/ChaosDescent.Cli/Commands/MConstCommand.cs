using System.CommandLine;
using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Cli.Infrastructure;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent mconst</c>: the constant m of Condition 2, E[ln‖ε∇²f1,ε(U)‖₂] over the phase torus, with its
/// error estimate; it sets λ ≈ m + ln(η/ε) (Thm. 9) and the chaos threshold η > e^(−m) ε (Rmk. 9).
/// </summary>
public sealed class MConstCommand : ICliCommand
{
    public int Order => 30;

    public Command Build()
    {
        var objective = new ObjectiveOptions();
        var quick = new Option<bool>("--quick") { Description = "fewer quadrature points (errors ~1e-5 instead of ~1e-7 on the torus)" };
        var seed = Seed();
        var json = Json();
        var cmd = new Command("mconst", "the constant m of Cond. 2 (E ln||eps Hess f1||_2 over the fast phase) with an error estimate");
        objective.AddTo(cmd);
        foreach (var o in new Option[] { quick, seed, json }) cmd.Options.Add(o);
        cmd.SetAction(r =>
        {
            var obj = objective.Resolve(r);
            var options = (r.GetValue(quick) ? MConstantOptions.Quick : new MConstantOptions()) with { Seed = r.GetValue(seed) };
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var m = MConstant.Compute(obj, options);
            var report = new
            {
                objective = obj.Name,
                formula = obj.Formula,
                micro_scale = obj.Micro!.Kind.ToString().ToLowerInvariant(),
                m = m.M,
                error_estimate = m.ErrorEstimate,
                method = m.Method,
                description = m.Description,
                per_coordinate = m.PerCoordinate,
                chaos_threshold_factor = Math.Exp(-m.M),
                evaluations = m.Evaluations,
                seconds = sw.Elapsed.TotalSeconds,
            };
            if (r.GetValue(json))
            {
                WriteJson(r.InvocationConfiguration.Output, report);
                return 0;
            }
            var o = r.InvocationConfiguration.Output;
            o.WriteLine($"{obj.Name}: f1 = {obj.Micro.Formula} ({report.micro_scale})");
            o.WriteLine($"m = {F(m.M, "F10")}  +- {F(m.ErrorEstimate, "G2")}   [{m.Method}]");
            o.WriteLine($"   {m.Description}");
            if (m.PerCoordinate is { } pc) o.WriteLine($"per coordinate (separable): {string.Join(", ", pc.Select(v => F(v, "F6")))}");
            o.WriteLine($"Thm. 9: lambda ~ m + ln(eta/eps);  Rmk. 9: chaos needs eta > exp(-m) eps = {F(Math.Exp(-m.M), "F4")} eps");
            return 0;
        });
        return cmd;
    }
}
