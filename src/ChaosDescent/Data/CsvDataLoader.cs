using System.Globalization;
using System.Text;

namespace ChaosDescent.Data;

/// <summary>
/// Loads a regression data set from a comma-separated file: the first line is a header of column names, every
/// further non-empty line one sample; fields may be double-quoted (RFC 4180, with "" for a quote inside).
/// One column is the target, all others are inputs. Every cell must be a finite number (invariant culture).
/// Problems are reported as <see cref="UserInputException"/> naming the file, the line and the column.
/// </summary>
public static class CsvDataLoader
{
    /// <summary>
    /// Loads <paramref name="path"/> with <paramref name="target"/> as the target column: a header name
    /// (case-insensitive, surrounding spaces ignored), else a unique case-insensitive prefix of one, else a
    /// 1-based column number. Null selects the last column.
    /// </summary>
    public static RegressionData Load(string path, string? target)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UserInputException($"cannot read data file '{path}': {e.Message}");
        }
        return Parse(text, Path.GetFileName(path), target);
    }

    /// <summary>Parses CSV text; <paramref name="source"/> names it in error messages.</summary>
    public static RegressionData Parse(string text, string source, string? target)
    {
        var rows = new List<(int Line, List<string> Cells)>();
        int line = 0;
        using (var reader = new StringReader(text))
        {
            string? s;
            while ((s = reader.ReadLine()) is not null)
            {
                line++;
                int startLine = line;
                // A quoted field may span lines: keep reading while quotes are unbalanced.
                while (CountQuotes(s) % 2 == 1)
                {
                    var next = reader.ReadLine();
                    if (next is null) throw new UserInputException($"{source}, line {startLine}: unterminated quoted field");
                    line++;
                    s += "\n" + next;
                }
                if (string.IsNullOrWhiteSpace(s)) continue;
                rows.Add((startLine, SplitLine(s, source, startLine)));
            }
        }
        if (rows.Count == 0) throw new UserInputException($"{source}: the file is empty (expected a header line and data rows)");
        var header = rows[0].Cells.Select(h => h.Trim()).ToArray();
        if (header.Length < 2) throw new UserInputException($"{source}, line {rows[0].Line}: need at least two columns (inputs and a target), found {header.Length}");
        if (rows.Count < 2) throw new UserInputException($"{source}: no data rows after the header");
        for (int c = 0; c < header.Length; c++)
            if (header[c].Length == 0) header[c] = $"column{c + 1}";
        int t = ResolveColumn(header, target, source);

        int cols = header.Length, n = rows.Count - 1;
        var x = new double[n * (cols - 1)];
        var y = new double[n];
        for (int r = 1; r < rows.Count; r++)
        {
            var (ln, cells) = rows[r];
            if (cells.Count != cols)
                throw new UserInputException($"{source}, line {ln}: expected {cols} cells as in the header, found {cells.Count}");
            int xi = 0;
            for (int c = 0; c < cols; c++)
            {
                var cell = cells[c].Trim();
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                    throw new UserInputException($"{source}, line {ln}, column '{header[c]}': '{Shorten(cell)}' is not a finite number");
                if (c == t) y[r - 1] = value;
                else x[(r - 1) * (cols - 1) + xi++] = value;
            }
        }
        var inputNames = header.Where((_, c) => c != t).ToArray();
        return new RegressionData(source, inputNames, [header[t]], x, y);
    }

    /// <summary>Index of the target column (see <see cref="Load"/>).</summary>
    public static int ResolveColumn(IReadOnlyList<string> header, string? target, string source)
    {
        if (target is null) return header.Count - 1;
        var key = target.Trim();
        for (int c = 0; c < header.Count; c++)
            if (string.Equals(header[c].Trim(), key, StringComparison.OrdinalIgnoreCase)) return c;
        var prefix = Enumerable.Range(0, header.Count)
            .Where(c => key.Length > 0 && header[c].Trim().StartsWith(key, StringComparison.OrdinalIgnoreCase)).ToList();
        if (prefix.Count == 1) return prefix[0];
        if (int.TryParse(key, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= header.Count)
            return number - 1;
        var list = string.Join(", ", header.Select(h => $"'{h}'"));
        if (prefix.Count > 1)
            throw new UserInputException($"{source}: target column '{target}' is ambiguous; it starts {prefix.Count} column names ({list})");
        throw new UserInputException($"{source}: no column '{target}' (columns: {list}; or give a 1-based column number)");
    }

    private static int CountQuotes(string s)
    {
        int q = 0;
        foreach (var ch in s) if (ch == '"') q++;
        return q;
    }

    private static List<string> SplitLine(string s, string source, int line)
    {
        var cells = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < s.Length; i++)
        {
            char ch = s[i];
            if (quoted)
            {
                if (ch == '"')
                {
                    if (i + 1 < s.Length && s[i + 1] == '"') { sb.Append('"'); i++; }
                    else quoted = false;
                }
                else sb.Append(ch);
            }
            else if (ch == '"')
            {
                if (sb.ToString().Trim().Length > 0)
                    throw new UserInputException($"{source}, line {line}: a quote in the middle of an unquoted field");
                sb.Clear();
                quoted = true;
            }
            else if (ch == ',')
            {
                cells.Add(sb.ToString());
                sb.Clear();
            }
            else if (ch != '\r') sb.Append(ch);
        }
        cells.Add(sb.ToString());
        return cells;
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..37] + "...";
}
