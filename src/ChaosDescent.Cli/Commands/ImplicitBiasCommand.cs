using System.CommandLine;
using ChaosDescent.Analyses.ImplicitBias;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Reporting.Reproduction.ImplicitBias;
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
        var d = new ImplicitBiasSettings();
        var data = new DataOptions($"CSV file (one header row) or a built-in data set: {DataSources.BuiltinList}", d.Data,
            "label column of the CSV (name, or number from 1; default: the last column); any two distinct values");
        var loss = new Option<string>("--loss") { Description = "logistic | exp", DefaultValueFactory = _ => d.Loss };
        var lr = new Option<double>("--lr") { Description = "learning rate η of GD on the mean loss (1/N) Σ ℓ(y_n wᵀx_n)", DefaultValueFactory = _ => d.Lr };
        var steps = new Option<long>("--steps") { Description = "GD steps T", DefaultValueFactory = _ => d.Steps };
        var bias = new Option<bool>("--bias") { Description = "add a bias term (a constant feature 1; it is penalized in the SVM like the other weights)" };
        var run = new RunOptions("out/implicit-bias", seed: false, threads: false);
        var cmd = new Command("implicit-bias", "GD on separable data converges in direction to the max-margin (hard-margin SVM) solution (Soudry et al. 2018)");
        data.AddTo(cmd);
        foreach (var o in new Option[] { loss, lr, steps, bias }) cmd.Options.Add(o);
        run.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            var settings = new ImplicitBiasSettings
            {
                Data = r.GetValue(data.Data)!,
                Target = r.GetValue(data.Target),
                DataSeed = r.GetValue(data.DataSeed),
                Loss = r.GetValue(loss)!,
                Lr = Positive(r.GetValue(lr), "--lr"),
                Steps = r.GetValue(steps),
                Bias = r.GetValue(bias),
            };
            string dir = run.OutDir(r);
            var rep = ConsoleProgress.Run(stderr, "gradient descent", p => ImplicitBiasAnalysis.Run(new(), settings, p));
            if (rep.Lr >= rep.LrBound)
                stderr.WriteLine($"warning: --lr {F(rep.Lr)} is at or above the step-size bound of Thm. 3, 2/(β λ_max) = {F(rep.LrBound, "G4")}; GD may oscillate or diverge");
            var result = rep.Result!;
            var set = rep.Set!;
            string prefix = Sanitize(set.Name) + (set.HasBias ? "-bias" : "") + "-" + rep.Loss;
            var figures = ImplicitBiasPlots.MaxMargin(result, dir, prefix).Select(f => Path.Combine(dir, f.Name + ".png")).ToList();
            var csv = ImplicitBiasPlots.MaxMarginCsv(result, Path.Combine(dir, prefix + ".csv"));
            var svm = result.Svm;
            if (run.AsJson(r))
            {
                Render.Json(stdout, rep, ("figures", figures), ("csv", csv));
                return 0;
            }
            stdout.WriteLine($"data {set.Name}: N = {set.Count}, d = {set.Dimension}{(set.HasBias ? " (incl. bias)" : "")}, labels {set.NegativeLabel} -> -1, {set.PositiveLabel} -> +1");
            if (svm.Separable)
            {
                stdout.WriteLine($"hard-margin SVM ({svm.Method}): ||w_hat|| = {F(svm.Norm)}, margin = {F(svm.Margin)}, direction = [{string.Join(", ", svm.Direction!.Select(v => F(v, "F6")))}]");
                stdout.WriteLine($"  support vectors: {string.Join(", ", svm.SupportVectors)}; KKT residual (max) = {F(svm.Kkt!.Max, "G3")}");
            }
            else stdout.WriteLine(rep.Note);
            stdout.WriteLine($"GD, {rep.Loss} loss, eta = {F(rep.Lr)} (bound {F(rep.LrBound, "G4")}), T = {rep.Steps:N0}: loss {F(rep.FinalLoss, "G4")}, ||w(T)|| = {F(rep.FinalNorm, "G5")}");
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
