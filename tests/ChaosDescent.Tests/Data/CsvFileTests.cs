using ChaosDescent.Data;

namespace ChaosDescent.Tests.Data;

/// <summary>The one CSV writer and the one CSV reader agree: what is written reads back cell for cell.</summary>
public class CsvFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("cd-csv-");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public void Numbers_round_trip_and_non_finite_values_are_empty_cells()
    {
        var path = CsvFile.WriteNumericRows(Path.Combine(_dir.FullName, "a.csv"), ["x", "y, with comma"],
            [[0.1, 1.0 / 3], [double.NaN, -2.5e-300]]);
        var t = CsvTable.Read(path);
        Assert.Equal(["x", "y, with comma"], t.Header);
        Assert.Equal(0.1, double.Parse(t.Rows[0][0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1.0 / 3, double.Parse(t.Rows[0][1], System.Globalization.CultureInfo.InvariantCulture)); // round-trip precision
        Assert.Equal("", t.Rows[1][0]);
        Assert.Equal(-2.5e-300, t.Numeric(1)[1]);
        Assert.Throws<ArgumentException>(() => CsvFile.WriteNumericRows(Path.Combine(_dir.FullName, "b.csv"), ["x"], [[1.0, 2.0]]));
    }

    [Fact]
    public void Mixed_rows_quote_strings_and_write_booleans_as_0_and_1()
    {
        var path = CsvFile.WriteRows(Path.Combine(_dir.FullName, "m.csv"), ["name", "ok", "n"],
            [["say \"hi\"", true, 3], ["plain", false, 4]]);
        var t = CsvTable.Read(path);
        Assert.Equal("say \"hi\"", t.Rows[0][0]);
        Assert.Equal(["1", "0"], t.Rows.Select(r => r[1]));
        Assert.Equal([3.0, 4.0], t.Numeric(2));
    }
}
