using System.Text.Json;
using ChaosDescent.Cli;
using ChaosDescent.Tests.Analyses.ImplicitBias;

namespace ChaosDescent.Tests.Cli;

public class ImplicitBiasCliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void ImplicitBiasJsonOnBuiltinAndCsv()
    {
        var dir = TestData.TempDir();
        var (code, stdout, err) = Run("implicit-bias", "--data", "separable2d", "--steps", "2000", "--json", "--out", dir);
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("separable").GetBoolean());
        var dirn = root.GetProperty("svm_direction").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(1.0, Math.Sqrt(dirn.Sum(v => v * v)), 12);
        Assert.True(root.GetProperty("svm_norm").GetDouble() > 0);
        Assert.True(root.GetProperty("angle").GetDouble() is > 0 and < 0.5);
        Assert.True(root.GetProperty("norm_growth_slope").GetDouble() > 0);
        Assert.True(File.Exists(Path.Combine(dir, "separable2d-logistic-data.png")));

        var csv = Path.Combine(dir, "pets.csv");
        File.WriteAllText(csv, "weight,height,kind\n1,2,cat\n2,1.5,dog\n-1,-1,cat\n3,2.5,dog\n-2,-0.5,cat\n");
        (code, stdout, err) = Run("implicit-bias", "--data", csv, "--target", "kind", "--loss", "exp", "--lr", "0.05", "--steps", "500", "--bias", "--json", "--out", dir);
        Assert.True(code == 0, err);
        using var doc2 = JsonDocument.Parse(stdout);
        Assert.Equal("dog", doc2.RootElement.GetProperty("labels").GetProperty("positive").GetString());
        Assert.True(doc2.RootElement.GetProperty("bias").GetBoolean());
        Directory.Delete(dir, true);
    }

    [Fact]
    public void NonSeparableDataAreReportedNotFailed()
    {
        var dir = TestData.TempDir();
        var (code, stdout, _) = Run("implicit-bias", "--data", "xor", "--steps", "500", "--json", "--out", dir);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        Assert.False(doc.RootElement.GetProperty("separable").GetBoolean());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("svm_direction").ValueKind);
        Assert.Contains("not linearly separable", doc.RootElement.GetProperty("note").GetString());
        Directory.Delete(dir, true);
    }

    [Fact]
    public void UserErrorsExitWithCode2()
    {
        var dir = TestData.TempDir();
        Assert.Equal(2, Run("implicit-bias", "--data", "nosuchset", "--out", dir).Code);
        Assert.Equal(2, Run("implicit-bias", "--data", "linreg2d", "--out", dir).Code);
        Assert.Equal(2, Run("implicit-bias", "--loss", "hinge", "--out", dir).Code);
        Assert.Equal(2, Run("implicit-bias", "--lr", "-1", "--out", dir).Code);
        Assert.Equal(2, Run("langevin", "--batch", "200", "--out", dir).Code);
        Assert.Equal(2, Run("minima", "--activation", "swish", "--out", dir).Code);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void MarginLangevinAndMinimaJson()
    {
        var dir = TestData.TempDir();
        var (code, stdout, err) = Run("margin", "--steps", "3000", "--json", "--out", dir);
        Assert.True(code == 0, err);
        using (var doc = JsonDocument.Parse(stdout))
        {
            Assert.Equal(1.0, doc.RootElement.GetProperty("final_accuracy").GetDouble());
            Assert.False(doc.RootElement.GetProperty("linearly_separable").GetBoolean());
            Assert.True(doc.RootElement.GetProperty("normalized_margin").GetDouble() > 0);
        }
        (code, stdout, err) = Run("langevin", "--chains", "60", "--snapshots", "2", "--gd-particles", "2000", "--gd-steps", "100", "--json", "--out", dir);
        Assert.True(code == 0, err);
        using (var doc = JsonDocument.Parse(stdout))
        {
            Assert.Equal(3, doc.RootElement.GetProperty("methods").GetArrayLength());
            Assert.Equal(4, doc.RootElement.GetProperty("table").GetArrayLength());
            Assert.True(doc.RootElement.GetProperty("temperature").GetDouble() > 0);
        }
        (code, stdout, err) = Run("minima", "--data", "sine6", "--hidden", "8", "--epochs", "2000", "--json", "--out", dir);
        Assert.True(code == 0, err);
        using (var doc = JsonDocument.Parse(stdout))
        {
            var root = doc.RootElement;
            int p = root.GetProperty("params").GetInt32(), n = root.GetProperty("samples").GetInt32();
            Assert.Equal(25, p);
            Assert.Equal(6, n);
            Assert.Equal(p, root.GetProperty("hessian_eigenvalues").GetArrayLength());
            Assert.True(root.GetProperty("near_zero_eigenvalues").GetInt32() >= p - n);
            Assert.True(root.GetProperty("final_loss").GetDouble() < 1e-20);
            Assert.True(root.GetProperty("sharpness").GetDouble() > 0);
            Assert.Equal(3, root.GetProperty("comparison").GetArrayLength());
        }
        Directory.Delete(dir, true);
    }
}
