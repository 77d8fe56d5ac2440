using ChaosDescent.Numerics;
using ChaosDescent.Statistics;

namespace ChaosDescent.Data;

/// <summary>
/// A regression data set: n samples, d input features, m targets, stored row-major (sample i's features at
/// <c>[i·d .. i·d+d)</c>). Immutable; transformations return new instances.
/// </summary>
public sealed class RegressionData
{
    private readonly double[] _inputs;
    private readonly double[] _targets;

    public RegressionData(string name, IReadOnlyList<string> inputNames, IReadOnlyList<string> targetNames,
        double[] inputs, double[] targets)
    {
        if (inputNames.Count == 0 || targetNames.Count == 0) throw new ArgumentException("need at least one input and one target");
        int n = targets.Length / targetNames.Count;
        if (inputs.Length != n * inputNames.Count || targets.Length != n * targetNames.Count)
            throw new ArgumentException("inputs/targets do not match the column counts");
        Name = name;
        InputNames = inputNames.ToArray();
        TargetNames = targetNames.ToArray();
        _inputs = inputs;
        _targets = targets;
        Count = n;
    }

    /// <summary>Where the data came from ("airfoil", a file name).</summary>
    public string Name { get; }

    public IReadOnlyList<string> InputNames { get; }
    public IReadOnlyList<string> TargetNames { get; }

    /// <summary>Number of samples n.</summary>
    public int Count { get; }

    public int InputCount => InputNames.Count;
    public int TargetCount => TargetNames.Count;

    /// <summary>Row-major inputs (n × d).</summary>
    public ReadOnlySpan<double> Inputs => _inputs;

    /// <summary>Row-major targets (n × m).</summary>
    public ReadOnlySpan<double> Targets => _targets;

    public ReadOnlySpan<double> Input(int sample) => _inputs.AsSpan(sample * InputCount, InputCount);
    public ReadOnlySpan<double> Target(int sample) => _targets.AsSpan(sample * TargetCount, TargetCount);

    /// <summary>
    /// Splits into a training and a test part by a seeded shuffle (Fisher–Yates on stream 0 of
    /// <see cref="Xoshiro256.ForStream"/>(seed, ·)); the test part gets round(n·testFraction) samples.
    /// With testFraction = 0 the training part is the data in its original order and the test part is null.
    /// </summary>
    public (RegressionData Train, RegressionData? Test) Split(double testFraction, ulong seed)
    {
        if (!(testFraction >= 0 && testFraction < 1))
            throw new UserInputException($"the test fraction must lie in [0, 1), got {testFraction}");
        int nTest = (int)Math.Round(Count * testFraction);
        if (nTest == 0) return (this, null);
        if (Count - nTest < 2) throw new UserInputException($"a test fraction of {testFraction} leaves fewer than 2 training samples");
        var perm = new int[Count];
        for (int i = 0; i < Count; i++) perm[i] = i;
        var rng = Xoshiro256.ForStream(seed, 0x5EED_5B11);
        for (int i = Count - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }
        // Keep each part in the original row order (only membership is random).
        var test = perm[..nTest].Order().ToArray();
        var train = perm[nTest..].Order().ToArray();
        return (Subset(train, Name + " (train)"), Subset(test, Name + " (test)"));
    }

    /// <summary>The samples at the given row indices.</summary>
    public RegressionData Subset(IReadOnlyList<int> rows, string? name = null)
    {
        int d = InputCount, m = TargetCount;
        var x = new double[rows.Count * d];
        var y = new double[rows.Count * m];
        for (int r = 0; r < rows.Count; r++)
        {
            Input(rows[r]).CopyTo(x.AsSpan(r * d, d));
            Target(rows[r]).CopyTo(y.AsSpan(r * m, m));
        }
        return new RegressionData(name ?? Name, InputNames, TargetNames, x, y);
    }

    /// <summary>Column means and (population) standard deviations of inputs and targets, for <see cref="Standardization"/>.</summary>
    public Standardization FitStandardization()
    {
        int d = InputCount, m = TargetCount;
        var mx = new double[d]; var sx = new double[d];
        var my = new double[m]; var sy = new double[m];
        Moments(_inputs, d, mx, sx);
        Moments(_targets, m, my, sy);
        return new Standardization(mx, sx, my, sy);
    }

    private void Moments(double[] data, int cols, double[] mean, double[] std)
    {
        for (int c = 0; c < cols; c++)
        {
            double s = 0;
            for (int i = 0; i < Count; i++) s += data[i * cols + c];
            double mu = s / Count, v = 0;
            for (int i = 0; i < Count; i++) { double e = data[i * cols + c] - mu; v += e * e; }
            mean[c] = mu;
            std[c] = Math.Sqrt(v / Count);
        }
    }

    /// <summary>A copy with every column mapped to (value − mean)/std.</summary>
    public RegressionData Standardize(Standardization s)
    {
        int d = InputCount, m = TargetCount;
        if (s.InputMean.Count != d || s.TargetMean.Count != m) throw new ArgumentException("standardization does not match the data");
        var x = new double[_inputs.Length];
        var y = new double[_targets.Length];
        for (int i = 0; i < Count; i++)
        {
            for (int c = 0; c < d; c++) x[i * d + c] = (_inputs[i * d + c] - s.InputMean[c]) / s.InputScale[c];
            for (int c = 0; c < m; c++) y[i * m + c] = (_targets[i * m + c] - s.TargetMean[c]) / s.TargetScale[c];
        }
        return new RegressionData(Name, InputNames, TargetNames, x, y);
    }
}

/// <summary>
/// Per-column affine standardization z = (x − mean)/scale. A constant column (scale 0) keeps scale 1 so it maps
/// to 0 instead of NaN.
/// </summary>
public sealed class Standardization
{
    public Standardization(double[] inputMean, double[] inputStd, double[] targetMean, double[] targetStd)
    {
        InputMean = inputMean;
        TargetMean = targetMean;
        InputScale = inputStd.Select(s => s > 0 ? s : 1).ToArray();
        TargetScale = targetStd.Select(s => s > 0 ? s : 1).ToArray();
    }

    public IReadOnlyList<double> InputMean { get; }
    public IReadOnlyList<double> InputScale { get; }
    public IReadOnlyList<double> TargetMean { get; }
    public IReadOnlyList<double> TargetScale { get; }
}
