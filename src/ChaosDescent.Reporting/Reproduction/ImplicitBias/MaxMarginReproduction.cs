using ChaosDescent.Analyses.ImplicitBias;
using ChaosDescent.Reporting.Plots;
using ScottPlot;
using ChaosDescent.Data;

namespace ChaosDescent.Reporting.Reproduction.ImplicitBias;

/// <summary>
/// Max-margin implicit bias (Soudry, Hoffer, Nacson, Gunasekar, Srebro 2018, Thm. 3): GD on the
/// logistic and exponential losses of a homogeneous linear classifier over separable data, against the hard-margin
/// SVM solved independently (least-distance programme via NNLS, cross-checked by dual coordinate ascent).
/// </summary>
public sealed class MaxMarginReproduction() : Reproduction("implicit-bias-max-margin", "Implicit bias I: GD converges in direction to the max-margin SVM", "Soudry, Hoffer, Nacson, Gunasekar & Srebro 2018, Thm. 3 (GD on separable data converges in direction to the hard-margin SVM)", order: 600)
{
    public override ReproductionResult Run(ReproductionContext context)
    {
        var res = new ReproductionResult();
        long steps = context.Quick ? 100_000 : 10_000_000;
        var data = DataSources.BuiltinClassification("separable2d");
        var svm = HardMarginSvm.Solve(data);
        var cd = HardMarginSvm.SolveByCoordinateAscent(data);
        double eta = 1;
        var progress = context.Progress;
        var logistic = MaxMarginAnalysis.Analyze(data, svm, LinearClassifierGd.Run(data,
            new LinearGdSettings { Loss = MarginLoss.Logistic, LearningRate = eta, Steps = steps, CheckpointsPerDecade = 20 },
            progress is null ? null : new Progress<double>(v => progress.Report(0.6 * v))));
        double expBound = LinearClassifierGd.StableStepBound(data, MarginLoss.Exponential);
        double etaExp = 0.5 * expBound;
        var exp = MaxMarginAnalysis.Analyze(data, svm, LinearClassifierGd.Run(data,
            new LinearGdSettings { Loss = MarginLoss.Exponential, LearningRate = etaExp, Steps = steps, CheckpointsPerDecade = 20 },
            progress is null ? null : new Progress<double>(v => progress.Report(0.6 + 0.35 * v))));
        var xor = DataSources.BuiltinClassification("xor");
        var xorSvm = HardMarginSvm.Solve(xor.WithBias());

        // Figures: the logistic run's four, and both losses' angles together.
        res.Figures.AddRange(ImplicitBiasPlots.MaxMargin(logistic, context.FigureDirectory, "implicit-bias-separable2d"));
        {
            var fig = new PlotFigure("angle between w(t) and ŵ: logistic and exponential loss", "t (iterations)", "angle (rad)");
            var all = new List<double>();
            var allX = new List<double>();
            foreach (var (r, label, ci) in new[] { (logistic, $"logistic, η = {eta:G3}", 0), (exp, $"exp, η = {etaExp:G3}", 1) })
            {
                var idx = Enumerable.Range(0, r.Trace.Steps.Length).Where(i => r.Trace.Steps[i] > 0 && r.Angle[i] > 0).ToArray();
                var lx = idx.Select(i => Math.Log10(r.Trace.Steps[i])).ToArray();
                var ly = idx.Select(i => Math.Log10(r.Angle[i])).ToArray();
                fig.Line(lx, ly, label, PlotFigure.ColorAt(ci));
                all.AddRange(ly); allX.AddRange(lx);
            }
            LogAxis.Ticks(fig.Plot.Axes.Bottom, allX);
            LogAxis.Ticks(fig.Plot.Axes.Left, all);
            fig.Plot.Legend.Alignment = Alignment.LowerLeft;
            fig.Save(context.FigureDirectory, "implicit-bias-angle-losses");
            res.Figures.Add(new FigureRef("implicit-bias-angle-losses", $"Angle to ŵ for both losses (η for exp = half its smoothness bound {expBound:G3}). Both tend to 0; in GD time the exponential run lags because its step is smaller."));
        }
        res.DataFiles.Add(Rel(context, ImplicitBiasPlots.MaxMarginCsv(logistic, Path.Combine(context.DataDirectory, "implicit-bias-separable2d-logistic.csv"))));
        res.DataFiles.Add(Rel(context, ImplicitBiasPlots.MaxMarginCsv(exp, Path.Combine(context.DataDirectory, "implicit-bias-separable2d-exp.csv"))));

        // Checks.
        var kkt = svm.Kkt!;
        res.Checks.Add(Check.AtMost("svm-kkt", "hard-margin SVM (NNLS on the least-distance programme): largest KKT residual (primal, dual, complementary slackness, stationarity, duality gap)", 1e-10, kkt.Max,
            $"primal {kkt.PrimalViolation:G2}, dual {kkt.DualViolation:G2}, compl. {kkt.ComplementarySlackness:G2}, stationarity {kkt.Stationarity:G2}, gap {kkt.RelativeDualityGap:G2}"));
        double agree = Math.Sqrt(svm.W!.Select((v, i) => (v - cd.W![i]) * (v - cd.W[i])).Sum()) / svm.Norm;
        res.Checks.Add(Check.AtMost("svm-cross-check", "relative difference between ŵ from NNLS and from dual coordinate ascent (independent method)", 1e-8, agree,
            $"coordinate ascent took {cd.Iterations} sweeps"));
        res.Checks.Add(Check.True("xor-not-separable", "xor (with bias) is reported non-separable with a Gordan certificate: ‖Σ u_n y_n x_n‖/R ≤ 1e-12, u ≥ 0, Σu = 1",
            !xorSvm.Separable && xorSvm.CertificateResidual <= 1e-12, $"certificate residual {xorSvm.CertificateResidual:G3}"));
        long T = logistic.Trace.Steps[^1];
        var angleAt = (long t) => MaxMarginAnalysis.At(logistic.Trace.Steps, logistic.Angle, t);
        bool decreasing = angleAt(T) < angleAt(T / 10) && angleAt(T / 10) < angleAt(T / 100) && angleAt(T / 100) < angleAt(T / 1000);
        res.Checks.Add(Check.True("angle-decreasing", "logistic: angle(w(t), ŵ) decreases over the last three decades of t", decreasing,
            $"angles at T/1000, T/100, T/10, T: {angleAt(T / 1000):G3}, {angleAt(T / 100):G3}, {angleAt(T / 10):G3}, {angleAt(T):G3} rad"));
        var expAngleAt = (long t) => MaxMarginAnalysis.At(exp.Trace.Steps, exp.Angle, t);
        res.Checks.Add(Check.True("angle-decreasing-exp", "exp loss: angle(w(t), ŵ) decreases over the last three decades of t",
            expAngleAt(T) < expAngleAt(T / 10) && expAngleAt(T / 10) < expAngleAt(T / 100) && expAngleAt(T / 100) < expAngleAt(T / 1000),
            $"angles at T/1000 … T: {expAngleAt(T / 1000):G3}, {expAngleAt(T / 100):G3}, {expAngleAt(T / 10):G3}, {expAngleAt(T):G3} rad"));
        double ratio = logistic.NormGrowthSlope / svm.Norm;
        double theta2 = MaxMarginAnalysis.SecondMargin(data, svm);
        res.Checks.Add(Check.AtLeast("slope-vs-norm", $"slope of ‖w(t)‖ against ln t over the last decade (T = {T:N0}) divided by ‖ŵ‖ (theory: → 1)", context.Quick ? 0.8 : 0.9, ratio,
            $"slope {logistic.NormGrowthSlope:G4} vs ‖ŵ‖ = {svm.Norm:G4}. The approach is slow and from below: the non-support vectors' terms decay like t^−(θ₂−1) with θ₂ = {theta2:G4} (the smallest non-support margin), so the ratio gains only about {(1 - Math.Pow(10, -(theta2 - 1))) * 100:F0}% of its remaining gap per decade."));
        double c = MaxMarginAnalysis.AsymptoticOffset(svm, eta, data.Count);
        double gapT = logistic.Norm[^1] - (svm.Norm * Math.Log(T) + c);
        double gapT10 = MaxMarginAnalysis.At(logistic.Trace.Steps, logistic.Norm, T / 10) - (svm.Norm * Math.Log(T / 10.0) + c);
        double decay = gapT / gapT10, predictedDecay = Math.Pow(10, -(theta2 - 1));
        res.Checks.Add(Check.Near("offset-gap-decay", "per-decade decay of the gap ‖w(t)‖ − (‖ŵ‖ ln t + c), c = Σ α_n ln(η/(Nα_n))/‖ŵ‖ from the SVM dual; predicted 10^−(θ₂−1)",
            predictedDecay, decay, 0.06, $"gap {gapT10:G3} at T/10 → {gapT:G3} at T; c = {c:G4}"));

        var slopes = MaxMarginAnalysis.DecadeSlopes(logistic);
        res.Notes.Add($"Data: built-in separable2d (N = {data.Count}, 2 features, no bias). SVM: ‖ŵ‖ = {svm.Norm:G6}, margin {svm.Margin:G6}, support vectors {string.Join(", ", svm.SupportVectors)}, solved by {svm.Method} in {svm.Iterations} active-set steps.");
        res.Notes.Add($"Logistic loss, η = {eta} (Thm. 3 bound 2/(β λ_max) = {LinearClassifierGd.StableStepBound(data, MarginLoss.Logistic):G4}), T = {T:N0}: angle {logistic.FinalAngle:G4} rad, slope over the last decade {logistic.NormGrowthSlope:G5} ({ratio:P1} of ‖ŵ‖), ‖ρ(T)‖ = {logistic.ResidualNorm[^1]:G4}. Per-decade slopes: " +
            string.Join(", ", slopes.Select(s => $"{s.Slope:G4} (decade ending at 1e{Math.Round(Math.Log10(s.End))})")) + ".");
        res.Notes.Add($"Exponential loss, η = {etaExp:G3}: angle {exp.FinalAngle:G4} rad, slope {exp.NormGrowthSlope:G4}. Why the slope is still below ‖ŵ‖: w(t) = ŵ ln t + ρ(t) with ρ(t) → w̃, and ρ approaches w̃ like t^−(θ₂−1) = t^−{theta2 - 1:G3}; the measured gap to the asymptote ‖ŵ‖ ln t + c shrank by {decay:G3} over the last decade, against {predictedDecay:G3} predicted.");
        res.Notes.Add($"Non-separable data: xor (even with a bias feature) has 0 in the convex hull of the y_n x_n; the NNLS residual of the least-distance programme is {xorSvm.CertificateResidual:G3}·R, which certifies (Gordan's alternative) that no hard-margin SVM exists.");
        res.Data["svm_norm"] = svm.Norm;
        res.Data["svm_direction"] = svm.Direction;
        res.Data["svm_kkt_max"] = kkt.Max;
        res.Data["steps"] = T;
        res.Data["angle_logistic"] = logistic.FinalAngle;
        res.Data["angle_exp"] = exp.FinalAngle;
        res.Data["norm_growth_slope"] = logistic.NormGrowthSlope;
        res.Data["slope_ratio"] = ratio;
        res.Data["decade_slopes"] = slopes.Select(s => s.Slope).ToArray();
        res.Data["asymptotic_offset"] = c;
        res.Data["second_margin"] = theta2;
        progress?.Report(1);
        return res;
    }

    internal static string Rel(ReproductionContext context, string path) => Path.GetRelativePath(context.OutputDirectory, path);
}
