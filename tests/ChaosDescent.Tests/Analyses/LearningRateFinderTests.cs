using System.Text.Json;
using ChaosDescent.Analyses.Training;
using ChaosDescent.Cli;
using ChaosDescent.Learning;
using ChaosDescent.Maps;

namespace ChaosDescent.Tests.Analyses;

public class LearningRateFinderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("chaosdescent-lrfind-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>y = sin(x1) + 0.5·x2 plus a little deterministic noise: a tiny regression problem (60 rows).</summary>
    private string WriteCsv()
    {
        var path = Path.Combine(_dir.FullName, "toy.csv");
        var lines = new List<string> { "x1,x2,y" };
        for (int i = 0; i < 60; i++)
        {
            double x1 = -3 + 0.1 * i, x2 = Math.Cos(7 * i);
            lines.Add(FormattableString.Invariant($"{x1},{x2},{Math.Sin(x1) + 0.5 * x2 + 0.01 * Math.Sin(13 * i)}"));
        }
        File.WriteAllLines(path, lines);
        return path;
    }

    private LrFindSettings Toy(int threads = 1) => new()
    {
        Data = WriteCsv(),
        Hidden = "6",
        Activation = "tanh",
        LrMin = 0.01,
        LrMax = 100,
        Points = 5,
        Seeds = 4,
        Epochs = 300,
        Threads = threads,
    };

    /// <summary>A run with the given verdict ingredients (only the fields the classifier reads matter).</summary>
    private static TrainingResult Synthetic(bool diverged, bool converged, double lyapunov, double se, double sharpness, double lr = 0.1) => new()
    {
        Settings = new TrainingSettings { LearningRate = lr, Epochs = 100 },
        Losses = [1],
        EpochsRun = 100,
        FinalLoss = diverged ? double.NaN : 1,
        Diverged = diverged,
        DivergedAtEpoch = diverged ? 50 : -1,
        Late = new LossWindowStatistics(75, 25, 1, 0.1, 0.9, 1.1, converged ? 0 : 0.5, converged),
        Lyapunov = lyapunov,
        LyapunovStandardError = se,
        LyapunovEpochs = 25,
        SharpnessEpochs = [],
        SharpnessValues = [],
        FinalSharpness = sharpness,
        WatchedParameters = [],
        WatchedTraces = [],
        TestEpochs = [],
        TestLosses = [],
        FinalParameters = [0],
        Seconds = 0,
    };

    [Fact]
    public void ClassifierRulesOnConstructedRuns()
    {
        // η = 0.1: 2/η = 20, so sharpness 20 is η·λ/2 = 1.
        Assert.Equal(LearningRateRegime.Diverged, TrainingRegimeClassifier.Classify(Synthetic(true, false, double.NaN, double.NaN, 20)));
        Assert.Equal(LearningRateRegime.Converging, TrainingRegimeClassifier.Classify(Synthetic(false, true, 0.5, 0.01, 20)));
        Assert.Equal(LearningRateRegime.Chaotic, TrainingRegimeClassifier.Classify(Synthetic(false, false, 0.05, 0.02, 20)));
        Assert.Equal(LearningRateRegime.EdgeOfStability, TrainingRegimeClassifier.Classify(Synthetic(false, false, 0.05, 0.03, 20)));
        Assert.Equal(LearningRateRegime.EdgeOfStability, TrainingRegimeClassifier.Classify(Synthetic(false, false, -0.01, 0.001, 16.5)));
        Assert.Equal(LearningRateRegime.EdgeOfStability, TrainingRegimeClassifier.Classify(Synthetic(false, false, -0.01, 0.001, 30)));
        // Below the band (η·λ/2 = 0.75 < 0.8): linearly stable, a settling transient.
        Assert.Equal(LearningRateRegime.Converging, TrainingRegimeClassifier.Classify(Synthetic(false, false, -0.01, 0.001, 15)));
        Assert.Equal(LearningRateRegime.EdgeOfStability, TrainingRegimeClassifier.Classify(Synthetic(false, false, -0.01, 0.001, 15), sharpnessBand: 0.3));
        // No Lyapunov estimate: never chaotic.
        Assert.Equal(LearningRateRegime.EdgeOfStability, TrainingRegimeClassifier.Classify(Synthetic(false, false, double.NaN, double.NaN, 20)));
    }

    [Theory]
    [InlineData(0.5, LearningRateRegime.Converging)]   // |1 − ηc| = 0: one step to the minimum
    [InlineData(0.95, LearningRateRegime.Converging)]  // |1 − ηc| = 0.9 < 1: loss falls by 0.81 per step
    [InlineData(1.1, LearningRateRegime.Diverged)]     // |1 − ηc| = 1.2 > 1: linear instability beyond 2/c
    public void GdOnAQuadraticIsClassifiedByItsLinearStability(double etaCOver2, LearningRateRegime expected)
    {
        var loss = QuadraticLoss.Diagonal(4, 1);
        double eta = 2 * etaCOver2 / 4;
        var r = Trainer.Run(loss, [1.0, 1.0], new TrainingSettings { LearningRate = eta, Epochs = 400, SharpnessPoints = 0 });
        Assert.Equal(expected, TrainingRegimeClassifier.Classify(r));
    }

    [Fact]
    public void FractionsSumToOneAndBandsTileTheGrid()
    {
        var r = LearningRateFinder.Run(new DescentSystem(), Toy());
        Assert.Equal(5, r.Points.Count);
        Assert.Equal(20, r.Runs.Count);
        foreach (var p in r.Points)
        {
            double[] f = [p.Converging, p.EdgeOfStability, p.Chaotic, p.Diverged];
            Assert.All(f, x => Assert.InRange(x, 0, 1));
            Assert.Equal(1, f.Sum(), 12);
            Assert.InRange(p.Converging, p.ConvergingLo, p.ConvergingHi);
            Assert.InRange(p.Diverged, p.DivergedLo, p.DivergedHi);
        }
        Assert.Equal(r.Points[0].Lr, r.Bands[0].LrLo);
        Assert.Equal(r.Points[^1].Lr, r.Bands[^1].LrHi);
        Assert.Equal(r.Points.Count, r.Bands.Sum(b => b.Points));
        for (int i = 1; i < r.Bands.Count; i++) Assert.NotEqual(r.Bands[i - 1].Regime, r.Bands[i].Regime);
        // η = 100 on standardized data is far beyond 2/λ_max: every initialization diverges; η = 0.01 converges.
        Assert.Equal(1, r.Points[^1].Diverged);
        Assert.Equal(1, r.Points[0].Converging);
        Assert.NotNull(r.RecommendedLr);
        foreach (var p in r.Points.Where(p => p.Lr <= r.RecommendedLr)) Assert.True(p.Converging >= 0.95);
        Assert.Null(r.RecommendedLrConfident); // 4/4 gives a Wilson lower bound of 0.51
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        var one = ChaosDescent.Infrastructure.Json.Serialize(LearningRateFinder.Run(new DescentSystem(), Toy(1)));
        var two = ChaosDescent.Infrastructure.Json.Serialize(LearningRateFinder.Run(new DescentSystem(), Toy(2)));
        Assert.Equal(one, two);
    }

    [Fact]
    public void JsonHasTheDocumentedFieldsAndFilesAreWritten()
    {
        var outDir = Path.Combine(_dir.FullName, "out");
        var (code, stdout, stderr) = Cli("lr-find", "--data", WriteCsv(), "--target", "y", "--hidden", "6", "--activation", "tanh",
            "--lr-min", "0.01", "--lr-max", "100", "--points", "3", "--seeds", "3", "--epochs", "200", "--json", "--out", outDir);
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        var points = root.GetProperty("points");
        Assert.Equal(3, points.GetArrayLength());
        foreach (var p in points.EnumerateArray())
        {
            double sum = 0;
            foreach (var k in new[] { "converging", "edge_of_stability", "chaotic", "diverged" }) sum += p.GetProperty(k).GetDouble();
            Assert.Equal(1, sum, 12);
            Assert.True(p.GetProperty("lr").GetDouble() > 0);
        }
        foreach (var b in root.GetProperty("bands").EnumerateArray())
            foreach (var k in new[] { "lr_lo", "lr_hi", "regime" }) Assert.True(b.TryGetProperty(k, out _), k);
        Assert.True(root.TryGetProperty("recommended_lr", out _));
        foreach (var f in new[] { "lr_find_points.csv", "lr_find_bands.csv", "lr_find_runs.csv", "lr_find.png", "lr_find.svg", "summary.json" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), f);
    }

    [Fact]
    public void BadInputIsOneLineOnStderrAndExitTwo()
    {
        var csv = WriteCsv();
        string o = Path.Combine(_dir.FullName, "bad");
        string[][] cases =
        [
            ["lr-find", "--data", csv, "--target", "nope", "--epochs", "20", "--no-plots", "--out", o],
            ["lr-find", "--data", csv, "--lr-min", "1", "--lr-max", "0.1", "--no-plots", "--out", o],
            ["lr-find", "--data", csv, "--lr-min", "0.1", "--lr-max", "0.1", "--no-plots", "--out", o],
            ["lr-find", "--data", csv, "--activation", "swish", "--no-plots", "--out", o],
        ];
        foreach (var args in cases)
        {
            var (code, stdout, stderr) = Cli(args);
            Assert.Equal(2, code);
            Assert.Equal("", stdout);
            Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        var (c, _, e) = Cli("lr-find", "--data", csv, "--hidden", "4", "--lr-min", "1000", "--lr-max", "10000", "--points", "2", "--seeds", "2",
            "--epochs", "50", "--no-plots", "--out", o);
        Assert.Equal(2, c);
        Assert.Single(e.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("diverged at every learning rate", e);
        Assert.Contains("--lr-min", e);
    }
}
