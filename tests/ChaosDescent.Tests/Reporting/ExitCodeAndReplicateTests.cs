using System.Text.Json;
using ChaosDescent.Cli;
using ChaosDescent.Cli.Commands;
using ChaosDescent.Reporting.Plots;
using ChaosDescent.Reporting.Reproduction;
using SkiaSharp;

namespace ChaosDescent.Tests.Reporting;

/// <summary>
/// The exit-1 paths of <c>reproduce</c> (a failing check, an internal error), the replicate statistics, and plots that
/// are not blank.
/// </summary>
public sealed class ExitCodeAndReplicateTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cd-exit-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>An experiment whose measured value is a deterministic function of the seed.</summary>
    private sealed class SeededFake(string id, Func<ulong, Check> check) : IReproduction
    {
        public string Id => id;
        public string Title => "fake " + id;
        public string PaperReference => "none";
        public int Order => 1;

        public ReproductionResult Run(ReproductionContext context)
        {
            var r = new ReproductionResult();
            r.Checks.Add(check(context.Seed));
            return r;
        }
    }

    private sealed class Throwing : IReproduction
    {
        public string Id => "throws";
        public string Title => "throws";
        public string PaperReference => "none";
        public int Order => 2;
        public ReproductionResult Run(ReproductionContext context) => throw new NullReferenceException("a bug");
    }

    private (int Code, string Out, string Err) Run(Func<IReadOnlyList<IReproduction>> source, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        ReproduceCommand.ExperimentSource.Value = source;
        try
        {
            return (Program.Run(["reproduce", "--out", _dir, .. args], o, e), o.ToString(), e.ToString());
        }
        finally
        {
            ReproduceCommand.ExperimentSource.Value = null;
        }
    }

    [Fact]
    public void A_failing_check_exits_1_and_is_not_reported_as_an_error()
    {
        var (code, stdout, stderr) = Run(() => [new SeededFake("fails", _ => Check.AtMost("too-big", "a value", 1, 2))]);
        Assert.Equal(1, code);
        Assert.Contains("FAIL", stdout);
        Assert.DoesNotContain("error", stderr);
    }

    [Fact]
    public void A_throwing_experiment_exits_1_with_its_completed_check_failed()
    {
        var (code, stdout, _) = Run(() => [new Throwing()]);
        Assert.Equal(1, code);
        Assert.Contains("throws.completed", stdout);
        Assert.Contains("NullReferenceException: a bug", stdout);
    }

    [Fact]
    public void An_internal_error_exits_1_and_is_not_mistaken_for_a_user_error()
    {
        var (code, stdout, stderr) = Run(() => throw new InvalidOperationException("broken discovery"));
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("internal error: InvalidOperationException: broken discovery", stderr);
        Assert.DoesNotContain("\nerror:", "\n" + stderr);
    }

    [Fact]
    public void Replicates_report_pass_rate_quantiles_and_consistency()
    {
        // measured = seed mod 10: replicate 0 (seed 7) is the plain report; the others are spread over 0..9.
        Check Make(ulong seed) => Check.AtMost("mod", "seed mod 10", 8.5, seed % 10).WithFalseAlarmRate(0.2);
        var (code, stdout, _) = Run(() => [new SeededFake("seeded", Make)], "--seed", "7", "--replicates", "12", "--json", "--threads", "2");
        using var doc = JsonDocument.Parse(stdout);
        var c = Assert.Single(doc.RootElement.GetProperty("checks").EnumerateArray());
        var seeds = Enumerable.Range(0, 12).Select(r => ReportDriver.ReplicateSeed(7, r)).ToArray();
        Assert.Equal(7UL, seeds[0]);
        Assert.Equal(12, seeds.Distinct().Count());
        var measured = seeds.Select(s => (double)(s % 10)).ToArray();
        Assert.Equal(12, c.GetProperty("replicates").GetInt32());
        Assert.Equal(7, c.GetProperty("measured").GetDouble());
        Assert.Equal(measured, c.GetProperty("replicate_measured").EnumerateArray().Select(v => v.GetDouble()));
        int failures = measured.Count(m => m > 8.5);
        Assert.Equal((12 - failures) / 12.0, c.GetProperty("pass_rate").GetDouble(), 12);
        Assert.Equal(ReplicateStatistics.Quantiles(measured, 0.05, 0.5, 0.95), c.GetProperty("measured_quantiles").EnumerateArray().Select(v => v.GetDouble()));
        bool consistent = ReplicateStatistics.IsConsistent(failures, 12, 0.2);
        Assert.Equal(consistent, c.GetProperty("consistent").GetBoolean());
        Assert.Equal(consistent ? 0 : 1, code);
        Assert.False(Directory.Exists(Path.Combine(_dir, ".replicates")));
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(_dir, "report.html")));
    }

    [Fact]
    public void A_deterministic_check_that_fails_at_one_replicate_is_inconsistent()
    {
        var (code, stdout, _) = Run(() => [new SeededFake("det", s => Check.True("holds", "holds except at replicate 0", s != 5).Deterministic())],
            "--seed", "5", "--replicates", "3", "--json");
        using var doc = JsonDocument.Parse(stdout);
        var c = Assert.Single(doc.RootElement.GetProperty("checks").EnumerateArray());
        Assert.False(c.GetProperty("consistent").GetBoolean());
        Assert.Equal(2 / 3.0, c.GetProperty("pass_rate").GetDouble(), 12);
        Assert.Equal(1, code);
    }

    [Fact]
    public void Binomial_tail_and_wilson_interval_match_closed_forms()
    {
        // P(X ≥ 1) = 1 − (1 − p)^n; Wilson at 0 successes: upper = z²/(n + z²).
        Assert.Equal(1 - Math.Pow(1 - 5e-5, 20), ReplicateStatistics.BinomialUpperTail(1, 20, 5e-5), 15);
        Assert.Equal(0, ReplicateStatistics.BinomialUpperTail(1, 20, 0));
        var (lo, hi) = ReplicateStatistics.Wilson(0, 32, 1.96);
        Assert.Equal(0, lo, 15);
        Assert.Equal(1.96 * 1.96 / (32 + 1.96 * 1.96), hi, 12);
        Assert.True(ReplicateStatistics.IsConsistent(1, 20, 5e-5));
        Assert.False(ReplicateStatistics.IsConsistent(2, 20, 5e-5));
    }

    [Fact]
    public void A_rendered_plot_is_not_blank()
    {
        var fig = new PlotFigure("a parabola", "x", "y") { Width = 320, Height = 240 };
        var x = Enumerable.Range(0, 50).Select(i => i / 10.0).ToArray();
        fig.Line(x, x.Select(v => v * v).ToArray(), "x²");
        Directory.CreateDirectory(_dir);
        fig.Save(_dir, "parabola");
        using var bitmap = SKBitmap.Decode(Path.Combine(_dir, "parabola.png"));
        Assert.Equal(320, bitmap.Width);
        Assert.Equal(240, bitmap.Height);
        // Luminance variance over all pixels: a blank (single-colour) image has 0; axes, text and a line give much more.
        double sum = 0, sum2 = 0;
        int n = 0, dark = 0;
        for (int j = 0; j < bitmap.Height; j++)
            for (int i = 0; i < bitmap.Width; i++)
            {
                var p = bitmap.GetPixel(i, j);
                double l = 0.2126 * p.Red + 0.7152 * p.Green + 0.0722 * p.Blue;
                sum += l;
                sum2 += l * l;
                n++;
                if (l < 128) dark++;
            }
        double variance = sum2 / n - sum / n * (sum / n);
        Assert.True(variance > 100, $"luminance variance {variance}");
        Assert.True(dark > 200, $"{dark} dark pixels");
    }
}
