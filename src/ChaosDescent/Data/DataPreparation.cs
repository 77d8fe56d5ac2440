namespace ChaosDescent.Data;

/// <summary>How the data are scaled before training (fitted on the training part only).</summary>
public enum Preprocessing
{
    /// <summary>Inputs and targets standardized to mean 0 and (population) standard deviation 1. The default.</summary>
    Standardize,

    /// <summary>Inputs standardized, targets only centred (they keep their units, e.g. dB for Airfoil).</summary>
    CenterTarget,

    /// <summary>No scaling at all.</summary>
    None,
}

/// <summary>Training and test data after the split and the scaling.</summary>
public sealed record PreparedData(RegressionData Train, RegressionData? Test, Standardization Scaling, Preprocessing Preprocessing);

/// <summary>Split, then scale with statistics of the training part (so the test part stays unseen).</summary>
public static class DataPreparation
{
    public static readonly string[] PreprocessingNames = ["standardize", "center-target", "none"];

    public static Preprocessing ParsePreprocessing(string name) => name.Trim().ToLowerInvariant() switch
    {
        "standardize" or "standard" or "std" => Preprocessing.Standardize,
        "center-target" or "centre-target" or "center" => Preprocessing.CenterTarget,
        "none" or "raw" => Preprocessing.None,
        _ => throw new UserInputException($"unknown preprocessing '{name}' (choose one of: {string.Join(", ", PreprocessingNames)})"),
    };

    public static string Name(Preprocessing p) => PreprocessingNames[(int)p];

    /// <summary>
    /// Splits <paramref name="raw"/> (seeded, <see cref="RegressionData.Split"/>) and scales both parts with the
    /// training part's column statistics according to <paramref name="preprocessing"/>.
    /// </summary>
    public static PreparedData Prepare(RegressionData raw, Preprocessing preprocessing, double testFraction, ulong seed)
    {
        var (train, test) = raw.Split(testFraction, seed);
        var fit = train.FitStandardization();
        int d = raw.InputCount, m = raw.TargetCount;
        var s = preprocessing switch
        {
            Preprocessing.Standardize => fit,
            Preprocessing.CenterTarget => new Standardization(fit.InputMean.ToArray(), fit.InputScale.ToArray(),
                fit.TargetMean.ToArray(), Enumerable.Repeat(1.0, m).ToArray()),
            _ => new Standardization(new double[d], Enumerable.Repeat(1.0, d).ToArray(), new double[m], Enumerable.Repeat(1.0, m).ToArray()),
        };
        return new PreparedData(train.Standardize(s), test?.Standardize(s), s, preprocessing);
    }
}
