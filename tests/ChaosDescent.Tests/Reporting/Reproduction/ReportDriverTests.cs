using System.Text.Json;
using ChaosDescent.Reporting.Plots;
using ChaosDescent.Reporting.Reproduction;

namespace ChaosDescent.Tests.Reporting.Reproduction;

/// <summary>The report driver with fake experiments: selection, isolation of failures, outputs, HTML, results.json.</summary>
public sealed class ReportDriverTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cd-report-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A configurable fake: writes one small figure and one CSV, returns the checks it is given.</summary>
    private sealed class Fake(string id, int order, Func<ReproductionContext, ReproductionResult>? run = null) : IReproduction
    {
        public string Id => id;
        public string Title => $"Fake experiment {id} <b>&</b>";
        public string PaperReference => $"Sec. {order}";
        public int Order => order;
        public List<string> Log { get; } = new();
        public ReproductionContext? Context { get; private set; }

        public ReproductionResult Run(ReproductionContext context)
        {
            Context = context;
            Log.Add("run");
            context.Progress?.Report(0.5);
            if (run is not null) return run(context);
            var r = new ReproductionResult();
            var fig = new PlotFigure($"fake {id}", "x", "y") { Width = 200, Height = 150 };
            fig.Line([0, 1, 2], [0, 1, 4], "x²");
            r.AddFigure(context, fig, $"fake_{id}", $"Caption of {id}");
            r.AddCsv(context, $"fake_{id}", ["x", "y"], [0.0, 1.0, 2.0], [0.0, 1.0, double.NaN]);
            r.Checks.Add(Check.Near($"{id}.near", "a number near 1", 1.0, 1.01, 0.05));
            r.Checks.Add(Check.AtMost($"{id}.small", "a small distance", 0.1, 0.02));
            r.Notes.Add("Note with <script>alert(1)</script> & an ampersand.");
            r.Data["tv"] = 0.02;
            r.Data["curve"] = new[] { 1.0, double.NaN, 3.0 };
            return r;
        }
    }

    private ReportOptions Options(bool quick = true) => new() { OutputDirectory = _dir, Quick = quick, Seed = 7, Threads = 1 };

    [Fact]
    public void Select_filters_case_insensitively_and_keeps_report_order()
    {
        var all = new IReproduction[] { new Fake("c", 30), new Fake("a", 10), new Fake("b", 20) };
        var picked = ReportDriver.Select(all, ["C", " a "]);
        Assert.Equal(["a", "c"], picked.Select(e => e.Id));
        Assert.Equal(["a", "b", "c"], ReportDriver.Select(all, null).Select(e => e.Id));
    }

    [Fact]
    public void Select_rejects_unknown_ids_and_lists_the_valid_ones()
    {
        var all = new IReproduction[] { new Fake("fig3", 110), new Fake("fig1", 100) };
        var e = Assert.Throws<UserInputException>(() => ReportDriver.Select(all, ["fig3", "fig99"]));
        Assert.Contains("'fig99'", e.Message);
        Assert.Contains("valid ids: fig1, fig3", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Throws<UserInputException>(() => ReportDriver.Select(all, [" ", ""]));
    }

    [Fact]
    public void Duplicate_ids_are_a_bug()
    {
        Assert.Throws<InvalidOperationException>(() => new ReportDriver(Options(), [new Fake("x", 1), new Fake("X", 2)]));
    }

    [Fact]
    public void A_failing_experiment_is_isolated_and_reported()
    {
        var first = new Fake("first", 1);
        var broken = new Fake("broken", 2, _ => throw new InvalidOperationException("boom: the map diverged"));
        var failing = new Fake("failing", 3, _ =>
        {
            var r = new ReproductionResult();
            r.Checks.Add(Check.AtMost("failing.tv", "TV to Gibbs", 0.05, 0.2));
            r.Checks.Add(Check.Near("failing.nan", "a NaN never passes", 0, double.NaN, 1));
            return r;
        });
        var results = new ReportDriver(Options(), [failing, broken, first]).Run();

        Assert.Equal(["run"], first.Log);
        Assert.Equal(["run"], broken.Log);
        Assert.Equal(["run"], failing.Log); // ran after the broken one
        Assert.False(results.AllPassed);
        Assert.Equal(["first", "broken", "failing"], results.Experiments.Select(e => e.Id));
        Assert.Equal(["passed", "error", "failed_checks"], results.Experiments.Select(e => e.Status));
        Assert.Contains("boom: the map diverged", results.Experiments[1].Error);
        var completed = Assert.Single(results.Checks, c => c.Id == "broken.completed");
        Assert.False(completed.Pass);
        Assert.Equal(1, results.Summary.ExperimentsFailed);
        Assert.Equal(results.Checks.Count - 2 - 1, results.Summary.ChecksPassed);

        var html = File.ReadAllText(Path.Combine(_dir, "report.html"));
        Assert.Contains("boom: the map diverged", html);
        Assert.Contains("Not all checks passed", html);
    }

    [Fact]
    public void All_passing_run_passes_and_passes_context_through()
    {
        var a = new Fake("a", 1);
        var results = new ReportDriver(new ReportOptions { OutputDirectory = _dir, Quick = false, Seed = 99, Threads = 3 }, [a]).Run();
        Assert.True(results.AllPassed);
        Assert.NotNull(a.Context);
        Assert.False(a.Context!.Quick);
        Assert.Equal(99UL, a.Context.Seed);
        Assert.Equal(3, a.Context.Threads);
        Assert.Equal(Path.Combine(_dir, "figures"), a.Context.FigureDirectory);
        Assert.Equal("full", results.Metadata.Mode);
        Assert.Equal(Environment.ProcessorCount, results.Metadata.Cores);
    }

    [Fact]
    public void Outputs_are_complete_and_leave_no_temporary_files()
    {
        new ReportDriver(Options(), [new Fake("a", 1), new Fake("b", 2, _ => throw new Exception("x"))]).Run();
        // A second run over the same folder replaces the files.
        var results = new ReportDriver(Options(), [new Fake("a", 1)]).Run();
        Assert.True(results.AllPassed);
        foreach (var f in new[] { "report.html", "results.json", "figures/fake_a.png", "figures/fake_a.svg", "data/fake_a.csv" })
            Assert.True(File.Exists(Path.Combine(_dir, f)), f);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(_dir, ".write-probe*", SearchOption.AllDirectories));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "results.json")));
        Assert.Single(doc.RootElement.GetProperty("experiments").EnumerateArray());
        var csv = File.ReadAllLines(Path.Combine(_dir, "data/fake_a.csv"));
        Assert.Equal(["x,y", "0,0", "1,1", "2,"], csv);
        var png = File.ReadAllBytes(Path.Combine(_dir, "figures/fake_a.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }

    [Fact]
    public void Html_is_self_contained_and_escapes_experiment_text()
    {
        new ReportDriver(Options(), [new Fake("a", 1), new Fake("b", 2)]).Run();
        var html = File.ReadAllText(Path.Combine(_dir, "report.html"));
        Assert.StartsWith("<!DOCTYPE html>", html);
        // Nothing fetched from elsewhere: no URLs, no external scripts or style sheets.
        Assert.DoesNotContain("http:", html);
        Assert.DoesNotContain("https:", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("@import", html);
        // Every image is embedded.
        var srcs = System.Text.RegularExpressions.Regex.Matches(html, "src=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, srcs.Count);
        Assert.All(srcs, s => Assert.StartsWith("data:image/png;base64,", s));
        Assert.All(srcs, s => Convert.FromBase64String(s["data:image/png;base64,".Length..]));
        Assert.Contains("&lt;script&gt;", html);
        Assert.Contains("Fake experiment a &lt;b&gt;&amp;&lt;/b&gt;", html);
        // Table of contents, summary, checks, metadata.
        Assert.Contains("href=\"#exp-a\"", html);
        Assert.Contains("id=\"exp-b\"", html);
        Assert.Contains("id=\"summary\"", html);
        Assert.Contains("<code>a.<wbr>near</code>", html); // check ids may break after a dot on narrow screens
        // The table of contents stays visible; each figure names the command that regenerates it.
        Assert.Contains("<nav class=\"toc\"", html);
        Assert.Contains("position: sticky", html);
        Assert.Contains("chaosdescent reproduce --only a --quick --seed", html);
        Assert.Contains("All checks passed", html);
        Assert.Contains("logical cores", html);
        Assert.Contains("quick", html);
    }

    [Fact]
    public void Results_json_has_the_documented_schema()
    {
        new ReportDriver(Options(), [new Fake("a", 1), new Fake("b", 2, _ => throw new InvalidOperationException("no"))]).Run();
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "results.json")));
        var root = doc.RootElement;
        foreach (var key in new[] { "metadata", "summary", "experiments", "checks" }) Assert.True(root.TryGetProperty(key, out _), key);
        var meta = root.GetProperty("metadata");
        foreach (var key in new[] { "version", "date", "mode", "seed", "cores", "threads", "total_seconds" }) Assert.True(meta.TryGetProperty(key, out _), key);
        Assert.Equal("quick", meta.GetProperty("mode").GetString());
        Assert.Equal(7UL, meta.GetProperty("seed").GetUInt64());

        var exps = root.GetProperty("experiments").EnumerateArray().ToList();
        Assert.Equal(2, exps.Count);
        foreach (var e in exps)
            foreach (var key in new[] { "id", "title", "paper_reference", "order", "status", "error", "seconds", "figures", "data", "data_files", "notes", "checks", "checks_passed" })
                Assert.True(e.TryGetProperty(key, out _), key);
        var a = exps[0];
        Assert.Equal("a", a.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, a.GetProperty("error").ValueKind);
        var fig = Assert.Single(a.GetProperty("figures").EnumerateArray());
        Assert.Equal("figures/fake_a.png", fig.GetProperty("png").GetString());
        Assert.Equal("Caption of a", fig.GetProperty("caption").GetString());
        Assert.Equal(0.02, a.GetProperty("data").GetProperty("tv").GetDouble());
        // NaN is never dressed up as a number.
        Assert.Equal(JsonValueKind.Null, a.GetProperty("data").GetProperty("curve")[1].ValueKind);
        Assert.Equal(["data/fake_a.csv"], a.GetProperty("data_files").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal("error", exps[1].GetProperty("status").GetString());

        var checks = root.GetProperty("checks").EnumerateArray().ToList();
        Assert.Equal(3, checks.Count);
        foreach (var c in checks)
            foreach (var key in new[] { "id", "experiment", "description", "expected", "measured", "tolerance", "relation", "pass", "note", "expectation" })
                Assert.True(c.TryGetProperty(key, out _), key);
        var near = checks.Single(c => c.GetProperty("id").GetString() == "a.near");
        Assert.Equal(1.0, near.GetProperty("expected").GetDouble());
        Assert.Equal(1.01, near.GetProperty("measured").GetDouble());
        Assert.Equal(0.05, near.GetProperty("tolerance").GetDouble());
        Assert.True(near.GetProperty("pass").GetBoolean());
        Assert.False(root.GetProperty("summary").GetProperty("all_passed").GetBoolean());
    }

    [Fact]
    public void Step_runner_gets_one_titled_step_per_experiment_and_progress_reaches_one()
    {
        var titles = new List<string>();
        var last = new List<double>();
        var results = new ReportDriver(Options(), [new Fake("b", 2), new Fake("a", 1)]).Run(steps =>
        {
            foreach (var (title, work) in steps)
            {
                titles.Add(title);
                var sink = new Recorder();
                work(sink);
                last.Add(sink.Values[^1]);
            }
        });
        Assert.Equal(["a: Fake experiment a <b>&</b>", "b: Fake experiment b <b>&</b>"], titles);
        Assert.Equal([1.0, 1.0], last);
        Assert.True(results.AllPassed);
    }

    [Fact]
    public void A_step_the_runner_skips_is_reported_as_not_run()
    {
        var results = new ReportDriver(Options(), [new Fake("a", 1), new Fake("b", 2)]).Run(steps => steps[0].Work(new Recorder()));
        Assert.Equal("error", results.Experiments[1].Status);
        Assert.False(results.AllPassed);
    }

    [Fact]
    public void Unwritable_output_folder_is_a_user_error_before_any_experiment_runs()
    {
        var file = Path.Combine(Path.GetTempPath(), "cd-report-file-" + Guid.NewGuid().ToString("N")[..8]);
        File.WriteAllText(file, "");
        try
        {
            var a = new Fake("a", 1);
            Assert.Throws<UserInputException>(() => new ReportDriver(new ReportOptions { OutputDirectory = Path.Combine(file, "sub") }, [a]).Run());
            Assert.Empty(a.Log);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Discovered_experiments_have_unique_ids_and_are_sorted()
    {
        var all = ReportDriver.Discover();
        Assert.Equal(all.Count, all.Select(e => e.Id).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(all.Select(e => e.Order).Order(), all.Select(e => e.Order));
        Assert.All(all, e => Assert.Matches("^[a-z0-9][a-z0-9.-]*$", e.Id));
    }

    private sealed class Recorder : IProgress<double>
    {
        public List<double> Values { get; } = new();
        public void Report(double value) { lock (Values) Values.Add(value); }
    }
}
