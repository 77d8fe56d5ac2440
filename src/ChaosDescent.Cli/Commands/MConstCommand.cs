using System.CommandLine;
using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Cli.Infrastructure;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent mconst</c>: binds <see cref="MConstSettings"/> and renders <see cref="MConstantAnalysis"/> — the
/// constant m of Condition 2 with its error estimate, which sets λ ≈ m + ln(η/ε) (Thm. 9) and η > e^(−m) ε (Rmk. 9).
/// </summary>
public sealed class MConstCommand : ICliCommand
{
    public int Order => 30;

    public Command Build()
    {
        var system = new SystemOptions(eta: false);
        var quick = new Option<bool>("--quick") { Description = "fewer quadrature points (errors ~1e-5 instead of ~1e-7 on the torus)" };
        var run = new RunOptions(threads: false);
        var cmd = new Command("mconst", "the constant m of Cond. 2 (E ln||eps Hess f1||_2 over the fast phase) with an error estimate");
        system.AddTo(cmd);
        cmd.Options.Add(quick);
        run.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var settings = new MConstSettings { Quick = r.GetValue(quick), Seed = run.SeedValue(r) };
            var m = MConstantAnalysis.Run(system.Bind(r), settings);
            var o = r.InvocationConfiguration.Output;
            if (run.AsJson(r))
            {
                Render.Json(o, m);
                return 0;
            }
            o.WriteLine($"{m.Objective}: f1 = {m.MicroFormula} ({m.MicroScale})");
            o.WriteLine($"m = {F(m.M, "F10")}  +- {F(m.ErrorEstimate, "G2")}   [{m.Method}]");
            o.WriteLine($"   {m.Description}");
            if (m.PerCoordinate is { } pc) o.WriteLine($"per coordinate (separable): {string.Join(", ", pc.Select(v => F(v, "F6")))}");
            o.WriteLine($"Thm. 9: lambda ~ m + ln(eta/eps);  Rmk. 9: chaos needs eta > exp(-m) eps = {F(m.ChaosThresholdFactor, "F4")} eps");
            return 0;
        });
        return cmd;
    }
}
