// Your own objective and its ensemble against the rescaled Gibbs law (Kong & Tao 2020, Thm. 4 and eq. 2).
//
//   dotnet run examples/own-objective.cs [-- OUT_DIR]
//
// f = f0 + eps*f1(x/eps) written as formulas: a tilted quartic macro-scale with a two-harmonic periodic micro-scale.
// Deterministic GD with a large learning rate (eps << eta << 1) turns the micro-scale into noise zeta; sigma^2 of
// that noise, and so the Gibbs law exp(-2 f0/(eta sigma^2))/Z, are derived from f1 — nothing is typed in by hand.
#:project ../src/ChaosDescent/ChaosDescent.csproj
#:project ../src/ChaosDescent.Reporting/ChaosDescent.Reporting.csproj
// Expressions compile to IL at run time; file-based apps default to native-AOT settings, which forbid that.
#:property PublishAot=false

using ChaosDescent.Analyses.Distributions;
using ChaosDescent.Expressions;
using ChaosDescent.Maps;
using ChaosDescent.Reporting.Plots;
using ChaosDescent.Runners;

var outDir = args.Length > 0 ? args[0] : "out/examples";
Directory.CreateDirectory(outDir);

// Change these three lines to study your own landscape.
var f = ExpressionObjective.Create(new ExpressionObjectiveSpec
{
    F0 = "x^4/4 + x/10",            // macro-scale f0
    F1 = "sin(u) + cos(2*u)/2",     // micro-scale f1 in the fast variable u = x/eps (2*pi-periodic)
    Epsilon = 1e-6,
});
double eta = 0.1;

var system = new DescentSystem { Objective = f, Map = "gd", LearningRate = eta };
var comparison = DistributionComparison.Run(new DistributionRequest
{
    Map = system.CreateMap("own-objective"),
    Particles = 100_000,
    Steps = 500,
    Initial = InitialCondition.Uniform(-1, 1),
    Seed = 1,
});

var (tv, ks, w1) = comparison.Headline;
var x = comparison.Marginals[0];
Console.WriteLine($"f = {f.Formula}: sigma^2 = {comparison.Sigma2:G4} (from f1), eta = {eta}, eps = {f.Epsilon:G2}");
Console.WriteLine($"ensemble of {comparison.SampleSize} particles after 500 GD steps: mean {x.Moments.Mean:F4} (Gibbs {x.GibbsMean:F4}), " +
                  $"variance {x.Moments.Variance:F4} (Gibbs {x.GibbsVariance:F4})");
Console.WriteLine($"distance to the rescaled Gibbs law: TV {tv:F4}, KS {ks:F4}, W1 {w1:F4}");
foreach (var png in DistributionPlots.HistogramVsGibbs(comparison, outDir, "own-objective", $"GD on f = {f.Formula}, eta = {eta}"))
    Console.WriteLine($"figure: {png}");
