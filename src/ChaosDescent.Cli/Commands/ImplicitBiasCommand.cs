using System.CommandLine;
using ChaosDescent.Analyses.ImplicitBias;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Infrastructure;
using ChaosDescent.Reporting.Reproduction.ImplicitBias;
using ChaosDescent.Data;
using ChaosDescent.Reporting.Plots;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent implicit-bias</c>: GD on the logistic/exponential loss of a homogeneous linear classifier against
/// the hard-margin SVM (Soudry, Hoffer, Nacson, Gunasekar, Srebro 2018, Thm. 3): angle, ‖w‖ vs ln t, residual.
/// </summary>
public sealed class ImplicitBiasCommand : ICliCommand
{
    public int Order => 600;

    public Command Build()
    {
        var data = new Option<string>("--data") { Description = $"CSV file (one header row) or a built-in data set: {DataSources.BuiltinList}", DefaultValueFactory = _ => "separable2d" };
        var target = new Option<string?>("--target") { Description = "label column of the CSV (name, or number from 1; default: the last column); any two distinct values" };
        var loss = new Option<string>("--loss") { Description = "logistic | exp", DefaultValueFactory = _ => "logistic" };
        var lr = new Option<double>("--lr") { Description = "learning rate η of GD on the mean loss (1/N) Σ ℓ(y_n wᵀx_n)", DefaultValueFactory = _ => 1.0 };
        var steps = new Option<long>("--steps") { Description = "GD steps T", DefaultValueFactory = _ => 100_000 };
        var bias = new Option<bool>("--bias") { Description = "add a bias term (a constant feature 1; it is penalized in the SVM like the other weights)" };
        var dataSeed = new Option<ulong>("--data-seed") { Description = "seed of a built-in data set", DefaultValueFactory = _ => DataSources.DefaultSeed };
        var json = Json();
        var outDir = Out("out/implicit-bias");
        var cmd = new Command("implicit-bias", "GD on separable data converges in direction to the max-margin (hard-margin SVM) solution (Soudry et al. 2018)");
        foreach (var o in new Option[] { data, target, loss, lr, steps, bias, dataSeed, json, outDir }) cmd.Options.Add(o);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            var set = DataSources.LoadClassification(r.GetValue(data)!, r.GetValue(target), r.GetValue(dataSeed));
            if (r.GetValue(bias)) set = set.WithBias();
            var kind = MarginLosses.Parse(r.GetValue(loss)!);
            double eta = Positive(r.GetValue(lr), "--lr");
            long t = r.GetValue(steps);
            string dir = r.GetValue(outDir) ?? "out/implicit-bias";
            AtomicFile.EnsureWritableDirectory(dir);
            double bound = LinearClassifierGd.StableStepBound(set, kind);
            if (eta >= bound)
                stderr.WriteLine($"warning: --lr {F(eta)} is at or above the step-size bound of Thm. 3, 2/(β λ_max) = {F(bound, "G4")}; GD may oscillate or diverge");
            var result = ConsoleProgress.Run(stderr, "gradient descent", p => MaxMarginAnalysis.Run(set, new LinearGdSettings { Loss = kind, LearningRate = eta, Steps = t }, p));
            string prefix = Sanitize(set.Name) + (set.HasBias ? "-bias" : "") + "-" + MarginLosses.Name(kind);
            var figures = ImplicitBiasPlots.MaxMargin(result, dir, prefix).Select(f => Path.Combine(dir, f.Name + ".png")).ToList();
            var csv = ImplicitBiasPlots.MaxMarginCsv(result, Path.Combine(dir, prefix + ".csv"));
            var svm = result.Svm;
            string nonSep = svm.Separable ? "" :
                $"the data are not linearly separable{(set.HasBias ? " (with bias)" : " through the origin (try --bias)")}: weights u ≥ 0 with Σu = 1 put Σ u_n y_n x_n at distance {F(svm.CertificateResidual, "G3")}·R from 0, so 0 lies in the convex hull of the y_n x_n and no w has y_n wᵀx_n > 0 for all n (Gordan). No hard-margin SVM exists, Thm. 3 does not apply, and GD converges to a finite minimizer instead of growing in a max-margin direction.";
            var report = new
            {
                data = set.Name,
                samples = set.Count,
                features = set.Dimension,
                feature_names = set.FeatureNames,
                bias = set.HasBias,
                labels = new { negative = set.NegativeLabel, positive = set.PositiveLabel },
                separable = svm.Separable,
                note = svm.Separable ? null : nonSep,
                svm_direction = svm.Direction,
                svm_weights = svm.W,
                svm_norm = svm.Separable ? svm.Norm : (double?)null,
                svm_margin = svm.Separable ? svm.Margin : (double?)null,
                support_vectors = svm.SupportVectors,
                svm_method = svm.Method,
                kkt = svm.Kkt is { } k ? new
                {
                    primal_violation = k.PrimalViolation,
                    dual_violation = k.DualViolation,
                    complementary_slackness = k.ComplementarySlackness,
                    stationarity = k.Stationarity,
                    relative_duality_gap = k.RelativeDualityGap,
                } : null,
                certificate_residual = svm.Separable ? (double?)null : svm.CertificateResidual,
                loss = MarginLosses.Name(kind),
                lr = eta,
                lr_bound = bound,
                steps = t,
                angle = svm.Separable ? result.FinalAngle : (double?)null,
                norm_growth_slope = result.NormGrowthSlope,
                slope_relative_error = svm.Separable ? result.NormGrowthSlope / svm.Norm - 1 : (double?)null,
                residual_norm = svm.Separable ? result.ResidualNorm[^1] : (double?)null,
                final_norm = result.Norm[^1],
                final_direction = result.FinalDirection,
                final_loss = result.Trace.Loss[^1],
                final_normalized_margin = result.Trace.NormalizedMargin[^1],
                figures,
                csv,
            };
            if (r.GetValue(json))
            {
                WriteJson(stdout, report);
                return 0;
            }
            stdout.WriteLine($"data {set.Name}: N = {set.Count}, d = {set.Dimension}{(set.HasBias ? " (incl. bias)" : "")}, labels {set.NegativeLabel} -> -1, {set.PositiveLabel} -> +1");
            if (svm.Separable)
            {
                stdout.WriteLine($"hard-margin SVM ({svm.Method}): ||w_hat|| = {F(svm.Norm)}, margin = {F(svm.Margin)}, direction = [{string.Join(", ", svm.Direction!.Select(v => F(v, "F6")))}]");
                stdout.WriteLine($"  support vectors: {string.Join(", ", svm.SupportVectors)}; KKT residual (max) = {F(svm.Kkt!.Max, "G3")}");
            }
            else stdout.WriteLine(nonSep);
            stdout.WriteLine($"GD, {MarginLosses.Name(kind)} loss, eta = {F(eta)} (bound {F(bound, "G4")}), T = {t:N0}: loss {F(result.Trace.Loss[^1], "G4")}, ||w(T)|| = {F(result.Norm[^1], "G5")}");
            if (svm.Separable)
            {
                stdout.WriteLine($"  angle(w(T), w_hat) = {F(result.FinalAngle, "G4")} rad");
                stdout.WriteLine($"  slope of ||w(t)|| vs ln t over the last decade = {F(result.NormGrowthSlope, "G5")}  (theory -> ||w_hat|| = {F(svm.Norm, "G5")}; ratio {F(result.NormGrowthSlope / svm.Norm, "F4")})");
                stdout.WriteLine($"  ||rho(T)|| = ||w(T) - w_hat ln T|| = {F(result.ResidualNorm[^1], "G4")}");
            }
            foreach (var f in figures) stdout.WriteLine($"figure: {f}");
            stdout.WriteLine($"csv: {csv}");
            return 0;
        });
        return cmd;
    }

    internal static string Sanitize(string name) =>
        new(Path.GetFileNameWithoutExtension(name).Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
}
