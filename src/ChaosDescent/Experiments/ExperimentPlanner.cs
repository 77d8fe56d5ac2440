using System.Globalization;

namespace ChaosDescent.Experiments;

/// <summary>What a CLI command accepts: its option names (with aliases).</summary>
public sealed record CommandInfo(string Name, IReadOnlySet<string> Options);

/// <summary>One command line of an experiment: the analysis at one (η, ε) of the sweeps.</summary>
public sealed record PlannedRun
{
    public required string Analysis { get; init; }
    public required string Label { get; init; }
    public double? Eta { get; init; }
    public double? Eps { get; init; }
    public required IReadOnlyList<string> Arguments { get; init; }

    /// <summary>Folder of this run's outputs (passed as --out when the command takes it).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Whether the command was asked for --json (its stdout is then one JSON object).</summary>
    public required bool Json { get; init; }

    /// <summary>Experiment settings this command does not take (e.g. ensemble.particles for an orbit-only analysis).</summary>
    public required IReadOnlyList<string> NotUsed { get; init; }
}

/// <summary>
/// Turns an <see cref="Experiment"/> into command lines of the CLI, one per analysis and per (η, ε) of the sweeps.
/// Each analysis is the CLI command of the same name, so new commands work in experiment files without changes
/// here. Shared settings (objective, ε, η, map, ensemble/orbit, seed, threads, output folder, --json) are passed to
/// the commands that take them; an analysis's own options must be options of its command; a shared setting that no
/// analysis takes is an error (most likely a typo), reported with its line.
/// </summary>
public static class ExperimentPlanner
{
    public static IReadOnlyList<PlannedRun> Plan(Experiment experiment, Func<string, CommandInfo?> commands, IEnumerable<string> available)
    {
        var runs = new List<PlannedRun>();
        var shared = experiment.Map.Concat(experiment.ModeOptions).ToList();
        var usedShared = new HashSet<OptionSetting>();
        bool etaUsed = experiment.Eta is null;
        foreach (var analysis in experiment.Analyses)
        {
            var info = commands(analysis.Command) ?? throw analysis.Position.Error(
                $"unknown analysis '{analysis.Command}'; available: {string.Join(", ", available)}");
            bool takesObjective = info.Options.Contains("--objective");
            if (takesObjective && experiment.Objective is null)
                throw analysis.Position.Error($"'{analysis.Command}' needs an objective: give a catalog name (objective: quartic-sin) or formulas (objective: {{f0: \"x^4/4\", f1: \"sin(u)\"}})");
            foreach (var o in analysis.Options)
            {
                if (!info.Options.Contains(o.Option))
                    throw o.Position.Error($"'{o.Option}' is not an option of '{analysis.Command}'; its options: {string.Join(", ", info.Options.Where(n => n.StartsWith("--", StringComparison.Ordinal)).Order())}");
            }
            var own = analysis.Options.Select(o => o.Option).ToHashSet();
            var etas = info.Options.Contains("--eta") && experiment.Eta is not null && !own.Contains("--eta")
                ? experiment.Eta.Values.Select(v => (double?)v).ToArray() : [null];
            if (etas[0] is not null) etaUsed = true;
            var epss = experiment.Eps is not null && !own.Contains("--eps")
                ? experiment.Eps.Values.Select(v => (double?)v).ToArray() : [null];
            foreach (var eps in epss)
            {
                foreach (var eta in etas)
                {
                    var args = new List<string> { analysis.Command };
                    if (takesObjective) args.AddRange(ObjectiveArguments(experiment.Objective!));
                    if (eps is { } e) args.AddRange(["--eps", F(e)]);
                    if (eta is { } h) args.AddRange(["--eta", F(h)]);
                    var notUsed = new List<string>();
                    foreach (var s in shared)
                    {
                        if (own.Contains(s.Option)) continue; // the analysis's own value wins
                        if (info.Options.Contains(s.Option))
                        {
                            args.AddRange(s.Arguments());
                            usedShared.Add(s);
                        }
                        else
                        {
                            notUsed.Add(s.Position.Key);
                        }
                    }
                    foreach (var o in analysis.Options) args.AddRange(o.Arguments());
                    if (experiment.Seed is { } seed && info.Options.Contains("--seed") && !own.Contains("--seed"))
                        args.AddRange(["--seed", seed.ToString(CultureInfo.InvariantCulture)]);
                    if (experiment.Threads is { } t && info.Options.Contains("--threads") && !own.Contains("--threads"))
                        args.AddRange(["--threads", t.ToString(CultureInfo.InvariantCulture)]);
                    // The same command twice (e.g. two maps): tell the runs apart by the analysis's own options.
                    string name = analysis.Command;
                    if (experiment.Analyses.Count(a => a.Command == analysis.Command) > 1)
                        foreach (var o in analysis.Options) name += $"_{o.Option.TrimStart('-')}={Safe(string.Join(",", o.Values))}";
                    string label = Label(name, eta, eps, etas.Length > 1 || experiment.Eta is { Values.Count: > 1 }, epss.Length > 1);
                    label = Unique(label, runs);
                    string dir = Path.Combine(experiment.OutputDirectory, label);
                    if (info.Options.Contains("--out") && !own.Contains("--out")) args.AddRange(["--out", dir]);
                    bool json = info.Options.Contains("--json");
                    if (json && !own.Contains("--json")) args.Add("--json");
                    runs.Add(new PlannedRun
                    {
                        Analysis = analysis.Command,
                        Label = label,
                        Eta = eta,
                        Eps = eps,
                        Arguments = args,
                        OutputDirectory = dir,
                        Json = json,
                        NotUsed = notUsed,
                    });
                }
            }
        }
        if (!etaUsed) throw experiment.Eta!.Position.Error("no analysis takes --eta (each sets its own learning rates)");
        foreach (var s in shared)
        {
            if (s.Option == "--orbit") continue; // the mode flag: commands without it are orbit- or ensemble-only anyway
            if (!usedShared.Contains(s) && !experiment.Analyses.Any(a => a.Options.Any(o => o.Option == s.Option)))
                throw s.Position.Error($"'{s.Option}' is not an option of any analysis in this experiment ({string.Join(", ", experiment.Analyses.Select(a => a.Command).Distinct())})");
        }
        return runs;
    }

    /// <summary>The objective as command-line options (catalog name and parameters, or formulas).</summary>
    public static IEnumerable<string> ObjectiveArguments(ObjectiveSection objective)
    {
        if (objective.CatalogName is { } name)
        {
            yield return "--objective";
            yield return name;
            foreach (var (k, v) in objective.Parameters)
            {
                yield return "--param";
                yield return $"{k}={F(v)}";
            }
            yield break;
        }
        var f = objective.Formulas!;
        if (f.F is not null) { yield return "--f"; yield return f.F; }
        if (f.F0 is not null) { yield return "--f0"; yield return f.F0; }
        if (f.F1 is not null) { yield return "--f1"; yield return f.F1; }
        if (f.Omega is not null) { yield return "--omega"; yield return string.Join(",", f.Omega.Select(F)); }
        if (f.Period is { } p) { yield return "--period"; yield return F(p); }
        if (f.Range is { } r) { yield return "--range"; yield return $"{F(r.Lo)},{F(r.Hi)}"; }
    }

    private static string Label(string analysis, double? eta, double? eps, bool etaSwept, bool epsSwept)
    {
        var s = analysis;
        if (eta is { } h && etaSwept) s += $"_eta={F(h)}";
        if (eps is { } e && epsSwept) s += $"_eps={F(e)}";
        return s;
    }

    private static string Safe(string s)
    {
        var chars = s.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '+' or ',' ? c : '_').ToArray();
        var t = new string(chars);
        return t.Length > 40 ? t[..40] : t;
    }

    private static string Unique(string label, List<PlannedRun> runs)
    {
        if (runs.All(r => r.Label != label)) return label;
        for (int i = 2; ; i++)
            if (runs.All(r => r.Label != $"{label}_{i}")) return $"{label}_{i}";
    }

    public static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
