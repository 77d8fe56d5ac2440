using System.Globalization;
using ChaosDescent.Analyses.Training;
using ChaosDescent.Data;
using ChaosDescent.Learning;
using ChaosDescent.Numerics;
using ChaosDescent.Reporting.Plots;

namespace ChaosDescent.Reporting.Reproduction.Learning;

/// <summary>
/// Sec. 3.3 across initializations. Whether one run of full-batch GD on the Airfoil network converges, sits at the edge of stability
/// at the edge of stability, turns chaotic or diverges depends on the initialization as well as on η, so the claims
/// of Figs. 6–7 are claims about rates: for each η and each preprocessing, many independent initializations
/// (W ~ N(0, 1/fan-in), b = 0) are trained and classified —
/// converging, edge of stability, chaotic (λ − 2 SE &gt; 0 for the maximal Lyapunov exponent of the training map) or
/// diverged by the library's <see cref="TrainingRegimeClassifier"/> (the same rules as <c>chaosdescent lr-find</c>) —
/// and every fraction is reported with its Wilson interval (Wilson 1927).
/// </summary>
public sealed class InitializationRatesReproduction() : Reproduction("sec3.3-initializations", "Across initializations: how often GD on the Airfoil network converges, sits at the edge of stability, turns chaotic or diverges", "Sec. 3.3 (Figs. 6–7), as rates over initializations", order: 520)
{
    public static readonly double[] StandardizedRates = [0.0005, 0.005, 0.02, 0.05, 0.1, 0.2, 0.5];
    public static readonly double[] QuickStandardizedRates = [0.0005, 0.02, 0.2, 0.5];
    public static readonly double[] DbRates = [0.0005, 0.002, 0.005, 0.02, 0.05];
    public static readonly double[] QuickDbRates = [0.0005, 0.02];

    /// <summary>Initializations per (preprocessing, η): at least 32 in the full report.</summary>
    public static int Initializations(bool quick) => quick ? 4 : 32;

    /// <summary>
    /// Epochs per run. The verdict depends on the budget (progressive sharpening raises λ_max during training, so
    /// longer runs reach 2/η at smaller η); 2000 epochs is the budget of the quick Figs. 6–7 runs.
    /// </summary>
    public static int Epochs(bool quick) => quick ? 1000 : 2000;

    private static readonly LearningRateRegime[] Regimes = TrainingRegimeClassifier.All;

    /// <summary>Wilson intervals shown in the figure and the tables: 95% (z = 1.96).</summary>
    private const double ShownZ = 1.96;

    public override ReproductionResult Run(ReproductionContext context)
    {
        var res = new ReproductionResult();
        bool quick = context.Quick;
        int inits = Initializations(quick), epochs = Epochs(quick);
        var cases = new List<(Preprocessing Pre, double[] Rates)>
        {
            (Preprocessing.Standardize, quick ? QuickStandardizedRates : StandardizedRates),
            (Preprocessing.CenterTarget, quick ? QuickDbRates : DbRates),
        };
        var model = new Mlp([5, 16, 1], Activation.LeakyRelu(0.01));
        var raw = AirfoilData.Load();
        var jobs = new List<(int Case, double Lr, int Init)>();
        for (int c = 0; c < cases.Count; c++)
            foreach (var lr in cases[c].Rates)
                for (int i = 0; i < inits; i++) jobs.Add((c, lr, i));
        var data = cases.Select(c => DataPreparation.Prepare(raw, c.Pre, 0, context.Seed).Train).ToArray();
        var initSeeds = Enumerable.Range(0, inits).Select(i => InitializationSeed(context.Seed, i)).ToArray();

        // One job per (preprocessing, η, initialization), results by job index: independent of the thread count.
        var results = new TrainingResult[jobs.Count];
        int done = 0;
        Parallel.For(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = AirfoilSetup.Threads(context) }, j =>
        {
            var (c, lr, i) = jobs[j];
            var settings = new TrainingSettings
            {
                LearningRate = lr,
                Epochs = epochs,
                LateFraction = 0.25,
                SharpnessPoints = 0,
                Seed = initSeeds[i],
            };
            results[j] = Trainer.Run(new MlpLoss(model, data[c]), model.CreateParameters(initSeeds[i]), settings);
            context.Progress?.Report(Interlocked.Increment(ref done) / (double)jobs.Count);
        });

        // ---- tables ----
        var rows = new List<IReadOnlyList<object?>>();
        var rateRows = new List<IReadOnlyList<object?>>();
        var counts = new Dictionary<(int Case, double Lr), int[]>();
        for (int j = 0; j < jobs.Count; j++)
        {
            var (c, lr, i) = jobs[j];
            var r = results[j];
            var regime = TrainingRegimeClassifier.Classify(r);
            if (!counts.TryGetValue((c, lr), out var k)) counts[(c, lr)] = k = new int[Regimes.Length];
            k[Array.IndexOf(Regimes, regime)]++;
            rows.Add([Name(cases[c].Pre), lr, i, initSeeds[i], Lower(regime), r.FinalLoss, r.Late.IncreaseFraction, r.Lyapunov, r.LyapunovStandardError,
                r.FinalSharpness, lr * r.FinalSharpness / 2]);
        }
        foreach (var ((c, lr), k) in counts.OrderBy(p => p.Key.Case).ThenBy(p => p.Key.Lr))
        {
            var row = new List<object?> { Name(cases[c].Pre), lr, inits };
            foreach (var n in k)
            {
                var (lo, hi) = ReplicateStatistics.Wilson(n, inits, ShownZ);
                row.AddRange([n / (double)inits, lo, hi]);
            }
            rateRows.Add(row);
        }
        res.AddCsvRows(context, "initializations_runs", ["preprocess", "lr", "init", "init_seed", "regime", "final_loss", "increase_fraction_late",
            "lyapunov", "lyapunov_se", "sharpness", "eta_sharpness_over_2"], rows);
        res.AddCsvRows(context, "initializations_rates", ["preprocess", "lr", "initializations",
            .. Regimes.SelectMany(g => new[] { Lower(g), Lower(g) + "_wilson95_lo", Lower(g) + "_wilson95_hi" })], rateRows);

        // ---- figure ----
        var panels = new PanelFigure(1, 2) { CellWidth = 620, CellHeight = 420 };
        for (int c = 0; c < cases.Count; c++)
        {
            var rates = cases[c].Rates;
            var fig = panels.Panel(0, c, c == 0 ? "Standardized inputs and target" : "Target in dB (centred only)",
                "learning rate η", $"fraction of {inits} initializations", logX: true);
            for (int g = 0; g < Regimes.Length; g++)
            {
                var frac = rates.Select(lr => counts[(c, lr)][g] / (double)inits).ToArray();
                var ci = rates.Select(lr => ReplicateStatistics.Wilson(counts[(c, lr)][g], inits, ShownZ)).ToArray();
                var color = PlotFigure.ColorAt(g);
                fig.Band(rates, ci.Select(p => p.Lower).ToArray(), ci.Select(p => p.Upper).ToArray(), null, color, 0.15);
                fig.LinePoints(rates, frac, Lower(Regimes[g]), color);
            }
            fig.Limits(yMin: -0.02, yMax: 1.02);
            fig.LegendAt(ScottPlot.Alignment.MiddleLeft);
        }
        res.AddFigure(context, panels, "initializations_regimes",
            $"Fraction of {inits} independent initializations (5-16-1 leaky-ReLU network, full-batch GD, {epochs} epochs) that converge, sit at the edge of stability " +
            "(not converging, λ − 2 SE ≤ 0, η·λ_max/2 ≥ 0.8), turn chaotic (λ − 2 SE > 0) or diverge, against η; bands: 95% Wilson intervals. " +
            "Left: standardized inputs and target; right: target kept in dB (only centred).");

        // ---- checks: statements about rates, each rejected only when its Wilson bound at the report budget excludes it ----
        double z = Check.ZOneSided;
        int Count(int c, double lr, LearningRateRegime g) => counts[(c, lr)][Array.IndexOf(Regimes, g)];
        int NonConverging(int c, double lr) => inits - Count(c, lr, LearningRateRegime.Converging);
        string Rate(int n) => string.Create(CultureInfo.InvariantCulture, $"{n}/{inits}");
        Check RateAtLeast(string id, string claim, int successes, double p0)
        {
            var (_, hi) = ReplicateStatistics.Wilson(successes, inits, z);
            var (lo95, hi95) = ReplicateStatistics.Wilson(successes, inits, ShownZ);
            return Check.AtLeast(id, claim + $" (upper Wilson bound at z = {z} of the observed fraction)", p0, hi,
                string.Create(CultureInfo.InvariantCulture, $"observed {Rate(successes)} (95% Wilson interval [{lo95:0.###}, {hi95:0.###}]); the claim fails only if the data reject a rate ≥ {p0} at one-sided level 5e-5"))
                .AtBudget();
        }
        Check RateAtMost(string id, string claim, int successes, double p0)
        {
            var (lo, _) = ReplicateStatistics.Wilson(successes, inits, z);
            var (lo95, hi95) = ReplicateStatistics.Wilson(successes, inits, ShownZ);
            return Check.AtMost(id, claim + $" (lower Wilson bound at z = {z} of the observed fraction)", p0, lo,
                string.Create(CultureInfo.InvariantCulture, $"observed {Rate(successes)} (95% Wilson interval [{lo95:0.###}, {hi95:0.###}]); the claim fails only if the data reject a rate ≤ {p0} at one-sided level 5e-5"))
                .AtBudget();
        }
        double smallest = cases[0].Rates[0], largest = cases[0].Rates[^1];
        res.Checks.Add(RateAtLeast("init-std-small-converges", $"standardized data, η = {F(smallest)}: ≥ 90% of initializations converge",
            Count(0, smallest, LearningRateRegime.Converging), 0.9));
        res.Checks.Add(RateAtLeast("init-db-small-converges", $"target in dB, η = {F(cases[1].Rates[0])}: ≥ 90% of initializations converge",
            Count(1, cases[1].Rates[0], LearningRateRegime.Converging), 0.9));
        res.Checks.Add(RateAtLeast("init-db-paper-large-not-converging", "target in dB, the paper's η = 0.02: ≥ 90% of initializations do not converge (Fig. 6)",
            NonConverging(1, 0.02), 0.9));
        res.Checks.Add(RateAtLeast("init-std-large-not-converging", $"standardized data, η = {F(largest)}: ≥ 90% of initializations do not converge",
            NonConverging(0, largest), 0.9));
        res.Checks.Add(RateAtMost("init-std-paper-large-chaos-rare", "standardized data, the paper's η = 0.02: at most 10% of initializations are chaotic",
            Count(0, 0.02, LearningRateRegime.Chaotic), 0.1));
        var worst = cases.SelectMany((cs, c) => cs.Rates.Select(lr => (c, lr, k: Count(c, lr, LearningRateRegime.Chaotic))))
            .MaxBy(t => ReplicateStatistics.Wilson(t.k, inits, z).Lower);
        res.Checks.Add(RateAtMost("init-chaos-rare", $"at every swept η and both preprocessings at most 10% of initializations are chaotic (worst: {(worst.c == 0 ? "standardized" : "dB")}, η = {F(worst.lr)})",
            worst.k, 0.1));

        // ---- notes and key numbers ----
        foreach (var (c, (pre, rates)) in cases.Index())
        {
            res.Notes.Add($"{(c == 0 ? "Standardized data" : "Target in dB")} ({inits} initializations per η, {epochs} epochs): " + string.Join("; ", rates.Select(lr =>
            {
                var k = counts[(c, lr)];
                return $"η = {F(lr)}: converge {Rate(k[0])}, edge of stability {Rate(k[1])}, chaotic {Rate(k[2])}, diverge {Rate(k[3])}";
            })) + ".");
        }
        res.Notes.Add("Reading: 'chaotic' needs λ − 2 SE > 0 for the maximal Lyapunov exponent of the training map over the late window; a run with λ = 0 " +
                      "exactly (a marginal, edge-of-stability orbit) passes that test by chance in about 2% of runs (one-sided normal tail at 2 SE), so a " +
                      "chaotic fraction of a few percent is indistinguishable from none. " +
                      (quick ? $"Quick mode: {inits} initializations per η (the full report uses 32) and {epochs} epochs, so the intervals are wide." : ""));
        foreach (var (c, (pre, rates)) in cases.Index())
        {
            string key = c == 0 ? "standardized" : "db";
            res.Data[key + "_lrs"] = rates;
            for (int g = 0; g < Regimes.Length; g++)
                res.Data[$"{key}_{Lower(Regimes[g])}_fraction"] = rates.Select(lr => counts[(c, lr)][g] / (double)inits).ToArray();
        }
        res.Data["initializations"] = inits;
        res.Data["epochs"] = epochs;
        context.Progress?.Report(1);
        return res;
    }

    /// <summary>Seed of initialization <paramref name="index"/>: its own stream of the report seed.</summary>
    public static ulong InitializationSeed(ulong seed, int index) => TrainingRegimeClassifier.InitializationSeed(seed, index);

    private static string Name(Preprocessing p) => DataPreparation.Name(p);

    private static string Lower(LearningRateRegime g) => TrainingRegimeClassifier.Name(g);

    private static string F(double v) => Check.Fmt(v);
}
