using System.CommandLine;
using ChaosDescent.Analyses.ImplicitBias;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Reporting.Reproduction.ImplicitBias;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent langevin</c>: long-run laws of SGD (batch b), GD + isotropic Gaussian noise (discretized Langevin)
/// and GD + SGD-shaped Gaussian noise on a finite-sum objective, against exp(−V/T)/Z; plus deterministic large-LR GD on
/// a multiscale objective against its rescaled Gibbs law (three sources of stochasticity in one table).
/// </summary>
public sealed class LangevinCommand : ICliCommand
{
    public int Order => 620;

    public Command Build()
    {
        var d = new LangevinAnalysisSettings();
        var data = new DataOptions($"CSV file or built-in data set ({DataSources.BuiltinList})", d.Data, "target/label column (name or number from 1; default last)");
        var model = new Option<string>("--model") { Description = "least-squares | logistic", DefaultValueFactory = _ => d.Model };
        var ridge = new Option<double>("--ridge") { Description = "logistic: ridge λ ≥ 0 added to every sample loss", DefaultValueFactory = _ => d.Ridge };
        var lr = new Option<double>("--lr") { Description = "learning rate η (the same for all three iterations)", DefaultValueFactory = _ => d.Lr };
        var batch = new Option<int>("--batch") { Description = "SGD batch size b (< N)", DefaultValueFactory = _ => d.Batch };
        var temperature = new Option<double?>("--temperature") { Description = "Langevin temperature T (default: matched to SGD's noise, T = η tr C*/(2d))" };
        var chains = new Option<int>("--chains") { Description = "independent chains per iteration", DefaultValueFactory = _ => d.Chains };
        var snapshots = new Option<int>("--snapshots") { Description = "samples per chain after burn-in", DefaultValueFactory = _ => d.Snapshots };
        var burnIn = new Option<int?>("--burn-in") { Description = "steps before the first sample (default 12 relaxation times 1/(η λ_min))" };
        var thin = new Option<int?>("--thin") { Description = "steps between samples of a chain (default one relaxation time)" };
        var multiscale = new Option<string>("--multiscale") { Description = "1-D catalog objective for the deterministic large-LR GD row ('none' to skip)", DefaultValueFactory = _ => d.Multiscale };
        var gdEta = new Option<double>("--gd-eta") { Description = "η of the multiscale GD row", DefaultValueFactory = _ => d.GdEta };
        var gdEps = new Option<double?>("--gd-eps") { Description = "ε of the multiscale objective (default: the catalog's)" };
        var gdParticles = new Option<int>("--gd-particles") { Description = "ensemble size of the multiscale GD row", DefaultValueFactory = _ => d.GdParticles };
        var gdSteps = new Option<int>("--gd-steps") { Description = "GD steps of the multiscale row", DefaultValueFactory = _ => d.GdSteps };
        var run = new RunOptions("out/langevin");
        var cmd = new Command("langevin", "SGD versus Langevin (GD + Gaussian noise) versus large-LR deterministic GD: long-run laws against Gibbs");
        data.AddTo(cmd);
        foreach (var o in new Option[] { model, ridge, lr, batch, temperature, chains, snapshots, burnIn, thin, multiscale, gdEta, gdEps, gdParticles, gdSteps })
            cmd.Options.Add(o);
        run.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            bool withGd = !string.Equals(r.GetValue(multiscale), "none", StringComparison.OrdinalIgnoreCase);
            var settings = new LangevinAnalysisSettings
            {
                Data = r.GetValue(data.Data)!,
                Target = r.GetValue(data.Target),
                DataSeed = r.GetValue(data.DataSeed),
                Model = r.GetValue(model)!,
                Ridge = r.GetValue(ridge),
                Batch = r.GetValue(batch),
                Lr = Positive(r.GetValue(lr), "--lr"),
                Temperature = r.GetValue(temperature),
                Chains = AtLeast(r.GetValue(chains), 20, "--chains"),
                Snapshots = AtLeast(r.GetValue(snapshots), 1, "--snapshots"),
                BurnIn = r.GetValue(burnIn),
                Thin = r.GetValue(thin),
                Multiscale = r.GetValue(multiscale)!,
                GdEta = withGd ? Positive(r.GetValue(gdEta), "--gd-eta") : r.GetValue(gdEta),
                GdEps = r.GetValue(gdEps),
                GdParticles = withGd ? AtLeast(r.GetValue(gdParticles), 100, "--gd-particles") : r.GetValue(gdParticles),
                GdSteps = withGd ? AtLeast(r.GetValue(gdSteps), 1, "--gd-steps") : r.GetValue(gdSteps),
                Seed = run.SeedValue(r),
                Threads = run.ThreadsValue(r),
            };
            string dir = run.OutDir(r);
            var rep = ConsoleProgress.Run(stderr, withGd ? "SGD, Langevin, SGD-shaped noise and large-LR GD" : "SGD, Langevin and SGD-shaped noise chains",
                p => LangevinAnalysis.Run(new(), settings, p));
            var res = rep.Result!;
            var ms = rep.MultiscaleGd;
            var table = rep.Table;
            string prefix = ImplicitBiasCommand.Sanitize(rep.DataName!) + "-" + (settings.Model.Trim().ToLowerInvariant() is "least-squares" or "ls" ? "ls" : "logistic");
            var figures = ImplicitBiasPlots.Langevin(res, dir, prefix).Select(x => Path.Combine(dir, x.Name + ".png")).ToList();
            var csv = ImplicitBiasPlots.WriteCsv(Path.Combine(dir, prefix + "-table.csv"),
                ["row", "temperature", "variance_ratio_slow", "variance_ratio_fast", "ks", "ks_critical", "w2_relative"],
                table.Select((row, i) => new double[] { i, row.Temperature, row.VarianceRatioSlow, row.VarianceRatioFast, row.Ks, row.KsCritical, row.W2Relative }));
            if (run.AsJson(r))
            {
                Render.Json(stdout, rep, ("figures", figures), ("csv", csv));
                return 0;
            }
            stdout.WriteLine($"{res.Objective}: N = {res.Count}, d = {res.Dimension}, eta = {F(res.LearningRate)}, batch b = {res.Batch}");
            stdout.WriteLine($"w* = [{string.Join(", ", res.Minimizer.Select(v => F(v, "G5")))}], eigenvalues of H = [{string.Join(", ", res.HessianEigenvalues.Select(v => F(v, "G4")))}]");
            stdout.WriteLine($"eigenvalues of H^-1 C* = [{string.Join(", ", res.NoiseToCurvatureRatios.Select(v => F(v, "G4")))}] (all equal exactly when C* is proportional to H)");
            stdout.WriteLine($"T = {F(res.Temperature, "G4")} ({res.TemperatureRule}); Gibbs law exp(-V/T)/Z: {res.Gibbs.Method}");
            stdout.WriteLine($"chains: {res.Chains.Chains} x {res.Chains.Snapshots} samples, burn-in {res.Chains.BurnIn}, thin {res.Chains.Thin}");
            stdout.WriteLine();
            stdout.WriteLine($"{"source",-50} {"T",10} {"Var/Gibbs slow",15} {"Var/Gibbs fast",15} {"KS (crit)",18} {"W2/sqrt(tr)",12}");
            foreach (var t in table)
                stdout.WriteLine($"{t.Source + " (" + t.Iteration + ")",-50} {F(t.Temperature, "G4"),10} {F(t.VarianceRatioSlow, "F3"),15} {F(t.VarianceRatioFast, "F3"),15} {F(t.Ks, "F4") + " (" + F(t.KsCritical, "F4") + ")",18} {F(t.W2Relative, "F4"),12}");
            stdout.WriteLine();
            foreach (var x in res.Methods)
                stdout.WriteLine($"{x.Method}: covariance error to its own prediction {F(100 * x.CovarianceErrorToPrediction, "F2")}% ({x.PredictionMethod})");
            if (ms is not null)
                stdout.WriteLine($"large-LR GD on {ms.Objective} (eta = {F(ms.Eta)}, eps = {F(ms.Eps)}): variance {F(ms.Variance, "G4")}, rescaled Gibbs {F(ms.GibbsVariance, "G4")}, linearized stochastic map {F(ms.LinearizedMapVariance, "G4")}");
            foreach (var x in figures) stdout.WriteLine($"figure: {x}");
            stdout.WriteLine($"csv: {csv}");
            return 0;
        });
        return cmd;
    }
}
