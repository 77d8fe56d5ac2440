using System.Globalization;
using System.Text;
using ChaosDescent.Infrastructure;

namespace ChaosDescent.Reporting.Reproduction;

/// <summary>
/// Plain CSV (comma-separated, header row, invariant culture, round-trip doubles, non-finite values written empty)
/// written atomically.
/// </summary>
public static class CsvFile
{
    /// <summary>Writes equal-length numeric columns under <paramref name="headers"/>.</summary>
    public static void Write(string path, IReadOnlyList<string> headers, params IReadOnlyList<double>[] columns)
    {
        if (headers.Count != columns.Length) throw new ArgumentException($"{headers.Count} headers for {columns.Length} columns");
        int n = columns.Length == 0 ? 0 : columns[0].Count;
        if (columns.Any(c => c.Count != n)) throw new ArgumentException("CSV columns differ in length");
        var sb = new StringBuilder();
        sb.AppendJoin(',', headers.Select(Escape)).Append('\n');
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < columns.Length; j++)
            {
                if (j > 0) sb.Append(',');
                sb.Append(Format(columns[j][i]));
            }
            sb.Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    /// <summary>Writes rows of mixed cells (strings are quoted when needed, doubles round-trip).</summary>
    public static void WriteRows(string path, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<object?>> rows)
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', headers.Select(Escape)).Append('\n');
        foreach (var row in rows)
        {
            if (row.Count != headers.Count) throw new ArgumentException($"CSV row has {row.Count} cells for {headers.Count} headers");
            sb.AppendJoin(',', row.Select(Cell)).Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    private static string Cell(object? v) => v switch
    {
        null => "",
        double d => Format(d),
        float f => Format(f),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Escape(v.ToString() ?? ""),
    };

    public static string Format(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Escape(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
