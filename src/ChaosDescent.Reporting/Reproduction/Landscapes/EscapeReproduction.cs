using ChaosDescent.Analyses.Landscapes.Escapes;
using ChaosDescent.Analyses.Landscapes.Wells;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Reporting.Plots;
using ChaosDescent.Runners;
using ChaosDescent.Data;

namespace ChaosDescent.Reporting.Reproduction.Landscapes;

/// <summary>
/// Escapes from the wells of a non-convex f0 by a large learning rate, without noise (talk, "non-convex f0"; D.5):
/// (A) escape rates of GD, the stochastic map and the Gaussian map on k(x² − 1)² + ε sin(x/ε), k = 0.1, against
/// Eyring–Kramers — ln(rate/η) linear in 1/η with slope −2ΔF/σ²; (B) occupation of the two wells of the tilted double
/// well of Fig. 1 against their rescaled Gibbs masses, and its exit-time law.
/// </summary>
public sealed class EscapeReproduction() : Reproduction("escapes", "Escaping potential wells without noise: Arrhenius rates and Gibbs occupations", "D.5, Remark 12; talk: non-convex f0", order: 340)
{
    private static readonly string[] Maps = ["gd", "stochastic", "gaussian"];

    public override ReproductionResult Run(ReproductionContext context)
    {
        var result = new ReproductionResult();
        ArrheniusPart(context, result);
        OccupationPart(context, result);
        return result;
    }

    private static void ArrheniusPart(ReproductionContext context, ReproductionResult result)
    {
        const double k = 0.1, eps = 1e-4;
        double[] etas = context.Quick ? [0.1, 0.125, 0.16] : [0.0625, 0.08, 0.1, 0.125, 0.16];
        var obj = ObjectiveCatalog.Create("doublewell-sin", eps, new Dictionary<string, double> { ["k"] = k });
        double sigma2 = 0.5, barrier = k, predictedSlope = ArrheniusFit.PredictedSlope(barrier, sigma2);
        double predictedIntercept = ArrheniusFit.PredictedIntercept(obj.Macro.SecondDerivative(1), obj.Macro.SecondDerivative(0));
        var land = new Landscape1D(obj.Macro);
        var wells = PotentialWells.Of(land);
        var fig = new PlotFigure($"escape rate vs 1/eta: k(x^2-1)^2 + eps sin(x/eps), k = {k}, eps = {eps}", "1/eta", "ln(rate per step / eta)");
        var rows = new List<double[]>();
        int total = Maps.Length * etas.Length, done = 0;
        for (int mi = 0; mi < Maps.Length; mi++)
        {
            var rates = new List<double>();
            var exits = new List<long>();
            foreach (var eta in etas)
            {
                var map = MapFactory.Create(Maps[mi], obj, eta);
                double kramers = EscapeAnalysis.KramersRate(land, wells.Wells[1], eta, sigma2) ?? double.NaN;
                // enough particle-steps for ~300 exits (quick: ~60), at least 1e7 (quick 2e6)
                double budget = Math.Clamp((context.Quick ? 60 : 300) / kramers, context.Quick ? 1e6 : 1e7, context.Quick ? 5e6 : 4e7);
                int n = context.Quick ? 500 : 2000, steps = (int)Math.Ceiling(budget / n), burn = Math.Min(steps / 10, 2000);
                int d0 = done;
                var a = EscapeAnalysis.Run(new EscapeRequest
                {
                    Map = map,
                    Particles = n,
                    Steps = steps + burn,
                    BurnIn = burn,
                    Seed = context.Seed + 340 + (ulong)(mi * 10 + rates.Count),
                    Threads = context.Threads,
                    FromWell = 1,
                }, new Progress<double>(p => context.Progress?.Report(0.8 * (d0 + p) / total)));
                // both wells are equivalent by symmetry: pool their exits and exposures
                long d = a.Result.ExitsFrom(0) + a.Result.ExitsFrom(1);
                double s = a.Result.Exposure[0] + a.Result.Exposure[1];
                double rate = d / s;
                rates.Add(rate);
                exits.Add(d);
                var (lo, hi) = ExitTimeStatistics.GeometricMeanInterval(d, s);
                rows.Add([mi, eta, rate, 1 / hi, 1 / lo, d, s, kramers, a.PerWell[0].OccupationFromRates]);
                done++;
            }
            var fit = ArrheniusFit.Fit(etas, rates, exits);
            var inv = etas.Select(e => 1 / e).ToArray();
            fig.Points(inv, rates.Select((r, i) => Math.Log(r / etas[i])).ToArray(), $"{Maps[mi]}: slope {fit.Slope:F3} +- {fit.SlopeError:F3}", PlotFigure.ColorAt(mi), 7);
            fig.Line(inv, inv.Select(x => fit.Intercept + fit.Slope * x).ToArray(), null, PlotFigure.ColorAt(mi), width: 1);
            result.Checks.Add(Check.Near($"arrhenius-slope-{Maps[mi]}", $"{Maps[mi]}: slope of ln(rate/eta) vs 1/eta against Eyring-Kramers -2 dF/sigma^2",
                predictedSlope, fit.Slope, Math.Max(0.15 * Math.Abs(predictedSlope), 3 * fit.SlopeError),
                $"fit over eta = {string.Join(", ", etas)}; intercept {fit.Intercept:F3} +- {fit.InterceptError:F3} (Kramers ln A = {predictedIntercept:F3}); tolerance 15 % (Kramers' O(T/dF) corrections at dF/T = {barrier / (etas[0] * sigma2 / 2):F1}..{barrier / (etas[^1] * sigma2 / 2):F1}) or 3 s.e."));
            result.Data[$"arrhenius_slope_{Maps[mi]}"] = fit.Slope;
            result.Data[$"arrhenius_intercept_{Maps[mi]}"] = fit.Intercept;
        }
        var line = etas.Select(e => 1 / e).ToArray();
        fig.Line(line, line.Select(x => predictedIntercept + predictedSlope * x).ToArray(), $"Eyring-Kramers: slope {predictedSlope:F3}", PlotFigure.ColorAt(7), dashed: true);
        fig.Save(context.FigureDirectory, "escapes-arrhenius");
        result.Figures.Add(new FigureRef("escapes-arrhenius", "Escape rate between the wells of 0.1(x^2-1)^2 (+ eps sin(x/eps) for GD) against 1/eta for deterministic GD, the stochastic map and the Gaussian map; dashed: Eyring-Kramers eta sqrt(f0''(1)|f0''(0)|)/(2 pi) exp(-2 dF/(eta sigma^2)) per step."));
        result.DataFiles.Add(WellConnectivityReproduction.Rel(context, CsvFile.WriteNumericRows(Path.Combine(context.DataDirectory, "escapes-arrhenius.csv"), ["map_index", "eta", "rate_per_step", "rate_ci_lo", "rate_ci_hi", "exits", "exposure", "kramers_rate", "left_occupation_from_rates"], rows)));
        double worstSym = rows.Max(r => Math.Abs(r[8] - 0.5));
        result.Checks.Add(Check.AtMost("symmetric-occupation", "|occupation of the left well implied by the measured rates - 1/2| (Gibbs: 1/2 by symmetry), worst over maps and eta",
            context.Quick ? 0.15 : 0.08, worstSym));
        result.Notes.Add($"Arrhenius part: 0.1(x^2-1)^2, barrier dF = {barrier}, sigma^2 = {sigma2}: Eyring-Kramers predicts ln(rate/eta) = {predictedIntercept:F3} {predictedSlope:F3}/eta. A transition counts when a particle enters the core (f0 - f0(min) <= dF/2) of the other well; rates are exits per particle-step after burn-in (the geometric MLE with censored sojourns).");
    }

    private static void OccupationPart(ReproductionContext context, ReproductionResult result)
    {
        const double eta = 0.2;
        var obj = ObjectiveCatalog.Create("tilted-doublewell-quasiperiodic");
        int n = context.Quick ? 500 : 2000, steps = context.Quick ? 5000 : 12_000, burn = 2000;
        var rows = new List<double[]>();
        EscapeAnalysis? gdRun = null;
        for (int mi = 0; mi < Maps.Length; mi++)
        {
            var a = EscapeAnalysis.Run(new EscapeRequest
            {
                Map = MapFactory.Create(Maps[mi], obj, eta),
                Particles = n,
                Steps = steps,
                BurnIn = burn,
                Seed = context.Seed + 345 + (ulong)mi,
                Threads = context.Threads,
                Initial = InitialCondition.Uniform(-1.5, 1.5),
            }, new Progress<double>(p => context.Progress?.Report(0.8 + 0.2 * (mi + p) / Maps.Length)));
            gdRun ??= a;
            foreach (var w in a.PerWell)
                rows.Add([mi, w.Well.Index, w.Occupation, w.OccupationGibbs ?? double.NaN, w.OccupationFromRates, w.MeanExitTime, w.MeanExitLo, w.MeanExitHi, w.KramersMeanExitTime ?? double.NaN]);
            var right = a.PerWell[1];
            double se = Math.Sqrt(right.Occupation * (1 - right.Occupation) / n);
            result.Checks.Add(Check.Near($"occupation-{Maps[mi]}", $"{Maps[mi]}, tilted double well (Fig. 1), eta = {eta}: occupation of the upper (right) well vs its rescaled Gibbs mass",
                right.OccupationGibbs ?? double.NaN, right.Occupation, 0.02 + 4 * se,
                $"from rates {right.OccupationFromRates:F4}; tolerance 0.02 (O(eta^2) Gibbs error, eps = {obj.Epsilon}) + 4 binomial s.e."));
            result.Checks.Add(Check.Near($"exit-right-{Maps[mi]}", $"{Maps[mi]}: mean exit time from the upper well / Eyring-Kramers",
                1, right.MeanExitTime / (right.KramersMeanExitTime ?? double.NaN), 0.3,
                $"measured {right.MeanExitTime:F1} [{right.MeanExitLo:F1}, {right.MeanExitHi:F1}] steps ({right.MeanExitMethod}), Kramers {right.KramersMeanExitTime:F1}; dF/T = {right.Well.Barrier / (eta * (a.Sigma2 ?? double.NaN) / 2):F2} is small, so Kramers is only accurate to tens of percent"));
        }
        result.DataFiles.Add(WellConnectivityReproduction.Rel(context, CsvFile.WriteNumericRows(Path.Combine(context.DataDirectory, "escapes-occupation.csv"), ["map_index", "well", "occupation", "occupation_gibbs", "occupation_from_rates", "mean_exit_time", "ci_lo", "ci_hi", "kramers_mean_exit_time"], rows)));
        var g = gdRun!;
        var range = (-2.0, 2.0);
        LandscapePlots.PositionsVsGibbs(g.Result.FinalPositions, g.Gibbs, g.Wells.Maxima, range, 100,
            $"GD on the tilted double well (Fig. 1), eta = {eta}, eps = {obj.Epsilon}: positions at step {steps}", context.FigureDirectory, "escapes-tilted-positions");
        result.Figures.Add(new FigureRef("escapes-tilted-positions", "Tilted double well (x^2-1)^2/4 + x/8 + eps(sin(x/eps) + sin(sqrt2 x/eps)), GD at eta = 0.2: the ensemble's law against the rescaled Gibbs law; the dashed line is the barrier separating the wells."));
        var fe = g.PerWell[1].FirstExits;
        if (fe is not null)
        {
            LandscapePlots.Survival(fe, g.PerWell[1].KramersRatePerStep, "GD, tilted double well: first exit from the upper well", context.FigureDirectory, "escapes-tilted-survival");
            result.Figures.Add(new FigureRef("escapes-tilted-survival", "Kaplan-Meier survival of the first exit from the upper well (log scale: a straight line is a memoryless, Arrhenius-type escape) with the geometric MLE and the Eyring-Kramers prediction."));
        }
    }
}
