namespace ChaosDescent.Data;

/// <summary>
/// Loads a regression data set from a CSV file (read by <see cref="CsvTable"/>): one column is the target, all others
/// are inputs, and every cell must be a finite number. Problems are <see cref="UserInputException"/>s naming the
/// file, the line and the column.
/// </summary>
public static class CsvDataLoader
{
    /// <summary>
    /// Loads <paramref name="path"/> with <paramref name="target"/> as the target column (see
    /// <see cref="CsvTable.ResolveColumn"/>; null selects the last column).
    /// </summary>
    public static RegressionData Load(string path, string? target) => FromTable(CsvTable.Read(path), Path.GetFileName(path), target);

    /// <summary>Parses CSV text; <paramref name="source"/> names it in error messages and in the data set.</summary>
    public static RegressionData Parse(string text, string source, string? target) => FromTable(CsvTable.Parse(text, source), source, target);

    private static RegressionData FromTable(CsvTable table, string name, string? target)
    {
        var header = table.Header;
        if (header.Length < 2)
            throw new UserInputException($"{table.Path}: need at least two columns (inputs and a target), found {header.Length}");
        int t = table.ColumnIndex(target);
        int cols = header.Length, n = table.Rows.Count;
        var columns = Enumerable.Range(0, cols).Select(table.Numeric).ToArray();
        var x = new double[n * (cols - 1)];
        for (int r = 0; r < n; r++)
        {
            int xi = 0;
            for (int c = 0; c < cols; c++)
                if (c != t) x[r * (cols - 1) + xi++] = columns[c][r];
        }
        var inputNames = header.Where((_, c) => c != t).ToArray();
        return new RegressionData(name, inputNames, [header[t]], x, columns[t]);
    }
}
