namespace ChaosDescent.Data;

/// <summary>
/// The NASA Airfoil Self-Noise data set (UCI Machine Learning Repository; Brooks, Pope and Marcolini; donated by
/// R. Lopez; CC BY 4.0), used by Sec. 3.3 of the paper: 1503 samples, 5 inputs (frequency [Hz], angle of attack
/// [deg], chord length [m], free-stream velocity [m/s], suction side displacement thickness [m]) and the target
/// scaled sound pressure level [dB]. Embedded in the assembly (Data/airfoil_self_noise.csv, attribution
/// in Data/README.md).
/// </summary>
public static class AirfoilData
{
    /// <summary>Name the CLI accepts for <c>--data</c>.</summary>
    public const string Name = "airfoil";

    private const string Resource = "ChaosDescent.Data.airfoil_self_noise.csv";

    /// <summary>Short column names (the file's header names are long sentences).</summary>
    public static readonly string[] ColumnNames = ["frequency", "angle", "chord", "velocity", "thickness", "sound_pressure"];

    /// <summary>The raw data (not standardized), target = scaled sound pressure level.</summary>
    public static RegressionData Load()
    {
        using var stream = typeof(AirfoilData).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"embedded resource {Resource} is missing");
        using var reader = new StreamReader(stream);
        var raw = CsvDataLoader.Parse(reader.ReadToEnd(), "airfoil_self_noise.csv", null);
        if (raw.Count != 1503 || raw.InputCount != 5) throw new InvalidOperationException("embedded airfoil data are corrupt");
        return new RegressionData(Name, ColumnNames[..5], [ColumnNames[5]], raw.Inputs.ToArray(), raw.Targets.ToArray());
    }
}
