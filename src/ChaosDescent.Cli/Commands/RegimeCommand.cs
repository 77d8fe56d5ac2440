using System.CommandLine;
using System.Globalization;
using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Reporting.Reproduction.Chaos;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent regime</c>: Fig. 2 made quantitative — each (η, ε) of a log grid classified as converges /
/// periodic / local chaos / global chaos / diverges, with the threshold η = e^(−m) ε and f0's stability bound.
/// </summary>
public sealed class RegimeCommand : ICliCommand
{
    public int Order => 34;

    public Command Build()
    {
        var system = new SystemOptions(eta: false, maps: "gd | heavyball | nag");
        var d = new RegimeAnalysisSettings();
        var etaMin = new Option<double>("--eta-min") { Description = "smallest eta", DefaultValueFactory = _ => d.EtaMin };
        var etaMax = new Option<double>("--eta-max") { Description = "largest eta", DefaultValueFactory = _ => d.EtaMax };
        var epsMin = new Option<double>("--eps-min") { Description = "smallest eps", DefaultValueFactory = _ => d.EpsMin };
        var epsMax = new Option<double>("--eps-max") { Description = "largest eps", DefaultValueFactory = _ => d.EpsMax };
        var grid = new Option<string>("--grid") { Description = "G (G x G cells) or HxW (eta points x eps points)", DefaultValueFactory = _ => "40" };
        var start = new Option<string?>("--start") { Description = "fixed start X[,Y] (default: near the minimizer of f0)" };
        var maxSteps = new Option<int>("--max-steps") { Description = "steps per cell (raised to 40 eps/eta for slow cells, at most 400000)", DefaultValueFactory = _ => d.MaxSteps };
        var run = new RunOptions("out/regime", seed: false);
        var cmd = new Command("regime", "regime map over (eta, eps): converges / periodic / local chaos / global chaos / diverges (Fig. 2)");
        system.AddTo(cmd);
        foreach (var o in new Option[] { etaMin, etaMax, epsMin, epsMax, grid, start, maxSteps }) cmd.Options.Add(o);
        run.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            if (r.GetValue(system.Objective.Eps) is not null) throw new UserInputException("regime scans eps: use --eps-min and --eps-max instead of --eps");
            var sys = system.Bind(r);
            var (hPoints, wPoints) = ParseGrid(r.GetValue(grid)!);
            var settings = new RegimeAnalysisSettings
            {
                EtaMin = Positive(r.GetValue(etaMin), "--eta-min"),
                EtaMax = r.GetValue(etaMax),
                EpsMin = r.GetValue(epsMin),
                EpsMax = r.GetValue(epsMax),
                EtaPoints = hPoints,
                EpsPoints = wPoints,
                Threads = run.ThreadsValue(r),
                Start = Render.Point(r.GetValue(start)),
                MaxSteps = r.GetValue(maxSteps) is var ms && ms < 4096 ? throw new UserInputException($"--max-steps must be at least 4096 (got {ms})") : ms,
            };
            string dir = run.OutDir(r);
            var rep = ConsoleProgress.Run(stderr, "regime map", p => RegimeAnalysis.Run(sys, settings, p));
            var res = rep.Result!;
            string name = $"{rep.Objective}-{rep.Map}-regimes";
            var figure = ChaosPlots.RegimeDiagram(res, $"Regimes of {rep.Map} on {rep.Objective}").Save(dir, name);
            var csv = ChaosPlots.WriteRegimeCsv(res, Path.Combine(dir, name + ".csv"));
            if (run.AsJson(r))
            {
                Render.Json(stdout, rep, ("figure", figure), ("csv", csv));
                return 0;
            }
            stdout.WriteLine($"{rep.Objective}: f = {rep.Formula}   map = {rep.Map}   start = {string.Join(",", res.Start.Select(v => F(v)))}   {hPoints}x{wPoints} cells, {res.Seconds:F1} s");
            stdout.WriteLine("rows: eta (top = largest); columns: eps (left = smallest).  . converges  p periodic  l local chaos  G global chaos  X diverges");
            for (int i = res.EtaValues.Length - 1; i >= 0; i--)
            {
                var line = string.Concat(Enumerable.Range(0, res.EpsValues.Length).Select(j => res.Cells[i * res.EpsValues.Length + j].Regime switch
                {
                    Regime.Converges => '.',
                    Regime.Periodic => 'p',
                    Regime.LocalChaos => 'l',
                    Regime.GlobalChaos => 'G',
                    _ => 'X',
                }));
                stdout.WriteLine($"{F(res.EtaValues[i], "G3"),10} {line}");
            }
            stdout.WriteLine($"counts: {string.Join(", ", rep.Counts.Select(kv => $"{kv.Key} {kv.Value}"))}");
            if (rep.M is { } m3) stdout.WriteLine($"chaos threshold (Rmk. 9): eta = exp(-m) eps = {F(rep.ThresholdFactor!.Value, "F4")} eps   (m = {F(m3, "F6")})");
            stdout.WriteLine($"stability bound of {rep.Map} on f0: eta = {F(rep.StabilityEta, "G4")}");
            stdout.WriteLine($"figure: {figure}");
            stdout.WriteLine($"csv: {csv}");
            return 0;
        });
        return cmd;
    }

    /// <summary>"G" or "HxW" (case-insensitive x); the size check against memory happens in <see cref="RegimeMap"/>.</summary>
    internal static (int EtaPoints, int EpsPoints) ParseGrid(string text)
    {
        var parts = text.ToLowerInvariant().Split('x', StringSplitOptions.TrimEntries);
        if (parts.Length is < 1 or > 2 || parts.Any(p => !long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            throw new UserInputException($"--grid '{text}': expected G or HxW with positive integers");
        var v = parts.Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        long h = v[0], w = v.Length == 2 ? v[1] : v[0];
        if (h < 2 || w < 2) throw new UserInputException($"--grid '{text}': at least 2 points per axis");
        if (h > int.MaxValue || w > int.MaxValue || h * w > int.MaxValue / 2)
            throw new UserInputException($"a {h}x{w} grid needs about {RegimeMap.FormatBytes(RegimeMap.RequiredBytes(h, w))} for its results ({RegimeMap.BytesPerCell} bytes per cell): reduce --grid");
        return ((int)h, (int)w);
    }
}
