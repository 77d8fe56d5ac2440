using System.Globalization;
using System.Text;
using ChaosDescent.Infrastructure;

namespace ChaosDescent.Data;

/// <summary>
/// The one CSV writer of the project: comma-separated, one header row, invariant culture, round-trip doubles,
/// non-finite values written as empty cells, strings quoted when they hold a comma, quote or line break (RFC 4180),
/// written atomically (<see cref="AtomicFile"/>). Every method returns the path it wrote.
/// </summary>
public static class CsvFile
{
    /// <summary>Writes equal-length numeric columns under <paramref name="headers"/>.</summary>
    public static string Write(string path, IReadOnlyList<string> headers, params IReadOnlyList<double>[] columns)
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
        return path;
    }

    /// <summary>Writes rows of numbers under <paramref name="headers"/>.</summary>
    public static string WriteNumericRows(string path, IReadOnlyList<string> headers, IEnumerable<IEnumerable<double>> rows)
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', headers.Select(Escape)).Append('\n');
        foreach (var row in rows)
        {
            int cells = 0;
            foreach (var v in row)
            {
                if (cells++ > 0) sb.Append(',');
                sb.Append(Format(v));
            }
            if (cells != headers.Count) throw new ArgumentException($"CSV row has {cells} cells for {headers.Count} headers");
            sb.Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
        return path;
    }

    /// <summary>Writes rows of mixed cells (strings are quoted when needed, doubles round-trip).</summary>
    public static string WriteRows(string path, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<object?>> rows)
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', headers.Select(Escape)).Append('\n');
        foreach (var row in rows)
        {
            if (row.Count != headers.Count) throw new ArgumentException($"CSV row has {row.Count} cells for {headers.Count} headers");
            sb.AppendJoin(',', row.Select(Cell)).Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
        return path;
    }

    private static string Cell(object? v) => v switch
    {
        null => "",
        bool b => b ? "1" : "0",
        double d => Format(d),
        float f => Format(f),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Escape(v.ToString() ?? ""),
    };

    public static string Format(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    public static string Escape(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
