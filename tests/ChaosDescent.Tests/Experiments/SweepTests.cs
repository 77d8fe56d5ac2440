using System.Diagnostics;
using System.Text.Json;
using ChaosDescent.Cli;
using ChaosDescent.Experiments;
using ChaosDescent.Experiments.Sweeps;

namespace ChaosDescent.Tests.Experiments;

/// <summary>
/// The sweep engine: expansion of a file into units (axes, zip, seeds), binding to settings records, and the run /
/// shard / resume / merge paths, whose results.json must be byte-identical however the units were scheduled.
/// </summary>
public sealed class SweepTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chaosdescent-tests", "sweep-" + Guid.NewGuid().ToString("N"));

    public SweepTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private const string IssueGrid = """
        name: lyapunov-grid
        seed: 7
        objective: {name: quadratic-sin}
        eta: {from: 1.0e-3, to: 1.0e-1, count: 8, scale: log}
        eps: [1.0e-4, 1.0e-3]
        analyses:
          - lyapunov: {steps: 20000}
        """;

    /// <summary>A small grid (12 units of a few ms each) for the run paths.</summary>
    private const string Small = """
        name: small
        seed: 3
        objective: {name: quadratic-sin}
        eta: [0.002, 0.005, 0.01, 0.02]
        eps: [1.0e-4, 1.0e-3, 1.0e-2]
        analyses:
          - lyapunov: {steps: 2000, burn_in: 100, orbits: 8}
        """;

    private static SweepPlan Plan(string yaml) => SweepPlan.Expand(ExperimentFile.Parse(yaml, "t.yaml"));

    private static UserInputException Fail(string yaml) => Assert.ThrowsAny<UserInputException>(() => Plan(yaml));

    private string File(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static void Ok((int Code, string Out, string Err) r) => Assert.True(r.Code == 0, r.Err);

    [Fact]
    public void The_issue_grid_expands_into_sixteen_units_last_axis_fastest()
    {
        var plan = Plan(IssueGrid);
        Assert.Equal(16, plan.Count);
        var units = plan.Units.ToList();
        Assert.Equal([0.001, 0.0001], units[0].Coordinates.Select(c => c.Value));
        Assert.Equal([0.001, 0.001], units[1].Coordinates.Select(c => c.Value));
        Assert.Equal(0.1, units[15].Coordinates[0].Value);
        Assert.Equal("lyapunov_eta=0.001_eps=0.001", units[1].Label);
        // Seeds: the i-th SplitMix64 output of the file's seed, all different.
        Assert.Equal(SweepPlan.DerivedSeed(7, 5), units[5].Seed);
        Assert.Equal(16, units.Select(u => u.Seed).Distinct().Count());
        var (_, system, settings) = plan.Build(units[3]);
        Assert.Equal(units[3].Coordinates[0].Value, system.LearningRate);
        Assert.Equal(0.001, ((ChaosDescent.Objectives.MultiscaleObjective)system.Objective!).Epsilon);
        var s = Assert.IsType<ChaosDescent.Analyses.Chaos.LyapunovSettings>(settings);
        Assert.Equal(20000, s.Steps);
        Assert.Equal(units[3].Seed, s.Seed);
    }

    [Fact]
    public void DerivedSeed_is_SplitMix64()
    {
        // SplitMix64 (Steele, Lea & Flood 2014) from state 0: the first output is 0xE220A8397B1DCDAF.
        Assert.Equal(0xE220A8397B1DCDAFUL, SweepPlan.DerivedSeed(0, 0));
    }

    [Fact]
    public void Seed_axes_are_verbatim_and_fixed_seeds_are_shared()
    {
        var replicates = Plan("objective: quadratic-sin\neta: 0.01\nseed: [5, 6, 7]\nanalyses: [lyapunov]");
        Assert.Equal([5UL, 6UL, 7UL], replicates.Units.Select(u => u.Seed!.Value));
        var range = Plan("objective: quadratic-sin\neta: 0.01\nseed: {from: 1, to: 4, count: 4}\nanalyses: [lyapunov]");
        Assert.Equal([1UL, 2UL, 3UL, 4UL], range.Units.Select(u => u.Seed!.Value));
        var fixedSeeds = Plan("objective: quadratic-sin\nseed: 9\nseeds: fixed\neta: [0.01, 0.02]\nanalyses: [lyapunov]");
        Assert.All(fixedSeeds.Units, u => Assert.Equal(9UL, u.Seed));
    }

    [Fact]
    public void Any_numeric_setting_is_an_axis_and_zip_pairs_axes()
    {
        var plan = Plan("""
            objective: {name: doublewell-sin, params: {k: [1, 2]}, eps: 1.0e-4}
            eta: 0.01
            analyses:
              - lyapunov: {steps: [1000, 2000, 4000], orbits: 8}
            """);
        Assert.Equal(6, plan.Count);
        var u = plan.Unit(5);
        Assert.Equal(["k", "steps"], u.Coordinates.Select(c => c.Axis));
        var (_, system, settings) = plan.Build(u);
        Assert.Equal(2, ((ChaosDescent.Objectives.MultiscaleObjective)system.Objective!).Parameters["k"]);
        Assert.Equal(4000, ((ChaosDescent.Analyses.Chaos.LyapunovSettings)settings).Steps);

        var zipped = Plan("objective: quadratic-sin\neta: [0.01, 0.02, 0.03]\neps: [1.0e-4, 2.0e-4, 3.0e-4]\nzip: [eta, eps]\nanalyses: [lyapunov]");
        Assert.Equal(3, zipped.Count);
        Assert.Equal([0.02, 2.0e-4], zipped.Unit(1).Coordinates.Select(c => c.Value));
        Assert.Contains("zipped axes need equal lengths", Fail("objective: quadratic-sin\neta: [0.01, 0.02]\neps: [1.0e-4]\nzip: [eta, eps]\nanalyses: [lyapunov]").Message);
    }

    [Theory]
    [InlineData("objective: quadratic-sin\neta: 0.1\nanalyses: [lyapnov]", "t.yaml:3:12: 'analyses': unknown analysis 'lyapnov'; known: ")]
    [InlineData("objective: quadratic-sin\neta: 0.1\nanalyses:\n  - lyapunov: {stepz: 5}", "t.yaml:4:16: 'analyses.lyapunov.stepz': 'stepz' is not a setting of 'lyapunov'; its settings: ")]
    [InlineData("objective: quadratic-sin\neta: 0.1\nanalyses:\n  - lyapunov: {spectrum: [true, false]}", "t.yaml:4:26: 'analyses.lyapunov.spectrum': 'spectrum' is not numeric (true/false): only numeric settings can be axes")]
    [InlineData("objective: quadratic-sin\neta: {from: 0.1, to: 1, count: 0}\nanalyses: [lyapunov]", "t.yaml:2:32: 'eta.count': expected an integer between 1 and 1000000 (a range is never empty)")]
    [InlineData("objective: quadratic-sin\neta: []\nanalyses: [lyapunov]", "t.yaml:2:6: 'eta': empty list")]
    [InlineData("objective: quadratic-sin\neta: 0.1\nanalyses:\n  - lyapunov: {steps: many}", "t.yaml:4:23: 'analyses.lyapunov.steps': expected a number, got 'many'")]
    [InlineData("objective: quadratic-sin\neta: 0.1\nanalyses:\n  - lyapunov: {steps: 10.5}", "t.yaml:4:23: 'analyses.lyapunov.steps': expected a whole number")]
    [InlineData("objective: quadratic-sin\neta: 0.1\nensemble: {partcles: 10}\nanalyses: [lyapunov]", "t.yaml:3:12: 'ensemble.partcles': 'partcles' is not a setting of any analysis in this experiment (lyapunov)")]
    [InlineData("objective: quadratic-sin\neta: [0.1, 0.2]\nzip: [eta, epz]\nanalyses: [lyapunov]", "t.yaml:3:6: 'zip': 'epz' is not an axis here")]
    [InlineData("objective: quadratic-sin\nseeds: random\nanalyses: [lyapunov]", "t.yaml:2:1: 'seeds': expected 'derived'")]
    public void Bad_input_is_one_user_error_at_its_line(string yaml, string expected)
    {
        Assert.StartsWith(expected, Fail(yaml).Message);
    }

    [Fact]
    public void Shards_are_balanced_disjoint_and_cover_the_plan()
    {
        for (int count = 0; count <= 40; count++)
            for (int n = 1; n <= 7; n++)
            {
                var shards = Enumerable.Range(0, n).Select(i => SweepPlan.ShardIndices(count, i, n).ToList()).ToList();
                Assert.Equal(Enumerable.Range(0, count), shards.SelectMany(s => s).Order());
                Assert.True(shards.Max(s => s.Count) - shards.Min(s => s.Count) <= 1);
            }
    }

    [Theory]
    [InlineData("3/2")]
    [InlineData("2/2")]
    [InlineData("-1/2")]
    [InlineData("1/0")]
    [InlineData("one/two")]
    public void A_shard_that_does_not_exist_is_a_user_error(string shard)
    {
        var yaml = File("s.yaml", Small);
        var out1 = Path.Combine(_dir, "o");
        var (code, stdout, stderr) = Cli("run", yaml, "--shard", shard, "--out", out1);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(out1));
    }

    [Fact]
    public void Threads_sharding_and_merging_give_byte_identical_results()
    {
        var yaml = File("s.yaml", Small);
        string one = Path.Combine(_dir, "one"), two = Path.Combine(_dir, "two");
        Ok(Cli("run", yaml, "--out", one, "--threads", "1"));
        Ok(Cli("run", yaml, "--out", two, "--threads", "2"));
        var reference = System.IO.File.ReadAllBytes(Path.Combine(one, "results.json"));
        Assert.Equal(reference, System.IO.File.ReadAllBytes(Path.Combine(two, "results.json")));
        var text = System.Text.Encoding.UTF8.GetString(reference);
        Assert.DoesNotContain("\"seconds\"", text);
        using (var doc = JsonDocument.Parse(reference))
        {
            var units = doc.RootElement.GetProperty("units");
            Assert.Equal(12, units.GetArrayLength());
            for (int i = 0; i < 12; i++) Assert.Equal(i, units[i].GetProperty("index").GetInt32());
            Assert.True(double.IsFinite(units[11].GetProperty("result").GetProperty("lambda").GetDouble()));
        }
        Assert.True(System.IO.File.Exists(Path.Combine(one, "timing.json")));
        Assert.Equal(13, System.IO.File.ReadAllLines(Path.Combine(one, "table.csv")).Length);
        Assert.True(System.IO.File.Exists(Path.Combine(one, "sweep-lyapunov.png")));
        Assert.False(System.IO.File.Exists(Path.Combine(one, SeedSpread.FileName)), "no seed axis, no spread over seeds");

        // Three shards in three folders (a unit's seed does not depend on its shard), merged.
        var shards = Enumerable.Range(0, 3).Select(i => Path.Combine(_dir, $"shard{i}")).ToArray();
        for (int i = 0; i < 3; i++)
        {
            var (code, stdout, err) = Cli("run", yaml, "--shard", $"{i}/3", "--out", shards[i], "--json");
            Assert.True(code == 0, err);
            using var j = JsonDocument.Parse(stdout);
            Assert.Equal(4, j.RootElement.GetProperty("units_in_shard").GetInt32());
            Assert.False(j.RootElement.GetProperty("complete").GetBoolean());
        }
        var merged = Path.Combine(_dir, "merged");
        Ok(Cli(["merge", .. shards, "--out", merged]));
        Assert.Equal(reference, System.IO.File.ReadAllBytes(Path.Combine(merged, "results.json")));

        // Missing, duplicate and foreign units are errors that name them, and nothing is written.
        var bad = Path.Combine(_dir, "bad");
        var missing = Cli("merge", shards[0], shards[1], "--out", bad);
        Assert.Equal(2, missing.Code);
        Assert.StartsWith("error: 4 of 12 units are missing: 2, 5, 8, 11", missing.Err);
        var duplicate = Cli("merge", shards[0], shards[1], shards[2], one, "--out", bad);
        Assert.Equal(2, duplicate.Code);
        Assert.Contains("is recorded twice", duplicate.Err);
        var other = File("other.yaml", Small.Replace("seed: 3", "seed: 4"));
        var foreign = Path.Combine(_dir, "foreign");
        Ok(Cli("run", other, "--shard", "2/3", "--out", foreign));
        var mixed = Cli("merge", shards[0], shards[1], foreign, "--out", bad);
        Assert.Equal(2, mixed.Code);
        Assert.Contains($"'{foreign}' holds units of another sweep", mixed.Err);
        Assert.Single(mixed.Err.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(bad));
    }

    [Fact]
    public void Resume_after_kill_9_runs_only_the_missing_units_and_gives_the_same_bytes()
    {
        var yaml = File("k.yaml", Small.Replace("steps: 2000", "steps: 60000"));
        var reference = Path.Combine(_dir, "reference");
        Ok(Cli("run", yaml, "--out", reference, "--threads", "2"));

        var killed = Path.Combine(_dir, "killed");
        var cli = Path.Combine(AppContext.BaseDirectory, "chaosdescent.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { cli, "run", yaml, "--out", killed, "--threads", "1" }) psi.ArgumentList.Add(a);
        int recorded;
        using (var child = Process.Start(psi)!)
        {
            var units = Path.Combine(killed, "units");
            var clock = Stopwatch.StartNew();
            while (!child.HasExited && (recorded = Count(units)) < 3 && clock.Elapsed.TotalSeconds < 120) Thread.Sleep(5);
            Assert.False(child.HasExited, "the sweep finished before it could be killed; make its units longer");
            child.Kill(); // SIGKILL on Unix
            child.WaitForExit();
        }
        recorded = Count(Path.Combine(killed, "units"));
        Assert.InRange(recorded, 3, 11);
        Assert.False(System.IO.File.Exists(Path.Combine(killed, "results.json")));

        var (code, stdout, err) = Cli("run", yaml, "--out", killed, "--resume", "--json");
        Assert.True(code == 0, err);
        using (var j = JsonDocument.Parse(stdout))
        {
            Assert.Equal(recorded, j.RootElement.GetProperty("resumed").GetInt32());
            Assert.Equal(12 - recorded, j.RootElement.GetProperty("ran").GetInt32());
        }
        Assert.Equal(System.IO.File.ReadAllBytes(Path.Combine(reference, "results.json")), System.IO.File.ReadAllBytes(Path.Combine(killed, "results.json")));

        static int Count(string dir) => Directory.Exists(dir) ? Directory.GetFiles(dir, "*.json").Length : 0;
    }

    [Fact]
    public void Resume_refuses_a_folder_of_another_sweep_and_unwritable_out_is_a_user_error()
    {
        var a = File("a.yaml", Small);
        var b = File("b.yaml", Small.Replace("seed: 3", "seed: 5"));
        var dir = Path.Combine(_dir, "x");
        Ok(Cli("run", a, "--shard", "0/4", "--out", dir));
        var r = Cli("run", b, "--resume", "--out", dir);
        Assert.Equal(2, r.Code);
        Assert.Contains("holds units of another sweep", r.Err);
        var w = Cli("run", a, "--out", "/proc/forbidden/sweep");
        Assert.Equal(2, w.Code);
        Assert.Single(w.Err.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Emitted_cluster_jobs_run_every_shard_and_merge()
    {
        var yaml = File("s.yaml", Small);
        var (code, slurm, err) = Cli("run", yaml, "--emit", "slurm", "--shards", "4", "--out", Path.Combine(_dir, "c"));
        Assert.True(code == 0, err);
        Assert.Contains("#SBATCH --array=0-3", slurm);
        Assert.Contains("--shard \"$SLURM_ARRAY_TASK_ID/$SHARDS\"", slurm);
        Assert.Contains("--dependency=afterok:", slurm);
        Assert.Contains(" merge ", slurm);
        var script = File("job.sh", slurm);
        using (var bash = Process.Start(new ProcessStartInfo("bash", ["-n", script]) { RedirectStandardError = true })!)
        {
            bash.WaitForExit();
            Assert.True(bash.ExitCode == 0, bash.StandardError.ReadToEnd());
        }
        var k8s = Cli("run", yaml, "--emit", "k8s", "--shards", "3");
        Ok(k8s);
        Assert.Contains("completionMode: Indexed", k8s.Out);
        Assert.Contains("completions: 3", k8s.Out);
        Assert.Contains("--shard $(JOB_COMPLETION_INDEX)/3", k8s.Out);
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        stream.Load(new StringReader(k8s.Out));
        Assert.Equal(3, stream.Documents.Count);
        Assert.Equal(2, Cli("run", yaml, "--emit", "pbs").Code);
    }

    [Fact]
    public void A_unit_that_fails_is_recorded_and_the_sweep_goes_on()
    {
        // η = 5 diverges on x^2/2 + eps sin(x/eps): every orbit leaves, lyapunov refuses that unit only.
        var yaml = File("d.yaml", "name: d\nobjective: quadratic-sin\neta: [0.01, 5]\nanalyses:\n  - lyapunov: {steps: 1000}\n");
        var dir = Path.Combine(_dir, "d");
        var r = Cli("run", yaml, "--out", dir);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("warning: 1 of 2 unit(s) failed", r.Err);
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(dir, "results.json")));
        var units = doc.RootElement.GetProperty("units");
        Assert.Equal(JsonValueKind.Null, units[0].GetProperty("error").ValueKind);
        Assert.Contains("diverged", units[1].GetProperty("error").GetString());
        Assert.Equal(1, doc.RootElement.GetProperty("failed_units").GetInt32());
    }

    [Fact]
    public void A_seed_axis_gives_the_spread_of_every_result_field_over_the_replicates()
    {
        var yaml = File("spread.yaml", """
            name: spread
            seed: [1, 2, 3, 4, 5]
            objective: {name: quadratic-sin}
            eta: [0.005, 0.02]
            eps: [1.0e-3]
            analyses:
              - lyapunov: {steps: 2000, burn_in: 100, orbits: 4}
            """);
        var dir = Path.Combine(_dir, "spread");
        Ok(Cli("run", yaml, "--out", dir));
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllBytes(Path.Combine(dir, "results.json")));
        var units = doc.RootElement.GetProperty("units").EnumerateArray().ToList();
        var lines = System.IO.File.ReadAllLines(Path.Combine(dir, SeedSpread.FileName));
        Assert.Equal("analysis,point,field,replicates,mean,sd,q05,q50,q95,rate,rate_lo,rate_hi", lines[0]);
        foreach (double eta in new[] { 0.005, 0.02 })
        {
            var lambdas = units.Where(u => u.GetProperty("coordinates").GetProperty("eta").GetDouble() == eta)
                .Select(u => u.GetProperty("result").GetProperty("lambda").GetDouble()).Order().ToArray();
            Assert.Equal(5, lambdas.Length);
            var row = lines.Single(l => l.Contains($"eta={eta.ToString(System.Globalization.CultureInfo.InvariantCulture)}") && l.Split(',')[2] == "lambda").Split(',');
            Assert.Equal("5", row[3]);
            Assert.Equal(lambdas.Average(), double.Parse(row[4], System.Globalization.CultureInfo.InvariantCulture), 1e-12);
            Assert.Equal(lambdas[2], double.Parse(row[7], System.Globalization.CultureInfo.InvariantCulture));
            double q05 = double.Parse(row[6], System.Globalization.CultureInfo.InvariantCulture), q95 = double.Parse(row[8], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(q05, lambdas[0], lambdas[1]);
            Assert.InRange(q95, lambdas[3], lambdas[4]);
        }
        foreach (var row in lines.Skip(1).Select(l => l.Split(',')).Where(r => r[9] != ""))
        {
            double rate = double.Parse(row[9], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(rate, double.Parse(row[10], System.Globalization.CultureInfo.InvariantCulture), double.Parse(row[11], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Quantiles_interpolate_between_order_statistics()
    {
        double[] x = [1, 2, 3, 4, 5];
        Assert.Equal(1.2, SeedSpread.Quantile(x, 0.05), 12);
        Assert.Equal(3, SeedSpread.Quantile(x, 0.5));
        Assert.Equal(4.8, SeedSpread.Quantile(x, 0.95), 12);
        Assert.Equal(7, SeedSpread.Quantile([7.0], 0.95));
    }
}
