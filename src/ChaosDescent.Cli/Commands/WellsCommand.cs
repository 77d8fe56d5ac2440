using System.CommandLine;
using System.Globalization;
using ChaosDescent.Analyses.Landscapes.Wells;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Objectives;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent wells</c>: Remark 12 — the set S = {x : f0′(x) ∈ [a, b]} for the range [a, b] of ζ, its
/// components with certified endpoints, whether it is connected, the wells of f0 and which of them the stochastic map
/// can never leave; optionally the parameter value where connectivity flips and, for a given η, the exact reachable
/// interval of the stochastic map from each minimum.
/// </summary>
public sealed class WellsCommand : ICliCommand
{
    public int Order => 40;

    public Command Build()
    {
        var objective = new ObjectiveOptions();
        var eta = Eta(required: false);
        eta.Description = "also certify, for this η, the reachable interval of the stochastic map from each well's minimum";
        var critical = new Option<string?>("--critical") { Description = "locate where S changes connectivity along a parameter: NAME=LO,HI (e.g. k=0.1,2)" };
        var json = Json();
        var cmd = new Command("wells", "Remark 12: components of S = {x : f0'(x) in range of zeta} and which wells of f0 trap the stochastic map");
        objective.AddTo(cmd);
        foreach (var o in new Option[] { eta, critical, json }) cmd.Options.Add(o);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var obj = objective.Resolve(r);
            var (a, b) = WellConnectivity.NoiseRange(obj);
            var conn = WellConnectivity.Analyze(obj.Macro, a, b);
            double? etaValue = r.GetValue(eta) is { } e && e != 0 ? Positive(e, "--eta") : null;
            object? criticalReport = null;
            if (r.GetValue(critical) is { } spec)
            {
                var (name, lo, hi) = ParseCritical(spec);
                var entry = ObjectiveCatalog.Find(obj.Name);
                if (!entry.Defaults.ContainsKey(name))
                    throw new UserInputException($"objective '{obj.Name}' has no parameter '{name}'");
                double value = WellConnectivity.CriticalParameter(p =>
                {
                    var ps = new Dictionary<string, double>(obj.Parameters) { [name] = p };
                    return ObjectiveCatalog.Create(obj.Name, obj.Epsilon, ps).Macro;
                }, a, b, lo, hi);
                double? closed = obj.Name == "doublewell-sin" && name == "k" && a == -1 && b == 1 ? 3 * Math.Sqrt(3) / 8 : null;
                criticalReport = new { parameter = name, value, closed_form = closed, closed_form_formula = closed is null ? null : "3*sqrt(3)/8" };
            }
            var wells = conn.Trapping.Select(t =>
            {
                var cert = etaValue is { } h ? conn.Certify(t.Well, h) : null;
                return new
                {
                    index = t.Well.Index,
                    interval = new[] { t.Well.Lo, t.Well.Hi },
                    minimum = t.Well.Minimum,
                    f0_min = t.Well.MinimumValue,
                    curvature = t.Well.Curvature,
                    barrier_left = t.Well.BarrierLeft,
                    barrier_right = t.Well.BarrierRight,
                    component = t.Component,
                    trapped = t.Trapped,
                    basin = new[] { t.BasinLo, t.BasinHi },
                    reachable = cert is null ? null : new { eta = cert.Eta, interval = new[] { cert.Lo, cert.Hi }, trapped = cert.Trapped, converged = cert.Converged, iterations = cert.Iterations },
                };
            }).ToArray();
            var report = new
            {
                objective = obj.Name,
                f0 = obj.Macro.Formula,
                parameters = obj.Parameters,
                noise_range = new[] { a, b },
                components = conn.Components.Select(c => new[] { c.Lo.Value, c.Hi.Value }).ToArray(),
                connected = conn.Connected,
                endpoints = conn.Components.Select(c => new
                {
                    lo = new { value = c.Lo.Value, bracket = new[] { c.Lo.BracketLo, c.Lo.BracketHi }, kind = c.Lo.Kind },
                    hi = new { value = c.Hi.Value, bracket = new[] { c.Hi.BracketLo, c.Hi.BracketHi }, kind = c.Hi.Kind },
                }).ToArray(),
                gaps = conn.Gaps.Select(g => new { interval = new[] { g.Lo, g.Hi }, drift = g.PushesLeft ? "left" : "right" }).ToArray(),
                wells,
                maxima = conn.Wells.Maxima,
                certified = conn.Certified,
                verified = conn.Verified,
                max_bracket_width = conn.MaxBracketWidth,
                critical = criticalReport,
            };
            if (r.GetValue(json))
            {
                WriteJson(stdout, report);
                return 0;
            }
            stdout.WriteLine($"{obj.Name}: f0 = {obj.Macro.Formula}   zeta in [{F(a)}, {F(b)}]");
            stdout.WriteLine($"S = {{x : f0'(x) in [{F(a)}, {F(b)}]}} has {conn.Components.Count} component(s): {(conn.Connected ? "connected" : "NOT connected")}"
                + $"  ({(conn.Certified ? "certified roots" : "grid roots")}, {(conn.Verified ? "verified" : "verification FAILED")}, brackets <= {conn.MaxBracketWidth:G2})");
            foreach (var (c, i) in conn.Components.Select((c, i) => (c, i)))
                stdout.WriteLine($"  component {i}: [{F(c.Lo.Value, "G10")}, {F(c.Hi.Value, "G10")}]");
            foreach (var g in conn.Gaps)
                stdout.WriteLine($"  gap ({F(g.Lo, "G6")}, {F(g.Hi, "G6")}): f0' {(g.PushesLeft ? "> b, every step moves left" : "< a, every step moves right")}");
            foreach (var w in wells)
            {
                stdout.WriteLine($"  well {w.index} ({F(w.interval[0])}, {F(w.interval[1])}): min at {F(w.minimum)}, f0 = {F(w.f0_min)}, "
                    + $"component {w.component} -> {(w.trapped ? "TRAPPED: the stochastic map never leaves it" : "can be left")}");
                if (w.reachable is { } rc)
                    stdout.WriteLine($"      eta = {F(rc.eta)}: reachable interval from the minimum [{F(rc.interval[0])}, {F(rc.interval[1])}] -> {(rc.trapped ? "trapped" : rc.converged ? "reaches the well's boundary" : "undecided (iteration limit)")}");
            }
            if (criticalReport is not null)
                stdout.WriteLine($"critical parameter: {OneLineJson(criticalReport)}");
            return 0;
        });
        return cmd;
    }

    private static string OneLineJson(object o) => ChaosDescent.Infrastructure.Json.Serialize(o).ReplaceLineEndings(" ");

    private static (string Name, double Lo, double Hi) ParseCritical(string spec)
    {
        var kv = spec.Split('=', 2);
        var range = kv.Length == 2 ? kv[1].Split(',') : [];
        if (kv.Length != 2 || range.Length != 2
            || !double.TryParse(range[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var lo)
            || !double.TryParse(range[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var hi))
            throw new UserInputException($"--critical '{spec}': expected NAME=LO,HI (e.g. k=0.1,2)");
        return (kv[0].Trim(), lo, hi);
    }
}
