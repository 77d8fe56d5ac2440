// The maximal Lyapunov exponent lambda of GD against the learning rate eta, with Thm. 9's prediction
// lambda ≈ m + ln(eta/eps) (Kong & Tao 2020, Sec. 4; m is the constant of Condition 2, computed from f1).
//
//   dotnet run examples/lyapunov-vs-eta.cs [-- OUT_DIR]
//
// Below eta ≈ e^(-m) eps (Remark 9) GD converges to a microscopic minimum and lambda < 0; above it the orbit is
// chaotic and lambda grows like ln(eta/eps).
#:project ../src/ChaosDescent/ChaosDescent.csproj
#:project ../src/ChaosDescent.Reporting/ChaosDescent.Reporting.csproj
// Expressions compile to IL at run time; file-based apps default to native-AOT settings, which forbid that.
#:property PublishAot=false

using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Expressions;
using ChaosDescent.Maps;
using ChaosDescent.Reporting.Plots;

var outDir = args.Length > 0 ? args[0] : "out/examples";
Directory.CreateDirectory(outDir);

var f = ExpressionObjective.Create(new ExpressionObjectiveSpec { F0 = "x^2/2", F1 = "sin(u)", Epsilon = 1e-3 });
double m = MConstant.Compute(f).M;

// eta from 1e-4 to 0.3 (log-spaced): from below the chaos threshold e^(-m) eps to well inside the chaotic regime.
var etas = Enumerable.Range(0, 16).Select(i => 1e-4 * Math.Pow(3000, i / 15.0)).ToArray();
var maps = etas.Select(eta => new DescentSystem { Objective = f, Map = "gd", LearningRate = eta }.CreateMap("lyapunov-vs-eta")).ToArray();
var results = LyapunovEstimator.RunMany(maps, new LyapunovSettings { Steps = 20_000, Orbits = 4, Seed = 1 });

Console.WriteLine($"f = {f.Formula}, eps = {f.Epsilon:G2}; m = {m:F4} (Condition 2), chaos threshold e^(-m) eps = {Math.Exp(-m) * f.Epsilon:G3}");
Console.WriteLine("      eta      lambda   ± s.e.   m + ln(eta/eps)");
for (int i = 0; i < etas.Length; i++)
    Console.WriteLine($"{etas[i],9:G3} {results[i].Lambda,11:F4} {results[i].StdErr,8:F4} {m + Math.Log(etas[i] / f.Epsilon),12:F4}");

var fig = new PlotFigure($"Lyapunov exponent of GD on {f.Formula}, eps = {f.Epsilon:G2}", "learning rate eta", "lambda") { LogX = true };
fig.LinePoints(etas, results.Select(r => r.Lambda).ToArray(), "measured lambda");
var chaotic = etas.Where(eta => eta > Math.Exp(-m) * f.Epsilon).ToArray();
fig.Line(chaotic, chaotic.Select(eta => m + Math.Log(eta / f.Epsilon)).ToArray(), "Thm. 9: m + ln(eta/eps)", dashed: true);
fig.HLine(0, color: ScottPlot.Colors.Gray);
fig.LegendAt(ScottPlot.Alignment.UpperLeft);
Console.WriteLine($"figure: {fig.Save(outDir, "lyapunov-vs-eta")}");
