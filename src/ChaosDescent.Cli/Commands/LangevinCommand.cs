using System.CommandLine;
using ChaosDescent.Analyses.ImplicitBias;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Infrastructure;
using ChaosDescent.Objectives;
using ChaosDescent.Reporting.Reproduction.ImplicitBias;
using ChaosDescent.Data;
using ChaosDescent.Reporting.Plots;
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
        var data = new Option<string>("--data") { Description = $"CSV file or built-in data set ({DataSources.BuiltinList})", DefaultValueFactory = _ => "linreg2d" };
        var target = new Option<string?>("--target") { Description = "target/label column (name or number from 1; default last)" };
        var model = new Option<string>("--model") { Description = "least-squares | logistic", DefaultValueFactory = _ => "least-squares" };
        var ridge = new Option<double>("--ridge") { Description = "logistic: ridge λ ≥ 0 added to every sample loss", DefaultValueFactory = _ => 0.0 };
        var lr = new Option<double>("--lr") { Description = "learning rate η (the same for all three iterations)", DefaultValueFactory = _ => 0.1 };
        var batch = new Option<int>("--batch") { Description = "SGD batch size b (< N)", DefaultValueFactory = _ => 10 };
        var temperature = new Option<double?>("--temperature") { Description = "Langevin temperature T (default: matched to SGD's noise, T = η tr C*/(2d))" };
        var chains = new Option<int>("--chains") { Description = "independent chains per iteration", DefaultValueFactory = _ => 2000 };
        var snapshots = new Option<int>("--snapshots") { Description = "samples per chain after burn-in", DefaultValueFactory = _ => 10 };
        var burnIn = new Option<int?>("--burn-in") { Description = "steps before the first sample (default 12 relaxation times 1/(η λ_min))" };
        var thin = new Option<int?>("--thin") { Description = "steps between samples of a chain (default one relaxation time)" };
        var multiscale = new Option<string>("--multiscale") { Description = "1-D catalog objective for the deterministic large-LR GD row ('none' to skip)", DefaultValueFactory = _ => "quadratic-sin" };
        var gdEta = new Option<double>("--gd-eta") { Description = "η of the multiscale GD row", DefaultValueFactory = _ => 0.1 };
        var gdEps = new Option<double?>("--gd-eps") { Description = "ε of the multiscale objective (default: the catalog's)" };
        var gdParticles = new Option<int>("--gd-particles") { Description = "ensemble size of the multiscale GD row", DefaultValueFactory = _ => 100_000 };
        var gdSteps = new Option<int>("--gd-steps") { Description = "GD steps of the multiscale row", DefaultValueFactory = _ => 1000 };
        var seed = Seed();
        var dataSeed = new Option<ulong>("--data-seed") { Description = "seed of a built-in data set", DefaultValueFactory = _ => DataSources.DefaultSeed };
        var threads = Threads();
        var json = Json();
        var outDir = Out("out/langevin");
        var cmd = new Command("langevin", "SGD versus Langevin (GD + Gaussian noise) versus large-LR deterministic GD: long-run laws against Gibbs");
        foreach (var o in new Option[] { data, target, model, ridge, lr, batch, temperature, chains, snapshots, burnIn, thin, multiscale, gdEta, gdEps, gdParticles, gdSteps, seed, dataSeed, threads, json, outDir })
            cmd.Options.Add(o);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            string m = r.GetValue(model)!.Trim().ToLowerInvariant();
            FiniteSumObjective f = m switch
            {
                "least-squares" or "ls" => new LeastSquaresObjective(DataSources.LoadRegression(r.GetValue(data)!, r.GetValue(target), r.GetValue(dataSeed))),
                "logistic" => new LogisticRegressionObjective(DataSources.LoadClassification(r.GetValue(data)!, r.GetValue(target), r.GetValue(dataSeed)), r.GetValue(ridge)),
                _ => throw new UserInputException($"unknown --model '{m}': use least-squares or logistic"),
            };
            string dir = r.GetValue(outDir) ?? "out/langevin";
            AtomicFile.EnsureWritableDirectory(dir);
            var settings = new LangevinSettings
            {
                Batch = r.GetValue(batch),
                LearningRate = Positive(r.GetValue(lr), "--lr"),
                Temperature = r.GetValue(temperature),
                Chains = AtLeast(r.GetValue(chains), 20, "--chains"),
                Snapshots = AtLeast(r.GetValue(snapshots), 1, "--snapshots"),
                BurnIn = r.GetValue(burnIn),
                Thin = r.GetValue(thin),
                Seed = r.GetValue(seed),
                Threads = r.GetValue(threads),
            };
            var res = ConsoleProgress.Run(stderr, "SGD, Langevin and SGD-shaped noise chains", p => LangevinComparison.Run(f, settings, p));
            MultiscaleGdResult? ms = null;
            string msName = r.GetValue(multiscale)!;
            if (!string.Equals(msName, "none", StringComparison.OrdinalIgnoreCase))
                ms = ConsoleProgress.Run(stderr, "large-LR GD on " + msName, p => MultiscaleGdRow.Run(msName, Positive(r.GetValue(gdEta), "--gd-eta"), r.GetValue(gdEps),
                    AtLeast(r.GetValue(gdParticles), 100, "--gd-particles"), AtLeast(r.GetValue(gdSteps), 1, "--gd-steps"), r.GetValue(seed), r.GetValue(threads), p));
            string prefix = ImplicitBiasCommand.Sanitize(f is LeastSquaresObjective ls ? ls.Data.Name : ((LogisticRegressionObjective)f).Data.Name) + "-" + (f.IsQuadratic ? "ls" : "logistic");
            var figures = ImplicitBiasPlots.Langevin(res, dir, prefix).Select(x => Path.Combine(dir, x.Name + ".png")).ToList();
            var table = LangevinTable.Rows(res, ms);
            var csv = CsvFile.WriteNumericRows(Path.Combine(dir, prefix + "-table.csv"),
                ["row", "temperature", "variance_ratio_slow", "variance_ratio_fast", "ks", "ks_critical", "w2_relative"],
                table.Select((row, i) => new double[] { i, row.Temperature, row.VarianceRatioSlow, row.VarianceRatioFast, row.Ks, row.KsCritical, row.W2Relative }));
            var report = new
            {
                objective = res.Objective,
                samples = res.Count,
                dimension = res.Dimension,
                batch = res.Batch,
                lr = res.LearningRate,
                temperature = res.Temperature,
                temperature_rule = res.TemperatureRule,
                minimizer = res.Minimizer,
                hessian_eigenvalues = res.HessianEigenvalues,
                minibatch_noise_covariance = res.MinibatchNoiseCovariance,
                noise_to_curvature_ratios = res.NoiseToCurvatureRatios,
                gibbs = new { method = res.Gibbs.Method, mean = res.Gibbs.Mean, covariance = res.Gibbs.Covariance },
                chains = new { count = res.Chains.Chains, burn_in = res.Chains.BurnIn, snapshots = res.Chains.Snapshots, thin = res.Chains.Thin },
                methods = res.Methods.Select(x => new
                {
                    method = x.Method,
                    description = x.Description,
                    mean = x.Mean,
                    covariance = x.Covariance,
                    covariance_standard_error = x.CovarianceStandardError,
                    predicted_covariance = x.PredictedCovariance,
                    prediction = x.PredictionMethod,
                    covariance_error_to_prediction = x.CovarianceErrorToPrediction,
                    directional_variance = x.DirectionalVariance,
                    directional_temperature = x.DirectionalTemperature,
                    variance_ratio_to_gibbs = x.VarianceRatioToGibbs,
                    mean_offset_to_gibbs = x.MeanOffsetToGibbs,
                    covariance_error_to_gibbs = x.CovarianceErrorToGibbs,
                    w2_relative_to_gibbs = x.W2RelativeToGibbs,
                    ks_to_gibbs = x.KsToGibbs,
                    ks_critical = x.KsCritical,
                }).ToArray(),
                multiscale_gd = ms is null ? null : new
                {
                    objective = ms.Objective,
                    formula = ms.Formula,
                    eta = ms.Eta,
                    eps = ms.Eps,
                    sigma2 = ms.Sigma2,
                    temperature = ms.Temperature,
                    particles = ms.Particles,
                    steps = ms.Steps,
                    mean = ms.Mean,
                    variance = ms.Variance,
                    gibbs_mean = ms.GibbsMean,
                    gibbs_variance = ms.GibbsVariance,
                    linearized_map_variance = ms.LinearizedMapVariance,
                    ks_to_gibbs = ms.Ks,
                    ks_critical = ms.KsCritical,
                    w1_to_gibbs = ms.W1,
                    diverged = ms.Diverged,
                },
                table = table.Select(t => new
                {
                    source = t.Source,
                    iteration = t.Iteration,
                    objective = t.Objective,
                    temperature = t.Temperature,
                    temperature_rule = t.TemperatureRule,
                    variance_ratio_slow = t.VarianceRatioSlow,
                    variance_ratio_fast = t.VarianceRatioFast,
                    ks = t.Ks,
                    ks_critical = t.KsCritical,
                    w2_relative = t.W2Relative,
                }).ToArray(),
                figures,
                csv,
            };
            if (r.GetValue(json))
            {
                WriteJson(stdout, report);
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
