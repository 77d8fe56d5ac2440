using System.CommandLine;
using System.Globalization;
using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Infrastructure;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Reporting.Reproduction.Chaos;
using ChaosDescent.Runners;
using ChaosDescent.Reporting.Plots;
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
        var objective = new ObjectiveOptions();
        var d = new RegimeSettings();
        var etaMin = new Option<double>("--eta-min") { Description = "smallest eta", DefaultValueFactory = _ => d.EtaMin };
        var etaMax = new Option<double>("--eta-max") { Description = "largest eta", DefaultValueFactory = _ => d.EtaMax };
        var epsMin = new Option<double>("--eps-min") { Description = "smallest eps", DefaultValueFactory = _ => d.EpsMin };
        var epsMax = new Option<double>("--eps-max") { Description = "largest eps", DefaultValueFactory = _ => d.EpsMax };
        var grid = new Option<string>("--grid") { Description = "G (G x G cells) or HxW (eta points x eps points)", DefaultValueFactory = _ => "40" };
        var map = new Option<string>("--map") { Description = "gd | heavyball | nag", DefaultValueFactory = _ => "gd" };
        var start = new Option<string?>("--start") { Description = "fixed start X[,Y] (default: near the minimizer of f0)" };
        var maxSteps = new Option<int>("--max-steps") { Description = "steps per cell (raised to 40 eps/eta for slow cells, at most 400000)", DefaultValueFactory = _ => d.Attractor.MaxSteps };
        var momentum = new Option<double>("--momentum") { Description = "heavy-ball gamma", DefaultValueFactory = _ => 0.9 };
        var mu = new Option<double?>("--mu") { Description = "NAG-SC mu (default: f0's)" };
        var threads = Threads();
        var json = Json();
        var outDir = Out("out/regime");
        var boundary = new Option<bool>("--boundary-dimension") { Description = "also the box-counting dimension of the bounded/diverging and converging/chaotic boundaries (Liu 2024), per eps band" };
        var cmd = new Command("regime", "regime map over (eta, eps): converges / periodic / local chaos / global chaos / diverges (Fig. 2)");
        objective.AddTo(cmd);
        foreach (var o in new Option[] { etaMin, etaMax, epsMin, epsMax, grid, map, start, maxSteps, momentum, mu, threads, json, outDir, boundary })
            cmd.Options.Add(o);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            if (r.GetValue(objective.Eps) is not null) throw new UserInputException("regime scans eps: use --eps-min and --eps-max instead of --eps");
            var obj = objective.Resolve(r);
            var (hPoints, wPoints) = ParseGrid(r.GetValue(grid)!);
            int ms = r.GetValue(maxSteps);
            if (ms < 4096) throw new UserInputException($"--max-steps must be at least 4096 (got {ms})");
            var settings = new RegimeSettings
            {
                EtaMin = r.GetValue(etaMin),
                EtaMax = r.GetValue(etaMax),
                EpsMin = r.GetValue(epsMin),
                EpsMax = r.GetValue(epsMax),
                EtaPoints = hPoints,
                EpsPoints = wPoints,
                Threads = r.GetValue(threads),
                Start = r.GetValue(start) is { } s ? ((FixedPoint)InitialCondition.Parse("point:" + s)).X : null,
                Attractor = d.Attractor with { MaxSteps = ms },
            };
            var m = MapFactory.Create(r.GetValue(map)!, obj, Positive(settings.EtaMin, "--eta-min"),
                new MapOptions { Momentum = r.GetValue(momentum), StrongConvexity = r.GetValue(mu) });
            string dir = r.GetValue(outDir) ?? "out/regime";
            AtomicFile.EnsureWritableDirectory(dir);
            var res = ConsoleProgress.Run(stderr, "regime map", p => RegimeMap.Run(m, settings, p));
            string name = $"{obj.Name}-{m.Name}-regimes";
            var figure = ChaosPlots.RegimeDiagram(res, $"Regimes of {m.Name} on {obj.Name}").Save(dir, name);
            var csv = ChaosPlots.WriteRegimeCsv(res, Path.Combine(dir, name + ".csv"));
            var counts = res.Counts.ToDictionary(kv => RegimeMap.Key(kv.Key), kv => kv.Value);
            var dims = r.GetValue(boundary) ? BoundaryDimension.FromMap(res, new BoundaryDimensionSettings()) : null;
            var report = new
            {
                objective = obj.Name,
                formula = obj.Formula,
                map = m.Name,
                start = res.Start,
                grid = new { eta_points = hPoints, eps_points = wPoints },
                eta_values = res.EtaValues,
                eps_values = res.EpsValues,
                m = res.M,
                threshold = res.M is { } mm ? $"eta = exp(-m) eps = {Math.Exp(-mm).ToString("G6", CultureInfo.InvariantCulture)} eps" : null,
                threshold_factor = res.M is { } m2 ? Math.Exp(-m2) : (double?)null,
                stability_eta = res.StabilityEta,
                counts,
                cells = res.Cells.Select(c => new { eta = c.Eta, eps = c.Eps, regime = c.Regime, period = c.Period, lambda = c.Lambda }).ToArray(),
                seconds = res.Seconds,
                steps_total = res.StepsTotal,
                cell_steps_per_second = res.CellStepsPerSecond,
                lanes = res.Lanes,
                boundary_dimension = dims,
                figure,
                csv,
            };
            if (r.GetValue(json))
            {
                WriteJson(stdout, report);
                return 0;
            }
            stdout.WriteLine($"{obj.Name}: f = {obj.Formula}   map = {m.Name}   start = {string.Join(",", res.Start.Select(v => F(v)))}   {hPoints}x{wPoints} cells, {res.Seconds:F1} s");
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
            stdout.WriteLine($"counts: {string.Join(", ", counts.Select(kv => $"{kv.Key} {kv.Value}"))}");
            if (res.M is { } m3) stdout.WriteLine($"chaos threshold (Rmk. 9): eta = exp(-m) eps = {F(Math.Exp(-m3), "F4")} eps   (m = {F(m3, "F6")})");
            stdout.WriteLine($"stability bound of {m.Name} on f0: eta = {F(res.StabilityEta, "G4")}");
            if (dims is not null)
                foreach (var (label, fit) in new[] { ("bounded/diverging", dims.BoundedVsDiverging), ("converging/chaotic", dims.ConvergingVsChaotic), ("regular/chaotic", dims.RegularVsChaotic) })
                    stdout.WriteLine($"boundary dimension {label}: {F(fit.Dimension, "F3")} (95% fit interval {F(fit.Lo, "F3")} .. {F(fit.Hi, "F3")}, boxes {string.Join(",", fit.BoxSizes)} cells)");
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
