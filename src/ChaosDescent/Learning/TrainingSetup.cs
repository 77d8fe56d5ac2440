namespace ChaosDescent.Learning;

/// <summary>Data, network and initialization of a training run: the data set (built-in Airfoil or a CSV file),
/// prepared (split, scaled on the training part), an MLP and its seeded initial parameters.</summary>
public sealed record TrainingSetup(string DataName, PreparedData Data, Mlp Model, double[] Theta0, ulong Seed)
{
    public static TrainingSetup Create(string data, string? target, string hidden, string activation, double? activationParam,
        string preprocess, double testFraction, ulong seed)
    {
        RegressionData raw;
        if (string.Equals(data.Trim(), AirfoilData.Name, StringComparison.OrdinalIgnoreCase))
        {
            raw = AirfoilData.Load();
            if (target is not null && CsvDataLoader.ResolveColumn(AirfoilData.ColumnNames, target, "airfoil") != AirfoilData.ColumnNames.Length - 1)
                throw new UserInputException($"the built-in airfoil data have the fixed target '{AirfoilData.ColumnNames[^1]}'; --target selects a column of a CSV file");
        }
        else raw = CsvDataLoader.Load(data, target);
        var prepared = DataPreparation.Prepare(raw, DataPreparation.ParsePreprocessing(preprocess), testFraction, seed);
        var act = Activation.Parse(activation, activationParam);
        var model = Mlp.FromHidden(raw.InputCount, hidden, raw.TargetCount, act);
        return new TrainingSetup(raw.Name, prepared, model, model.CreateParameters(seed), seed);
    }
}
