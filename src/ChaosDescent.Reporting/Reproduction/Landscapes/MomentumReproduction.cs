using ChaosDescent.Analyses;
using ChaosDescent.Analyses.Landscapes.Momentum;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Reporting.Plots;
using ChaosDescent.Statistics;
using ChaosDescent.Data;

namespace ChaosDescent.Reporting.Reproduction.Landscapes;

/// <summary>
/// D.4, Figs. 18–19: deterministic heavy ball (γ = 0.9) and NAG-SC (μ = 1) on x²/2 + ε sin(x/ε), η = 0.01,
/// ε = 1e-4. Their long-run laws are compared with the stationary law of the momentum recursions driven by i.i.d. ζ
/// (<see cref="LinearMomentumTheory"/>: exact second moments for quadratic f0), and their Lyapunov spectra (from the
/// 2×2 Jacobians with QR re-orthonormalization, <see cref="ChaosDescent.Analyses.Chaos.LyapunovEstimator"/>) with the rank-one estimate E ln|tr J| and the identity
/// λ1 + λ2 = mean ln|det J|.
/// </summary>
public sealed class MomentumReproduction() : Reproduction("fig18-19", "Deterministic GD with momentum is stochastic too: heavy ball and NAG-SC", "D.4, Figs. 18-19", order: 360)
{
    public override ReproductionResult Run(ReproductionContext context)
    {
        var result = new ReproductionResult();
        const double eta = 0.01, eps = 1e-4;
        var obj = ObjectiveCatalog.Create("quadratic-sin", eps);
        var methods = new (string Fig, OptimizerMap Map)[]
        {
            ("fig18", new HeavyBallMap(obj, eta, 0.9)),
            ("fig19", new NesterovMap(obj, eta, 1.0)),
        };
        var analyses = new List<MomentumAnalysis>();
        for (int i = 0; i < methods.Length; i++)
        {
            int idx = i;
            var req = new MomentumRequest
            {
                Map = methods[i].Map,
                Particles = context.Quick ? 5000 : 100_000,
                Steps = context.Quick ? 1500 : 3000,
                OrbitSteps = context.Quick ? 100_000 : 2_000_000,
                LyapunovSteps = context.Quick ? 50_000 : 1_000_000,
                Seed = context.Seed + 360 + (ulong)i,
                Threads = context.Threads,
            };
            var a = MomentumAnalysis.Run(req, new Progress<double>(p => context.Progress?.Report((idx + p) / methods.Length)));
            analyses.Add(a);
            string name = a.Request.Map is HeavyBallMap ? "heavy ball (gamma = 0.9)" : $"NAG-SC (mu = 1, c = {((NesterovMap)a.Request.Map).Coefficient:F4})";
            LandscapePlots.MomentumHistogram(a, $"{(i == 0 ? "Fig. 18" : "Fig. 19")}: {name}, eta = {eta}, eps = {eps}", context.FigureDirectory, methods[i].Fig);
            result.Figures.Add(new FigureRef(methods[i].Fig, $"{(i == 0 ? "Fig. 18" : "Fig. 19")}: the law of x under deterministic {name} on x^2/2 + eps sin(x/eps) (ensemble at the last step and one orbit's time average) against N(0, V) with V the stationary variance of the {a.Request.Map.Name} recursion driven by i.i.d. zeta (linear theory, exact for quadratic f0)."));
            Checks(result, a, context.Quick);
        }
        LandscapePlots.LyapunovRunning(analyses.Select(a => (a.Request.Map.Name, a.RunningLargest, a.PredictedLargest)).ToList(),
            $"largest Lyapunov exponent, x^2/2 + eps sin(x/eps), eta = {eta}, eps = {eps}", context.FigureDirectory, "fig18-19-lyapunov");
        result.Figures.Add(new FigureRef("fig18-19-lyapunov", "Running estimate of the largest Lyapunov exponent of the 2-D momentum maps (tangent vectors pushed by the 2x2 Jacobian and re-orthonormalized each step; cumulative mean at the end of each batch); dashed: the rank-one estimate E ln|tr J| over a uniform micro phase."));
        var hb = analyses[0];
        var nag = analyses[1];
        result.Checks.Add(Check.True("nag-narrower", "NAG-SC's stationary variance is smaller than heavy ball's (D.4: 'smaller variance')",
            nag.EnsembleMoments.Variance < hb.EnsembleMoments.Variance));
        double gdVar = LinearMomentumTheory.Gd(eta, 1, 0.5).PositionVariance;
        result.DataFiles.Add(WellConnectivityReproduction.Rel(context, CsvFile.WriteNumericRows(Path.Combine(context.DataDirectory, "fig18-19.csv"), ["method_index", "ensemble_variance", "orbit_variance", "theory_variance", "effective_eta", "ks_ensemble", "lambda1", "lambda2", "lambda1_se", "lambda1_rank_one", "mean_log_det"],
            analyses.Select((a, i) => new[] { i, a.EnsembleMoments.Variance, a.Orbit.Moments[0].Variance, a.Theory.PositionVariance, a.Theory.EffectiveLearningRate,
                a.EnsembleVsTheory.KolmogorovSmirnov, a.Lyapunov.Lambda, a.Lyapunov.Spectrum![1], a.Lyapunov.StdErr, a.PredictedLargest, a.MeanLogDet }))));
        result.Notes.Add($"Linear theory (what the momentum laws are compared against): with -f1' replaced by i.i.d. zeta of variance sigma^2 = 1/2, heavy ball is the AR(2) x' = (1 + gamma - eta)x - gamma x_prev + eta zeta with stationary Var x = (1 + gamma) eta sigma^2 / ((1 - gamma)(2(1 + gamma) - eta)) = {hb.Theory.PositionVariance:G5}, i.e. GD's law at the effective learning rate {hb.Theory.EffectiveLearningRate:G4} (about eta/(1 - gamma)); NAG-SC's recursion gives {nag.Theory.PositionVariance:G5} (effective eta {nag.Theory.EffectiveLearningRate:G4}); plain GD gives {gdVar:G4}. Measured ensemble variances: heavy ball {hb.EnsembleMoments.Variance:G5}, NAG-SC {nag.EnsembleMoments.Variance:G5}.");
        result.Notes.Add($"Lyapunov spectra: heavy ball ({hb.Lyapunov.Spectrum![0]:F4}, {hb.Lyapunov.Spectrum![1]:F4}), NAG-SC ({nag.Lyapunov.Spectrum![0]:F4}, {nag.Lyapunov.Spectrum![1]:F4}). Rank-one estimate of lambda1: for |eta f1''| = O(eta/eps) = 100 >> 1 the Jacobian is nearly rank one, so lambda1 ~ E ln|tr J| with tr J = 1 + gamma - eta f'' (heavy ball) and (1 + c)(1 - eta f'') (NAG-SC): {hb.PredictedLargest:F4} and {nag.PredictedLargest:F4}, the momentum analogue of Thm. 9's m + ln(eta/eps) = {Math.Log(eta / eps) - Math.Log(2):F4}.");
        return result;
    }

    private static void Checks(ReproductionResult result, MomentumAnalysis a, bool quick)
    {
        string m = a.Request.Map.Name;
        double v = a.Theory.PositionVariance, n = a.EnsembleMoments.Count;
        result.Checks.Add(Check.Near($"{m}-variance", $"{m}: ensemble variance of x vs the linear theory's stationary variance",
            v, a.EnsembleMoments.Variance, 0.02 * v + 4 * v * Math.Sqrt(2 / n), "2 % for the i.i.d. approximation of -f1'(x_n) (Cond. 1) plus 4 sampling s.e."));
        double ksCrit = Distances.KolmogorovSmirnovCritical((long)n);
        result.Checks.Add(Check.AtMost($"{m}-ks", $"{m}: KS distance of the ensemble to N(x*, V_theory) (critical value at alpha = 1e-3 plus 0.01)",
            ksCrit + 0.01, a.EnsembleVsTheory.KolmogorovSmirnov));
        result.Checks.Add(Check.Near($"{m}-orbit-variance", $"{m}: one orbit's time-averaged variance vs the linear theory",
            v, a.Orbit.Moments[0].Variance, quick ? 0.1 * v : 0.03 * v, "a single orbit: ergodicity of the deterministic map"));
        result.Checks.Add(Check.Near($"{m}-lambda1", $"{m}: largest Lyapunov exponent vs the rank-one estimate E ln|tr J|",
            a.PredictedLargest, a.Lyapunov.Lambda, 4 * a.Lyapunov.StdErr + 0.02, $"s.e. {a.Lyapunov.StdErr:G2} from {a.Lyapunov.BatchesPerOrbit} batch means; 0.02 for O(eps/eta) corrections"));
        result.Checks.Add(Check.Near($"{m}-lyapunov-sum", $"{m}: lambda1 + lambda2 vs the orbit mean of ln|det J| (QR identity)",
            a.MeanLogDet, a.Lyapunov.Spectrum!.Sum(), 1e-8 * Math.Max(1, Math.Abs(a.MeanLogDet))));
        if (a.Request.Map is HeavyBallMap hb)
            result.Checks.Add(Check.Near("heavyball-det", "heavy ball: mean ln|det J| = ln gamma exactly (det J = gamma at every state)",
                Math.Log(hb.Momentum), a.MeanLogDet, 1e-10));
        result.Checks.Add(Check.AtLeast($"{m}-chaotic", $"{m}: largest Lyapunov exponent is positive (chaos)", 0, a.Lyapunov.Lambda));
    }
}
