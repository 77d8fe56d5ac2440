using System.Text.Json;
using CsCheck;
using ChaosDescent.Cli;
using ChaosDescent.Experiments;

namespace ChaosDescent.Tests.Experiments;

public class ExperimentFileTests
{
    private static readonly CommandInfo Distribution = new("distribution", new HashSet<string>
    {
        "--objective", "--eps", "--param", "--f0", "--f1", "--f", "--omega", "--period", "--range", "--eta", "--map",
        "--particles", "-n", "--steps", "--orbit", "--burn-in", "--init", "--bins", "--momentum", "--seed", "--threads",
        "--json", "--out",
    });

    private static readonly CommandInfo Lyapunov = new("lyapunov", new HashSet<string>
    {
        "--objective", "--eps", "--f0", "--f1", "--f", "--omega", "--period", "--range", "--eta", "--steps", "--seed", "--json", "--out",
    });

    private static IReadOnlyList<PlannedRun> Plan(string yaml) =>
        ExperimentPlanner.Plan(ExperimentFile.Parse(yaml, "t.yaml"),
            n => n switch { "distribution" => Distribution, "lyapunov" => Lyapunov, _ => null }, ["distribution", "lyapunov"]);

    private static UserInputException Fail(string yaml) => Assert.ThrowsAny<UserInputException>(() => Plan(yaml));

    [Fact]
    public void Settings_become_command_lines_one_per_sweep_value()
    {
        var runs = Plan("""
            name: demo
            seed: 5
            threads: 1
            objective:
              f0: "x^4/4"
              f1: "sin(u)"
            eps: [1e-6, 1e-4]
            map: {name: gd}
            eta: 0.1
            ensemble:
              particles: 1000
              steps: 20
            analyses:
              - distribution
              - lyapunov: {steps: 500}
            outputs:
              dir: out/demo
            """);
        Assert.Equal(4, runs.Count);
        Assert.Equal(
            ["distribution", "--f0", "x^4/4", "--f1", "sin(u)", "--eps", "1E-06", "--eta", "0.1", "--map", "gd", "--particles", "1000",
             "--steps", "20", "--seed", "5", "--threads", "1", "--out", Path.Combine("out/demo", "distribution_eps=1E-06"), "--json"],
            runs[0].Arguments);
        // lyapunov takes no --map/--particles: they are left out (and listed); its own --steps wins.
        var ly = runs[2];
        Assert.Equal("lyapunov_eps=1E-06", ly.Label);
        Assert.Equal(["map.name", "ensemble.particles"], ly.NotUsed);
        Assert.Equal(1, ly.Arguments.Count(a => a == "--steps"));
        Assert.Equal("500", ly.Arguments[ly.Arguments.ToList().IndexOf("--steps") + 1]);
        Assert.DoesNotContain("--threads", ly.Arguments);
    }

    [Fact]
    public void Sweeps_are_values_lists_or_ranges()
    {
        var e = ExperimentFile.Parse("""
            objective: quartic-sin
            eta: {from: 0.01, to: 1, count: 3, scale: log}
            analyses: [distribution]
            """, "t.yaml");
        Assert.Equal(3, e.Eta!.Values.Count);
        Assert.Equal(0.01, e.Eta.Values[0], 15);
        Assert.Equal(0.1, e.Eta.Values[1], 15);
        Assert.Equal(1.0, e.Eta.Values[2]);
        var lin = ExperimentFile.Parse("objective: quartic-sin\neta: {from: 0.1, to: 0.2, count: 3}\nanalyses: [distribution]", "t.yaml");
        Assert.Equal([0.1, 0.15, 0.2], lin.Eta!.Values); // rounded to 12 significant digits, as written in command lines
        Assert.Equal(0.1, e.Eta.Values[1]); // exactly, not 0.09999999999999999
    }

    [Fact]
    public void Catalog_objective_with_parameters()
    {
        var runs = Plan("""
            objective: {name: doublewell-sin, params: {k: 5}, eps: 1e-4}
            eta: 0.05
            analyses: [distribution]
            """);
        Assert.Equal(["distribution", "--objective", "doublewell-sin", "--param", "k=5", "--eps", "0.0001", "--eta", "0.05"],
            runs[0].Arguments.Take(9));
    }

    [Theory]
    [InlineData("objective: quartic-sin\netaa: 0.1\nanalyses: [distribution]", "t.yaml:2:1: 'etaa': unknown key in the top level; known: name,")]
    [InlineData("objective: quartic-sin\neta: 0.1\nensemble:\n  partcles: 10\nanalyses: [distribution]",
        "t.yaml:4:13: 'ensemble.partcles': '--partcles' is not an option of any analysis in this experiment (distribution)")]
    [InlineData("objective: quartic-sin\neta: 0.1\nanalyses:\n  - distribution: {binz: 3}",
        "t.yaml:4:26: 'analyses.distribution.binz': '--binz' is not an option of 'distribution'; its options:")]
    [InlineData("objective: quartic-sin\neta: 0.1\nanalyses: [lyapnov]", "t.yaml:3:12: 'analyses': unknown analysis 'lyapnov'; available: distribution, lyapunov")]
    [InlineData("objective: quartc-sin\nanalyses: [distribution]", "t.yaml:1:12: 'objective': unknown objective 'quartc-sin'")]
    [InlineData("objective: quartic-sin\neta: fast\nanalyses: [distribution]", "t.yaml:2:6: 'eta': expected a number, got 'fast'")]
    [InlineData("objective: quartic-sin\neta: {from: 1, to: 2}\nanalyses: [distribution]", "t.yaml:2:6: 'eta': a sweep needs 'count'")]
    [InlineData("objective: quartic-sin\neta: 0.1\n  bad: indentation\nanalyses: [distribution]", "t.yaml:3:6: YAML syntax error:")]
    [InlineData("objective: quartic-sin\neta: [0.1\nanalyses: [distribution]", "t.yaml: YAML syntax error")]
    [InlineData("objective: quartic-sin\neta: 0.1", "t.yaml: no 'analyses' list")]
    [InlineData("objective: quartic-sin\neta: 0.1\nensemble: {}\norbit: {}\nanalyses: [distribution]", "t.yaml:4:8: 'orbit': give either 'ensemble' or 'orbit'")]
    public void Errors_give_the_line_and_the_key(string yaml, string expected)
    {
        Assert.StartsWith(expected, Fail(yaml).Message);
    }

    [Fact]
    public void Formula_errors_point_into_the_file_and_the_formula()
    {
        var e = Fail("objective:\n  f0: \"x^4/4 +\"\n  f1: \"sin(u)\"\nanalyses: [distribution]");
        Assert.Equal(
            "t.yaml:2:3: 'f0': syntax error in f0 at the end: expected a number, a variable, a function call or '(' but found the end of the expression\n" +
            "  x^4/4 +\n" +
            "         ^", e.Message);
        Assert.StartsWith("t.yaml:3:3: 'f1': f1 = u^2 is not periodic", Fail("objective:\n  f0: \"x^2\"\n  f1: \"u^2\"\nanalyses: [distribution]").Message);
    }

    [Fact]
    public void Arbitrary_yaml_never_escapes_as_anything_but_a_user_error()
    {
        var piece = Gen.OneOf("objective: ", "quartic-sin", "{f0: \"x^2\", f1: \"sin(u)\"}", "eta: ", "[0.1, 0.2]", "{from: 1, to: 2, count: 3}",
            "analyses:", "\n  - ", "distribution", "lyapunov: {steps: 5}", "\n", "  ", "ensemble:", "orbit: {}", "particles: 5", "[", "]", "{", "}",
            ":", ",", "\"", "'", "#", "- ", "&a ", "*a", "!!str ", "---\n", "0.1", "x^2 +", "seed: -1", "threads: 2");
        piece.Array[0, 25].Select(a => string.Concat(a)).Sample(text =>
        {
            try
            {
                Plan(text);
            }
            catch (UserInputException)
            {
            }
        }, seed: "0N0XIzNsQ0O2", iter: 3000, threads: 1);
    }

    private static string RepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate) || Directory.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(relative);
    }

    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(RepoFile("examples"), "*.yaml").Order()) data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_plans_against_the_real_commands(string file)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(["run", Path.Combine(RepoFile("examples"), file), "--dry-run"], o, e);
        Assert.True(code == 0, e.ToString());
        Assert.StartsWith("chaosdescent ", o.ToString());
    }

    [Fact]
    public void A_run_records_its_exact_input_with_every_output()
    {
        var dir = Path.Combine(Path.GetTempPath(), "chaosdescent-tests", "run-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var yaml = Path.Combine(dir, "exp.yaml");
        File.WriteAllText(yaml, """
            name: tiny
            seed: 3
            objective: {f0: "x^4/4", f1: "sin(u)", eps: 1e-6}
            eta: [0.1, 0.05]
            ensemble: {particles: 2000, steps: 50}
            analyses: [distribution]
            """);
        try
        {
            var o = new StringWriter();
            var e = new StringWriter();
            int code = Program.Run(["run", yaml, "--out", Path.Combine(dir, "out"), "--json"], o, e);
            Assert.True(code == 0, e.ToString());
            using var doc = JsonDocument.Parse(o.ToString()); // exactly one JSON object on stdout
            var root = doc.RootElement;
            Assert.Equal("tiny", root.GetProperty("experiment").GetString());
            Assert.Equal(3UL, root.GetProperty("seed").GetUInt64());
            Assert.Contains("f0: \"x^4/4\"", root.GetProperty("yaml").GetString());
            Assert.False(string.IsNullOrEmpty(root.GetProperty("version").GetString()));
            var runs = root.GetProperty("runs");
            Assert.Equal(2, runs.GetArrayLength());
            var first = runs[0];
            Assert.Equal(0, first.GetProperty("exit_code").GetInt32());
            Assert.Equal(0.1, first.GetProperty("eta").GetDouble());
            var result = first.GetProperty("result");
            Assert.Equal(0.5, result.GetProperty("sigma2").GetDouble(), 12);
            Assert.Equal("x^4/4 + eps*sin(x/eps)", result.GetProperty("formula").GetString());
            Assert.Equal(3UL, result.GetProperty("seed").GetUInt64());
            // Every run's folder holds the exact input next to its figures and CSV.
            var input = Path.Combine(dir, "out", "distribution_eta=0.1", "input.json");
            using var inputDoc = JsonDocument.Parse(File.ReadAllText(input));
            Assert.StartsWith("chaosdescent distribution --f0 'x^4/4' --f1 'sin(u)' --eps 1E-06 --eta 0.1",
                inputDoc.RootElement.GetProperty("command").GetString());
            Assert.True(File.Exists(Path.Combine(dir, "out", "experiment.yaml")));
            Assert.True(File.Exists(Path.Combine(dir, "out", "experiment.json")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

/// <summary>The objective options in every command: formulas give the catalog's numbers.</summary>
public class ObjectiveOptionsTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Formulas_and_catalog_give_the_same_distribution()
    {
        var dir = Path.Combine(Path.GetTempPath(), "chaosdescent-tests", "opt-" + Guid.NewGuid().ToString("N"));
        try
        {
            string[] common = ["--eta", "0.1", "-n", "3000", "-k", "100", "--seed", "4", "--threads", "1", "--json", "--out", dir];
            var a = Run(["distribution", "--objective", "quartic-sin", "--eps", "1e-6", .. common]);
            var b = Run(["distribution", "--f0", "x^4/4", "--f1", "sin(u)", "--eps", "1e-6", .. common]);
            Assert.True(a.Code == 0, a.Err);
            Assert.True(b.Code == 0, b.Err);
            using var ja = JsonDocument.Parse(a.Out);
            using var jb = JsonDocument.Parse(b.Out);
            Assert.Equal("expression", jb.RootElement.GetProperty("objective").GetString());
            foreach (var key in new[] { "sigma2", "tv_to_gibbs", "ks_to_gibbs", "w1_to_gibbs" })
                Assert.Equal(ja.RootElement.GetProperty(key).GetDouble(), jb.RootElement.GetProperty(key).GetDouble(), 9);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Syntax_errors_reach_stderr_with_the_caret_and_exit_2()
    {
        var (code, stdout, stderr) = Run("distribution", "--f0", "x^4/4 + sinn(x)", "--eta", "0.1");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var lines = stderr.TrimEnd().Split(Environment.NewLine);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("error: syntax error in f0 at column 9: unknown name 'sinn' (did you mean 'sin'?)", lines[0]);
        Assert.Equal("  x^4/4 + sinn(x)", lines[1]);
        Assert.Equal("          ^", lines[2]);
    }

    [Theory]
    [InlineData("--objective", "quartic-sin", "--f0", "x^2")]
    [InlineData("--f1", "sin(u)")]
    [InlineData("--f0", "x^2", "--param", "k=1")]
    [InlineData("--f0", "x^2", "--f1", "sin(u)", "--omega", "1,x")]
    [InlineData("--omega", "1,2")]
    public void Misuse_is_a_user_error(params string[] objective)
    {
        var (code, _, stderr) = Run(["distribution", .. objective, "--eta", "0.1"]);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", stderr);
    }
}

public class ExperimentWithoutObjectiveTests
{
    [Fact]
    public void AnalysesWithoutAnObjectiveNeedNone()
    {
        var e = ExperimentFile.Parse("analyses:\n  - train: {lr: \"0.2,0.0005\", epochs: 100}", "t.yaml");
        Assert.Null(e.Objective);
    }
}
