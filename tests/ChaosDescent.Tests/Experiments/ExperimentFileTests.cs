using System.Text.Json;
using CsCheck;
using ChaosDescent.Cli;
using ChaosDescent.Experiments;
using ChaosDescent.Experiments.Sweeps;

namespace ChaosDescent.Tests.Experiments;

public class ExperimentFileTests
{
    private static SweepPlan Plan(string yaml) => SweepPlan.Expand(ExperimentFile.Parse(yaml, "t.yaml"));

    private static UserInputException Fail(string yaml) => Assert.ThrowsAny<UserInputException>(() => Plan(yaml));

    [Fact]
    public void Ranges_are_values_lists_or_from_to_count()
    {
        var e = ExperimentFile.Parse("""
            objective: quartic-sin
            eta: {from: 0.01, to: 1, count: 3, scale: log}
            analyses: [lyapunov]
            """, "t.yaml");
        var eta = Assert.IsType<RangeValue>(e.Eta);
        Assert.Equal(3, eta.Values.Count);
        Assert.Equal(0.01, eta.Values[0], 15);
        Assert.Equal(0.1, eta.Values[1]); // exactly, not 0.09999999999999999 (12 significant digits)
        Assert.Equal(1.0, eta.Values[2]);
        var lin = ExperimentFile.Parse("objective: quartic-sin\neta: {from: 0.1, to: 0.2, count: 3}\nanalyses: [lyapunov]", "t.yaml");
        Assert.Equal([0.1, 0.15, 0.2], Assert.IsType<RangeValue>(lin.Eta).Values);
    }

    [Fact]
    public void Catalog_objective_with_parameters_binds_into_the_system()
    {
        var plan = Plan("""
            objective: {name: doublewell-sin, params: {k: 5}, eps: 1e-4}
            eta: 0.05
            map: {name: heavyball, momentum: 0.8}
            analyses: [lyapunov]
            """);
        var (_, system, _) = plan.Build(plan.Unit(0));
        var o = Assert.IsType<ChaosDescent.Objectives.MultiscaleObjective>(system.Objective);
        Assert.Equal(5, o.Parameters["k"]);
        Assert.Equal(1e-4, o.Epsilon);
        Assert.Equal(0.05, system.LearningRate);
        Assert.Equal("heavyball", system.Map);
        Assert.Equal(0.8, system.MapOptions.Momentum);
    }

    [Theory]
    [InlineData("objective: quartic-sin\netaa: 0.1\nanalyses: [lyapunov]", "t.yaml:2:1: 'etaa': unknown key in the top level; known: name,")]
    [InlineData("objective: quartc-sin\nanalyses: [lyapunov]", "t.yaml:1:12: 'objective': unknown objective 'quartc-sin'")]
    [InlineData("objective: quartic-sin\neta: fast\nanalyses: [lyapunov]", "t.yaml:2:6: 'eta': expected a number, got 'fast'")]
    [InlineData("objective: quartic-sin\neta: {from: 1, to: 2}\nanalyses: [lyapunov]", "t.yaml:2:6: 'eta': a range needs 'count'")]
    [InlineData("objective: quartic-sin\neta: 0.1\n  bad: indentation\nanalyses: [lyapunov]", "t.yaml:3:6: YAML syntax error:")]
    [InlineData("objective: quartic-sin\neta: [0.1\nanalyses: [lyapunov]", "t.yaml: YAML syntax error")]
    [InlineData("objective: quartic-sin\neta: 0.1", "t.yaml: no 'analyses' list")]
    [InlineData("objective: quartic-sin\neta: 0.1\nensemble: {}\norbit: {}\nanalyses: [lyapunov]", "t.yaml:4:8: 'orbit': give either 'ensemble' or 'orbit'")]
    public void Errors_give_the_line_and_the_key(string yaml, string expected)
    {
        Assert.StartsWith(expected, Fail(yaml).Message);
    }

    [Fact]
    public void Formula_errors_point_into_the_file_and_the_formula()
    {
        var e = Fail("objective:\n  f0: \"x^4/4 +\"\n  f1: \"sin(u)\"\nanalyses: [lyapunov]");
        Assert.Equal(
            "t.yaml:2:3: 'f0': syntax error in f0 at the end: expected a number, a variable, a function call or '(' but found the end of the expression\n" +
            "  x^4/4 +\n" +
            "         ^", e.Message);
        Assert.StartsWith("t.yaml:3:3: 'f1': f1 = u^2 is not periodic", Fail("objective:\n  f0: \"x^2\"\n  f1: \"u^2\"\nanalyses: [lyapunov]").Message);
    }

    [Fact]
    public void Arbitrary_yaml_never_escapes_as_anything_but_a_user_error()
    {
        var piece = Gen.OneOf("objective: ", "quartic-sin", "{f0: \"x^2\", f1: \"sin(u)\"}", "eta: ", "[0.1, 0.2]", "{from: 1, to: 2, count: 3}",
            "analyses:", "\n  - ", "lyapunov", "lyapunov: {steps: 5}", "\n", "  ", "ensemble:", "orbit: {}", "particles: 5", "[", "]", "{", "}",
            ":", ",", "\"", "'", "#", "- ", "&a ", "*a", "!!str ", "---\n", "0.1", "x^2 +", "seed: -1", "threads: 2", "zip: [eta, eps]", "seed: [1, 2]");
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
    public void Every_example_expands_against_the_real_catalog(string file)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(["run", Path.Combine(RepoFile("examples"), file), "--dry-run"], o, e);
        Assert.True(code == 0, e.ToString());
        Assert.StartsWith("sweep ", o.ToString());
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
            seeds: fixed
            objective: {f0: "x^2/2", f1: "sin(u)", eps: 1e-4}
            eta: [0.01, 0.02]
            analyses:
              - lyapunov: {steps: 2000, orbits: 8}
            """);
        try
        {
            var o = new StringWriter();
            var e = new StringWriter();
            int code = Program.Run(["run", yaml, "--out", Path.Combine(dir, "out"), "--json"], o, e);
            Assert.True(code == 0, e.ToString());
            using var doc = JsonDocument.Parse(o.ToString()); // exactly one JSON object on stdout
            Assert.Equal("tiny", doc.RootElement.GetProperty("sweep").GetString());
            using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "out", "results.json")));
            var root = results.RootElement;
            Assert.Contains("f0: \"x^2/2\"", root.GetProperty("file_text").GetString());
            Assert.False(string.IsNullOrEmpty(root.GetProperty("version").GetString()));
            var units = root.GetProperty("units");
            Assert.Equal(2, units.GetArrayLength());
            var first = units[0];
            Assert.Equal(0.01, first.GetProperty("coordinates").GetProperty("eta").GetDouble());
            Assert.Equal(3UL, first.GetProperty("seed").GetUInt64());
            Assert.Equal(2000, first.GetProperty("settings").GetProperty("steps").GetInt64());
            Assert.Equal("x^2/2 + eps*sin(x/eps)", first.GetProperty("system").GetProperty("objective").GetProperty("formula").GetString());
            Assert.True(double.IsFinite(first.GetProperty("result").GetProperty("lambda").GetDouble()));
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
