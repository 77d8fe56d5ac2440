using ChaosDescent.Analyses.ImplicitBias;
using ChaosDescent.Data;

namespace ChaosDescent.Tests.Analyses.ImplicitBias;

internal static class TestData
{
    /// <summary>Classification data from rows of features and ±1 labels.</summary>
    public static ClassificationData Classification(double[][] x, double[] y, string name = "test") => new()
    {
        Name = name,
        Count = y.Length,
        Dimension = x[0].Length,
        X = x.SelectMany(r => r).ToArray(),
        Y = y,
        FeatureNames = Enumerable.Range(1, x[0].Length).Select(k => "x" + k).ToArray(),
    };

    public static RegressionData Regression(double[][] x, double[] y, string name = "test") =>
        new(name, Enumerable.Range(1, x[0].Length).Select(k => "x" + k).ToArray(), ["y"], x.SelectMany(r => r).ToArray(), y);

    public static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "cd-bias-tests-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(d);
        return d;
    }
}
