using ChaosDescent.Analyses.Landscapes.Convergence;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Reporting.Plots;
using ChaosDescent.Data;

namespace ChaosDescent.Reporting.Reproduction.Landscapes;

/// <summary>
/// Thm. 13: for μ-strongly convex, ν-smooth f0 the stochastic map converges in W2 at rate r = max(|1 − ημ|, |1 − ην|).
/// On x²/2 + ε sin(x/ε) (μ = ν = 1, r = 1 − η) the bound is tight: ρ_k is ρ∞ shifted by r^k(x0 − x*) up to a
/// contraction of the same order, so W2(ρ_k, ρ∞) decays exactly like r^k. Measured for several η with W2 by quantiles
/// against an independent long-run sample; deterministic GD, to which Thm. 13 does not apply, measured alongside.
/// </summary>
public sealed class ConvergenceRateReproduction() : Reproduction("thm13", "Exponential convergence of the stochastic map in W2 (Thm. 13)", "Thm. 13 (appendix B)", order: 370)
{
    public override ReproductionResult Run(ReproductionContext context)
    {
        var result = new ReproductionResult();
        const double eps = 1e-4;
        var obj = ObjectiveCatalog.Create("quadratic-sin", eps);
        var cases = context.Quick
            ? new (string Map, double Eta)[] { ("stochastic", 0.05), ("stochastic", 0.2) }
            : [("stochastic", 0.01), ("stochastic", 0.05), ("stochastic", 0.2), ("gd", 0.05)];
        int n = context.Quick ? 10_000 : 100_000, m = context.Quick ? 20_000 : 100_000;
        var runs = new List<(string, ConvergenceRate)>();
        var rows = new List<double[]>();
        for (int i = 0; i < cases.Length; i++)
        {
            var (mapName, eta) = cases[i];
            var map = MapFactory.Create(mapName, obj, eta);
            double r = 1 - eta;
            // three decades, but at least 20 steps so that a rate of 0.8 is sampled on integer steps
            int k = Math.Max(20, (int)Math.Ceiling(Math.Log(1e-3) / Math.Log(r)));
            int idx = i;
            var c = ConvergenceRate.Run(new ConvergenceRequest
            {
                Map = map,
                Particles = n,
                ReferenceParticles = m,
                Steps = k,
                Snapshots = Math.Min(40, k),
                Seed = context.Seed + 370 + (ulong)i,
                Threads = context.Threads,
            }, new Progress<double>(p => context.Progress?.Report((idx + p) / cases.Length)));
            runs.Add(($"{mapName}, eta = {eta}", c));
            double kappa = -Math.Log(c.FittedRate), kappaPred = -Math.Log(c.PredictedRate ?? double.NaN);
            rows.Add([i, eta, c.PredictedRate ?? double.NaN, c.FittedRate, c.FittedRateError, c.FitPoints, c.Floor, c.W2[0]]);
            string note = $"fitted r = {c.FittedRate:F6} +- {c.FittedRateError:G2} over {c.FitPoints} steps, predicted {c.PredictedRate:F6}; sampling floor {c.Floor:G3}";
            if (mapName == "stochastic")
                result.Checks.Add(Check.Near($"rate-stochastic-eta{eta}", $"stochastic map, eta = {eta}: fitted decay constant -ln r vs -ln max(|1 - eta mu|, |1 - eta nu|)",
                    kappaPred, kappa, 0.05 * kappaPred, note + "; 5 % of the decay constant (the floor and the shared reference sample bias the last decade)"));
            else
                result.Checks.Add(Check.Near($"rate-gd-eta{eta}", $"deterministic GD, eta = {eta}: fitted decay constant (Thm. 13 covers the stochastic map only; GD measured alongside)",
                    kappaPred, kappa, 0.1 * kappaPred, note));
            result.Checks.Add(Check.AtMost($"bound-{mapName}-eta{eta}", $"{mapName}, eta = {eta}: largest W2(rho_k, rho_inf) / (W2(rho_0, rho_inf) r^k) over the steps that enter the fit (W2 >= 20x the sampling floor) (Thm. 13 with C = W2(rho_0, rho_inf))",
                1 + Check.ZOneSided / ConvergenceRate.FitThreshold, c.Steps.Select((s, j) => (s, w: c.W2[j])).Where(p => p.w >= ConvergenceRate.FitThreshold * c.Floor).Max(p => p.w / (c.W2[0] * Math.Pow(c.PredictedRate ?? double.NaN, p.s))),
                $"bound 1 + z/{ConvergenceRate.FitThreshold} with z = {Check.ZOneSided}: the two finite samples shift W2 coherently by the difference of their means, " +
                "whose standard deviation is at most the sampling floor; at the smallest W2 in the fit (20 floors) a one-sided tail of z floors is z/20 of W2. " +
                "Design false-alarm rate 5e-5").AtBudget());
        }
        LandscapePlots.Convergence(runs, $"Thm. 13 on x^2/2 + eps sin(x/eps), eps = {eps}: W2 to the long-run law", context.FigureDirectory, "thm13");
        result.Figures.Add(new FigureRef("thm13", "log10 W2(rho_k, rho_inf) against k for ensembles started at x0 = 2 (GD: uniform on [1.99, 2.01]); dashed: W2(rho_0, rho_inf)(1 - eta)^k, the bound of Thm. 13 with mu = nu = 1; thin dashed: the sampling floor."));
        result.DataFiles.Add(WellConnectivityReproduction.Rel(context, CsvFile.WriteNumericRows(Path.Combine(context.DataDirectory, "thm13.csv"), ["case", "eta", "predicted_rate", "fitted_rate", "fitted_rate_se", "fit_points", "floor", "w2_initial"], rows)));
        result.Notes.Add("W2 in 1-D is the L2 distance between quantile functions; for two samples it is summed exactly over the merged steps of the two empirical quantile functions. " +
            string.Join("; ", runs.Select(r => $"{r.Item1}: fitted rate {r.Item2.FittedRate:F6} (predicted {r.Item2.PredictedRate:F6})")) + ".");
        return result;
    }
}
