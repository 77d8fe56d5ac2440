using System.Globalization;
using System.Text;

namespace ChaosDescent.Data;

/// <summary>
/// A small CSV reader for user data: one header row, comma separated, double quotes around fields allowed
/// (with "" for a quote inside). Values are kept as trimmed strings; numeric conversion happens per column so
/// that a label column may hold words ("yes"/"no") while feature columns must be numbers.
/// </summary>
public sealed class CsvTable
{
    public required string Path { get; init; }
    public required string[] Header { get; init; }
    public required List<string[]> Rows { get; init; }

    public static CsvTable Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"data file '{path}' not found");
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot read data file '{path}': {e.Message}");
        }
        int first = 0;
        while (first < lines.Length && string.IsNullOrWhiteSpace(lines[first])) first++;
        if (first == lines.Length) throw new UserInputException($"data file '{path}' is empty");
        var header = Split(lines[first], path, first + 1);
        var rows = new List<string[]>();
        for (int i = first + 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var f = Split(lines[i], path, i + 1);
            if (f.Length != header.Length)
                throw new UserInputException($"{path}, line {i + 1}: {f.Length} fields, but the header has {header.Length}");
            rows.Add(f);
        }
        if (rows.Count == 0) throw new UserInputException($"data file '{path}' has a header but no rows");
        return new CsvTable { Path = path, Header = header, Rows = rows };
    }

    /// <summary>
    /// The index of a column given by name (case-insensitive, surrounding spaces ignored) or by its number
    /// counting from 1; null selects the last column.
    /// </summary>
    public int ColumnIndex(string? column)
    {
        if (column is null) return Header.Length - 1;
        var want = column.Trim();
        for (int j = 0; j < Header.Length; j++)
            if (string.Equals(Header[j].Trim(), want, StringComparison.OrdinalIgnoreCase)) return j;
        if (int.TryParse(want, NumberStyles.Integer, CultureInfo.InvariantCulture, out int k))
        {
            if (k >= 1 && k <= Header.Length) return k - 1;
            throw new UserInputException($"column number {k} is out of range 1..{Header.Length} in '{Path}'");
        }
        throw new UserInputException(
            $"no column '{column}' in '{Path}'; columns: {string.Join(", ", Header.Select(h => "'" + h.Trim() + "'"))}");
    }

    /// <summary>Column <paramref name="j"/> as numbers; a non-number is a user error naming the line.</summary>
    public double[] Numeric(int j)
    {
        var v = new double[Rows.Count];
        for (int i = 0; i < Rows.Count; i++)
        {
            if (!double.TryParse(Rows[i][j], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) || !double.IsFinite(v[i]))
                throw new UserInputException(
                    $"{Path}: column '{Header[j].Trim()}' row {i + 1} is not a finite number ('{Rows[i][j]}')");
        }
        return v;
    }

    private static string[] Split(string line, string path, int lineNo)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                    else quoted = false;
                }
                else sb.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(sb.ToString().Trim()); sb.Clear(); }
            else sb.Append(c);
        }
        if (quoted) throw new UserInputException($"{path}, line {lineNo}: unterminated quote");
        fields.Add(sb.ToString().Trim());
        return fields.ToArray();
    }
}
