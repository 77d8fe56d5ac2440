using System.Globalization;
using ChaosDescent.Numerics;

namespace ChaosDescent.Data;

/// <summary>
/// Binary classification data {(x_n, y_n)}: features row-major (x_n = X[n*d .. n*d+d)), labels y_n ∈ {−1, +1}.
/// The original label values are kept (<see cref="NegativeLabel"/> ↦ −1, <see cref="PositiveLabel"/> ↦ +1).
/// </summary>
public sealed class ClassificationData
{
    public required string Name { get; init; }
    public required int Count { get; init; }
    public required int Dimension { get; init; }
    public required double[] X { get; init; }
    public required double[] Y { get; init; }
    public required string[] FeatureNames { get; init; }
    public string NegativeLabel { get; init; } = "-1";
    public string PositiveLabel { get; init; } = "1";
    /// <summary>True when the last feature is the constant 1 added by <see cref="WithBias"/>.</summary>
    public bool HasBias { get; init; }

    public ReadOnlySpan<double> Row(int n) => X.AsSpan(n * Dimension, Dimension);

    /// <summary>Largest ‖x_n‖ (the data radius R).</summary>
    public double Radius()
    {
        double r = 0;
        for (int n = 0; n < Count; n++)
        {
            double s = 0;
            foreach (var v in Row(n)) s += v * v;
            r = Math.Max(r, Math.Sqrt(s));
        }
        return r;
    }

    /// <summary>
    /// The augmented data (x_n, 1): a classifier wᵀ(x, 1) with a bias term is a homogeneous classifier in one more
    /// dimension, so Thm. 3 of Soudry et al. applies to (w, b) jointly (the bias is penalized in the SVM, as there).
    /// </summary>
    public ClassificationData WithBias()
    {
        if (HasBias) return this;
        int d = Dimension + 1;
        var x = new double[Count * d];
        for (int n = 0; n < Count; n++)
        {
            Row(n).CopyTo(x.AsSpan(n * d, Dimension));
            x[n * d + Dimension] = 1;
        }
        return new ClassificationData
        {
            Name = Name,
            Count = Count,
            Dimension = d,
            X = x,
            Y = Y,
            FeatureNames = [.. FeatureNames, "bias"],
            NegativeLabel = NegativeLabel,
            PositiveLabel = PositiveLabel,
            HasBias = true,
        };
    }
}

/// <summary>What a built-in data set is.</summary>
public sealed record BuiltinDataInfo(string Name, string Kind, string Description);

/// <summary>
/// Built-in seeded synthetic data sets, usable wherever a command takes <c>--data</c>, and the loader that turns
/// <c>--data FILE.csv --target COLUMN</c> into <see cref="ClassificationData"/> or <see cref="RegressionData"/>.
/// A built-in is generated from its seed, so the same name and seed always give the same points.
/// </summary>
public static class DataSources
{
    public const ulong DefaultSeed = 7;

    public static IReadOnlyList<BuiltinDataInfo> Builtins { get; } =
    [
        new("separable2d", "classification", "40 points, two Gaussian clouds in 2-D, linearly separable through the origin"),
        new("separable3d", "classification", "60 points, two Gaussian clouds in 3-D, linearly separable through the origin"),
        new("overlap2d", "classification", "200 points, two overlapping Gaussian clouds in 2-D (not separable)"),
        new("logreg2d", "classification", "200 points, overlapping clouds N(±(0.6, 0.2), diag(1, 0.3²)): anisotropic, not separable (logistic regression)"),
        new("xor", "classification", "40 points in four clusters at (±1, ±1), label sign(x1·x2) (not linearly separable)"),
        new("linreg2d", "regression", "200 points, y = 1.0·x1 − 0.5·x2 + N(0, 0.5²), anisotropic features x1 ~ N(0,1), x2 ~ N(0, 0.4²)"),
        new("sine6", "regression", "6 points y = sin(2x) at equally spaced x in [−1.5, 1.5] (for over-parametrized fits)"),
        new("sine12", "regression", "12 points y = sin(2x) at equally spaced x in [−1.5, 1.5]"),
    ];

    public static string BuiltinList => string.Join(", ", Builtins.Select(b => b.Name));

    public static bool IsBuiltin(string name) => Builtins.Any(b => b.Name == name);

    /// <summary>Loads classification data: a built-in name or a CSV file with a label column.</summary>
    public static ClassificationData LoadClassification(string data, string? target, ulong seed = DefaultSeed)
    {
        if (IsBuiltin(data)) return BuiltinClassification(data, seed);
        var table = ReadFile(data);
        int t = table.ColumnIndex(target);
        var labels = table.Rows.Select(r => r[t]).ToArray();
        var distinct = labels.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count != 2)
            throw new UserInputException(
                $"label column '{table.Header[t].Trim()}' must hold exactly two distinct values, found {distinct.Count}" +
                (distinct.Count <= 5 ? $" ({string.Join(", ", distinct)})" : ""));
        // Order: numerically if both labels are numbers (so −1/1 and 0/1 map the smaller to −1), else ordinally.
        bool numeric = distinct.All(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        distinct.Sort(numeric
            ? (a, b) => double.Parse(a, CultureInfo.InvariantCulture).CompareTo(double.Parse(b, CultureInfo.InvariantCulture))
            : StringComparer.Ordinal.Compare);
        var y = labels.Select(l => l == distinct[1] ? 1.0 : -1.0).ToArray();
        var (x, names) = Features(table, t);
        return new ClassificationData
        {
            Name = Path.GetFileName(data),
            Count = y.Length,
            Dimension = names.Length,
            X = x,
            Y = y,
            FeatureNames = names,
            NegativeLabel = distinct[0],
            PositiveLabel = distinct[1],
        };
    }

    /// <summary>Loads regression data: a built-in name or a CSV file with a numeric target column.</summary>
    public static RegressionData LoadRegression(string data, string? target, ulong seed = DefaultSeed)
    {
        if (IsBuiltin(data)) return BuiltinRegression(data, seed);
        var table = ReadFile(data);
        int t = table.ColumnIndex(target);
        var y = table.Numeric(t);
        var (x, names) = Features(table, t);
        return new RegressionData(Path.GetFileName(data), names, [table.Header[t].Trim()], x, y);
    }

    private static CsvTable ReadFile(string data)
    {
        if (!data.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) && !File.Exists(data))
            throw new UserInputException($"unknown data set '{data}': give a CSV file or one of {BuiltinList}");
        return CsvTable.Read(data);
    }

    private static (double[] X, string[] Names) Features(CsvTable table, int target)
    {
        var cols = Enumerable.Range(0, table.Header.Length).Where(j => j != target).ToArray();
        if (cols.Length == 0) throw new UserInputException($"'{table.Path}' has no feature columns besides the target");
        int n = table.Rows.Count, d = cols.Length;
        var x = new double[n * d];
        for (int k = 0; k < d; k++)
        {
            var c = table.Numeric(cols[k]);
            for (int i = 0; i < n; i++) x[i * d + k] = c[i];
        }
        return (x, cols.Select(j => table.Header[j].Trim()).ToArray());
    }

    public static ClassificationData BuiltinClassification(string name, ulong seed = DefaultSeed)
    {
        var rng = Xoshiro256.ForStream(seed, StableHash(name));
        return name switch
        {
            "separable2d" => Clouds(name, ref rng, 40, [1.2, 0.9], [0.55, 0.55], [Math.Cos(0.45), Math.Sin(0.45)], 0.25),
            "separable3d" => Clouds(name, ref rng, 60, [1.0, 0.6, -0.5], [0.5, 0.5, 0.5], Normalize([1.0, 0.8, -0.3]), 0.2),
            "overlap2d" => Clouds(name, ref rng, 200, [0.6, 0.3], [0.7, 0.7], null, 0),
            "logreg2d" => Clouds(name, ref rng, 200, [0.6, 0.2], [1.0, 0.3], null, 0),
            "xor" => Xor(ref rng, 40),
            _ when IsBuiltin(name) => throw new UserInputException($"'{name}' is a regression data set; this command needs classification data"),
            _ => throw new UserInputException($"unknown data set '{name}'; built-ins: {BuiltinList}"),
        };
    }

    public static RegressionData BuiltinRegression(string name, ulong seed = DefaultSeed)
    {
        var rng = Xoshiro256.ForStream(seed, StableHash(name));
        switch (name)
        {
            case "linreg2d":
                {
                    int n = 200;
                    var x = new double[2 * n];
                    var y = new double[n];
                    for (int i = 0; i < n; i++)
                    {
                        x[2 * i] = rng.NextGaussian();
                        x[2 * i + 1] = 0.4 * rng.NextGaussian();
                        y[i] = 1.0 * x[2 * i] - 0.5 * x[2 * i + 1] + 0.5 * rng.NextGaussian();
                    }
                    return new RegressionData(name, ["x1", "x2"], ["y"], x, y);
                }
            case "sine6":
            case "sine12":
                {
                    int n = name == "sine6" ? 6 : 12;
                    var x = new double[n];
                    var y = new double[n];
                    for (int i = 0; i < n; i++)
                    {
                        x[i] = -1.5 + 3.0 * i / (n - 1);
                        y[i] = Math.Sin(2 * x[i]);
                    }
                    return new RegressionData(name, ["x"], ["y"], x, y);
                }
            default:
                if (IsBuiltin(name)) throw new UserInputException($"'{name}' is a classification data set; this command needs regression data");
                throw new UserInputException($"unknown data set '{name}'; built-ins: {BuiltinList}");
        }
    }

    /// <summary>
    /// Two Gaussian clouds N(±μ, diag(s²)) with labels ±1 (alternating). With a <paramref name="separator"/> u, a point is
    /// redrawn until y·uᵀx ≥ <paramref name="gap"/>, so the set is separable through the origin with margin ≥ gap.
    /// </summary>
    private static ClassificationData Clouds(string name, ref Xoshiro256 rng, int n, double[] mu, double[] s, double[]? separator, double gap)
    {
        int d = mu.Length;
        var x = new double[n * d];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double label = i % 2 == 0 ? 1 : -1;
            while (true)
            {
                double dot = 0;
                for (int k = 0; k < d; k++)
                {
                    x[i * d + k] = label * mu[k] + s[k] * rng.NextGaussian();
                    if (separator is not null) dot += separator[k] * x[i * d + k];
                }
                if (separator is null || label * dot >= gap) break;
            }
            y[i] = label;
        }
        return new ClassificationData
        {
            Name = name,
            Count = n,
            Dimension = d,
            X = x,
            Y = y,
            FeatureNames = Enumerable.Range(1, d).Select(k => "x" + k).ToArray(),
        };
    }

    private static ClassificationData Xor(ref Xoshiro256 rng, int n)
    {
        var x = new double[2 * n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double c1 = (i & 1) == 0 ? 1 : -1, c2 = (i & 2) == 0 ? 1 : -1;
            x[2 * i] = c1 + 0.2 * rng.NextGaussian();
            x[2 * i + 1] = c2 + 0.2 * rng.NextGaussian();
            y[i] = c1 * c2;
        }
        return new ClassificationData { Name = "xor", Count = n, Dimension = 2, X = x, Y = y, FeatureNames = ["x1", "x2"] };
    }

    private static double[] Normalize(double[] v)
    {
        double s = Math.Sqrt(v.Sum(a => a * a));
        return v.Select(a => a / s).ToArray();
    }

    /// <summary>FNV-1a over the name: string.GetHashCode is randomized per process, this is not.</summary>
    private static ulong StableHash(string s)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in s) { h ^= c; h *= 1099511628211UL; }
        return h;
    }
}
