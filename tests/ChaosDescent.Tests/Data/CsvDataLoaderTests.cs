using ChaosDescent.Learning;
using ChaosDescent.Data;

namespace ChaosDescent.Tests.Data;

public class CsvDataLoaderTests
{
    private const string Good = "\"Speed, m/s\",angle,noise\n1,2,3\n4,5.5,6e1\n\n7,-8,9\n";

    [Fact]
    public void ParsesQuotedHeadersAndPicksTheTarget()
    {
        var d = CsvDataLoader.Parse(Good, "g.csv", "angle");
        Assert.Equal(3, d.Count);
        Assert.Equal(["Speed, m/s", "noise"], d.InputNames);
        Assert.Equal("angle", d.TargetNames[0]);
        Assert.Equal([1.0, 3, 4, 60, 7, 9], d.Inputs.ToArray());
        Assert.Equal([2.0, 5.5, -8], d.Targets.ToArray());
        Assert.Equal("noise", CsvDataLoader.Parse(Good, "g.csv", null).TargetNames[0]);   // default: last column
        Assert.Equal("Speed, m/s", CsvDataLoader.Parse(Good, "g.csv", "speed").TargetNames[0]); // unique prefix
        Assert.Equal("angle", CsvDataLoader.Parse(Good, "g.csv", "2").TargetNames[0]);    // 1-based number
    }

    [Fact]
    public void NonNumericCellNamesFileLineAndColumn()
    {
        var e = Assert.Throws<UserInputException>(() => CsvDataLoader.Parse("a,b\n1,2\n3,x7\n", "data.csv", "b"));
        Assert.Contains("data.csv", e.Message);
        Assert.Contains("line 3", e.Message);
        Assert.Contains("'b'", e.Message);
        Assert.Contains("x7", e.Message);
        Assert.Throws<UserInputException>(() => CsvDataLoader.Parse("a,b\n1,NaN\n", "d.csv", null));
        Assert.Throws<UserInputException>(() => CsvDataLoader.Parse("a,b\n1,\n", "d.csv", null));
    }

    [Fact]
    public void UnknownOrAmbiguousColumnListsTheColumns()
    {
        var e = Assert.Throws<UserInputException>(() => CsvDataLoader.Parse(Good, "g.csv", "pressure"));
        Assert.Contains("g.csv", e.Message);
        Assert.Contains("'pressure'", e.Message);
        Assert.Contains("'noise'", e.Message);
        var amb = Assert.Throws<UserInputException>(() => CsvDataLoader.Parse("ab,ac,y\n1,2,3\n", "h.csv", "a"));
        Assert.Contains("ambiguous", amb.Message);
    }

    [Fact]
    public void WrongCellCountAndEmptyFilesAreUserErrors()
    {
        var e = Assert.Throws<UserInputException>(() => CsvDataLoader.Parse("a,b,c\n1,2,3\n4,5\n", "r.csv", null));
        Assert.Contains("line 3", e.Message);
        Assert.Contains("expected 3 cells", e.Message);
        Assert.Throws<UserInputException>(() => CsvDataLoader.Parse("", "e.csv", null));
        Assert.Throws<UserInputException>(() => CsvDataLoader.Parse("a,b\n", "h.csv", null));
        Assert.Throws<UserInputException>(() => CsvDataLoader.Parse("only\n1\n", "o.csv", null));
        Assert.Throws<UserInputException>(() => CsvDataLoader.Parse("a,b\n\"1,2\n", "q.csv", null));
    }

    [Fact]
    public void UnreadableFileIsAUserErrorNamingIt()
    {
        var path = Path.Combine(Path.GetTempPath(), "chaosdescent-missing-" + Guid.NewGuid().ToString("N") + ".csv");
        var e = Assert.Throws<UserInputException>(() => CsvDataLoader.Load(path, null));
        Assert.Contains(path, e.Message);
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            Assert.Throws<UserInputException>(() => CsvDataLoader.Load(dir.FullName, null));
        }
        finally { dir.Delete(); }
    }

    [Fact]
    public void AirfoilIsEmbeddedWithItsShape()
    {
        var d = AirfoilData.Load();
        Assert.Equal(1503, d.Count);
        Assert.Equal(5, d.InputCount);
        Assert.Equal([800.0, 0, 0.3048, 71.3, 0.00266337], d.Input(0).ToArray());
        Assert.Equal(126.201, d.Target(0)[0]);
    }

    [Fact]
    public void StandardizationAndSplitAreSeededAndConsistent()
    {
        var raw = AirfoilData.Load();
        var p1 = DataPreparation.Prepare(raw, Preprocessing.Standardize, 0.2, 5);
        var p2 = DataPreparation.Prepare(raw, Preprocessing.Standardize, 0.2, 5);
        var p3 = DataPreparation.Prepare(raw, Preprocessing.Standardize, 0.2, 6);
        Assert.Equal(301, p1.Test!.Count);
        Assert.Equal(1202, p1.Train.Count);
        Assert.Equal(p1.Train.Inputs.ToArray(), p2.Train.Inputs.ToArray());
        Assert.NotEqual(p1.Train.Targets.ToArray(), p3.Train.Targets.ToArray());
        // The training part is standardized exactly; the test part with the training statistics.
        for (int c = 0; c < 5; c++)
        {
            var col = Enumerable.Range(0, p1.Train.Count).Select(i => p1.Train.Input(i)[c]).ToArray();
            double m = col.Average();
            Assert.Equal(0, m, 1e-12);
            Assert.Equal(1, Math.Sqrt(col.Select(x => (x - m) * (x - m)).Average()), 1e-12);
        }
        // center-target keeps the target in its units (dB), centred.
        var db = DataPreparation.Prepare(raw, Preprocessing.CenterTarget, 0, 1).Train;
        var y = db.Targets.ToArray();
        Assert.Equal(0, y.Average(), 1e-10);
        Assert.InRange(Math.Sqrt(y.Select(v => v * v).Average()), 6.8, 7.0);
    }
}
