// A sweep driven from code: every analysis of the library has the same call shape, Run(system, settings, progress),
// and is found by name in AnalysisCatalog — the name is the CLI command and the experiment-file key. Here the
// "lyapunov" analysis runs over a grid of (eta, eps) for a catalog objective, and the measured exponent is compared
// with Thm. 9's m + ln(eta/eps) over the chaotic cells (Kong & Tao 2020, Sec. 4).
//
//   dotnet run examples/sweep-from-code.cs [-- OUT_DIR]
//
// Swap "lyapunov" for any name in AnalysisCatalog.All (printed below) and its settings record to sweep another one.
#:project ../src/ChaosDescent/ChaosDescent.csproj
#:project ../src/ChaosDescent.Reporting/ChaosDescent.Reporting.csproj
#:property PublishAot=false

using ChaosDescent.Analyses;
using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Reporting.Plots;

var outDir = args.Length > 0 ? args[0] : "out/examples";
Directory.CreateDirectory(outDir);

Console.WriteLine($"analyses in the catalog: {string.Join(", ", AnalysisCatalog.All.Select(a => a.Name))}");
var analysis = AnalysisCatalog.Get("lyapunov");
var settings = (LyapunovSettings)analysis.DefaultSettings() with { Steps = 5_000, Orbits = 2, Seed = 7 };

// The grid: 9 learning rates × 7 micro-scales, log-spaced.
var etas = Enumerable.Range(0, 9).Select(i => 1e-3 * Math.Pow(100, i / 8.0)).ToArray();   // 1e-3 … 0.1
var epss = Enumerable.Range(0, 7).Select(j => 1e-5 * Math.Pow(100, j / 6.0)).ToArray();   // 1e-5 … 1e-3
var lambda = new double[epss.Length, etas.Length];
double m = MConstant.Compute(ObjectiveCatalog.Create("quartic-sin")).M;
var deviations = new List<double>();
for (int j = 0; j < epss.Length; j++)
    for (int i = 0; i < etas.Length; i++)
    {
        var system = new DescentSystem { Objective = ObjectiveCatalog.Create("quartic-sin", epss[j]), Map = "gd", LearningRate = etas[i] };
        var r = (LyapunovReport)analysis.Run(system, settings, progress: null);
        lambda[j, i] = r.Lambda;
        // Thm. 9 is an asymptotic statement for eta/eps large: compare where eta/eps ≥ 100.
        if (etas[i] / epss[j] >= 100)
        {
            deviations.Add(Math.Abs(r.Lambda - (m + Math.Log(etas[i] / epss[j]))));
        }
    }

Console.WriteLine($"quartic-sin, GD: {etas.Length * epss.Length} runs of '{analysis.Name}' ({settings.Orbits} orbits × {settings.Steps} steps each)");
Console.WriteLine($"lambda from {lambda.Cast<double>().Min():F3} to {lambda.Cast<double>().Max():F3}; m = {m:F4}");
deviations.Sort();
// Short orbits (2 × 5000 steps) and the periodic windows of the map leave a few cells off the asymptotic line.
Console.WriteLine($"|lambda − (m + ln(eta/eps))| over the {deviations.Count} cells with eta/eps ≥ 100: " +
                  $"median {deviations[deviations.Count / 2]:F3}, largest {deviations[^1]:F3}");

var fig = new PlotFigure("Lyapunov exponent of GD on x^4/4 + eps sin(x/eps)", "log10 eta", "log10 eps") { Width = 760, Height = 520 };
fig.Heatmap(lambda, Math.Log10(etas[0]), Math.Log10(etas[^1]), Math.Log10(epss[0]), Math.Log10(epss[^1]), "lambda");
Console.WriteLine($"figure: {fig.Save(outDir, "sweep-from-code")}");
