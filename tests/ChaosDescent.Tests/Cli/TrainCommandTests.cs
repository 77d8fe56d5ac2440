using System.Text.Json;
using ChaosDescent.Cli;

namespace ChaosDescent.Tests.Cli;

public class TrainCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("chaosdescent-train-");

    public void Dispose() => _dir.Delete(recursive: true);

    private (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private string WriteCsv()
    {
        // y = sin(x1) + 0.5·x2 with a little deterministic noise: a tiny regression problem.
        var path = Path.Combine(_dir.FullName, "toy.csv");
        var lines = new List<string> { "x1,x2,\"target, units\"" };
        for (int i = 0; i < 60; i++)
        {
            double x1 = -3 + 0.1 * i, x2 = Math.Cos(7 * i);
            lines.Add(FormattableString.Invariant($"{x1},{x2},{Math.Sin(x1) + 0.5 * x2 + 0.01 * Math.Sin(13 * i)}"));
        }
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void SingleRunJsonHasTheDocumentedFields()
    {
        var (code, stdout, stderr) = Run("train", "--data", WriteCsv(), "--target", "target", "--hidden", "6", "--activation", "tanh",
            "--lr", "0.05", "--epochs", "300", "--seed", "3", "--json", "--no-plots", "--out", Path.Combine(_dir.FullName, "one"));
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        foreach (var key in new[] { "final_loss", "loss_std_late", "converged", "diverged", "lyapunov", "sharpness", "seconds", "lr", "regime" })
            Assert.True(root.TryGetProperty(key, out _), $"missing {key}");
        Assert.Equal("target, units", root.GetProperty("target").GetString());
        Assert.Equal(60, root.GetProperty("train_samples").GetInt32());
        Assert.False(root.GetProperty("diverged").GetBoolean());
        Assert.True(File.Exists(Path.Combine(_dir.FullName, "one", "loss.csv")));
        Assert.Equal(302, File.ReadAllLines(Path.Combine(_dir.FullName, "one", "loss.csv")).Length); // header + L(θ_0…θ_300)
    }

    [Fact]
    public void SweepJsonHasRunsAndTransition()
    {
        var (code, stdout, stderr) = Run("train", "--data", WriteCsv(), "--hidden", "6", "--activation", "tanh",
            "--lr", "0.05,1000", "--epochs", "200", "--json", "--no-plots", "--out", Path.Combine(_dir.FullName, "sweep"));
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var runs = doc.RootElement.GetProperty("runs");
        Assert.Equal(2, runs.GetArrayLength());
        Assert.Equal(0.05, runs[0].GetProperty("lr").GetDouble());
        Assert.True(runs[1].GetProperty("diverged").GetBoolean());
        Assert.Equal(1000, doc.RootElement.GetProperty("transition_lr").GetDouble());
    }

    [Fact]
    public void UserErrorsExitWithCode2AndOneLine()
    {
        var csv = WriteCsv();
        var (c1, _, e1) = Run("train", "--data", csv, "--target", "nope", "--lr", "0.1", "--epochs", "10", "--no-plots", "--out", _dir.FullName);
        Assert.Equal(2, c1);
        Assert.Contains("'nope'", e1);
        Assert.Single(e1.Trim().Split('\n'));
        var (c2, _, e2) = Run("train", "--data", Path.Combine(_dir.FullName, "missing.csv"), "--lr", "0.1", "--no-plots", "--out", _dir.FullName);
        Assert.Equal(2, c2);
        Assert.Contains("missing.csv", e2);
        var (c3, _, _) = Run("train", "--lr", "0.1", "--activation", "swish", "--no-plots", "--out", _dir.FullName);
        Assert.Equal(2, c3);
        var (c4, _, _) = Run("train", "--lr", "-1", "--no-plots", "--out", _dir.FullName);
        Assert.Equal(2, c4);
    }
}
