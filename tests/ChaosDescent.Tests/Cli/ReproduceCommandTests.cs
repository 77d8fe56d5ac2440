using System.Text.Json;
using ChaosDescent.Cli;

namespace ChaosDescent.Tests.Cli;

/// <summary>The <c>reproduce</c> command's input handling (the driver itself is tested with fakes).</summary>
public sealed class ReproduceCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Unknown_experiment_is_a_user_error_on_one_line()
    {
        var (code, stdout, stderr) = Run("reproduce", "--only", "no-such-figure", "--out", Path.Combine(Path.GetTempPath(), "cd-never-written"));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("error: unknown experiment id 'no-such-figure'; valid ids:", stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Bad_numbers_are_user_errors()
    {
        Assert.Equal(2, Run("reproduce", "--seed", "abc").Code);
        Assert.Equal(2, Run("reproduce", "--threads", "-1").Code);
    }

    [Fact]
    public void List_json_is_one_object_with_every_experiment()
    {
        var (code, stdout, _) = Run("reproduce", "--list", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var ids = doc.RootElement.GetProperty("experiments").EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
        Assert.Equal(ChaosDescent.Reporting.Reproduction.ReportDriver.Discover().Select(e => e.Id), ids);
    }

    [Fact]
    public void Json_run_prints_one_object_and_exits_zero_when_all_checks_pass()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cd-repro-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (code, stdout, _) = Run("reproduce", "--quick", "--only", "fig1", "--out", dir, "--json", "--threads", "1");
            Assert.Equal(0, code);
            using var doc = JsonDocument.Parse(stdout);
            var root = doc.RootElement;
            Assert.True(root.GetProperty("summary").GetProperty("all_passed").GetBoolean());
            Assert.Equal("fig1", Assert.Single(root.GetProperty("experiments").EnumerateArray()).GetProperty("id").GetString());
            Assert.NotEmpty(root.GetProperty("checks").EnumerateArray());
            Assert.True(File.Exists(root.GetProperty("report").GetString()));
            Assert.True(File.Exists(Path.Combine(dir, "results.json")));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
