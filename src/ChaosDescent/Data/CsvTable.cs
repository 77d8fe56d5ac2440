using System.Globalization;
using System.Text;

namespace ChaosDescent.Data;

/// <summary>
/// The one CSV reader of the project (RFC 4180): a header row of column names, then one row per non-empty line;
/// comma separated; fields may be double-quoted, with "" for a quote inside and line breaks allowed inside quotes.
/// Cells are kept as trimmed strings, and numbers are converted per column (<see cref="Numeric"/>), so a label column
/// may hold words ("yes"/"no") while feature columns must be numbers. Every problem is a
/// <see cref="UserInputException"/> naming the source, the line and, where it applies, the column.
/// </summary>
public sealed class CsvTable
{
    /// <summary>Where the table came from (a path or a name), used in messages.</summary>
    public required string Path { get; init; }

    public required string[] Header { get; init; }
    public required List<string[]> Rows { get; init; }

    /// <summary>The 1-based line on which each row starts.</summary>
    public required int[] Lines { get; init; }

    /// <summary>Reads and parses a file; a missing or unreadable file is a user error naming it.</summary>
    public static CsvTable Read(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new UserInputException($"data file '{path}' not found");
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UserInputException($"cannot read data file '{path}': {e.Message}");
        }
        return Parse(text, path);
    }

    /// <summary>Parses CSV text; <paramref name="source"/> names it in messages.</summary>
    public static CsvTable Parse(string text, string source)
    {
        var rows = new List<(int Line, string[] Cells)>();
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
        var header = rows[0].Cells;
        for (int c = 0; c < header.Length; c++)
            if (header[c].Length == 0) header[c] = $"column{c + 1}";
        if (rows.Count < 2) throw new UserInputException($"{source}: no data rows after the header");
        for (int r = 1; r < rows.Count; r++)
            if (rows[r].Cells.Length != header.Length)
                throw new UserInputException($"{source}, line {rows[r].Line}: expected {header.Length} cells as in the header, found {rows[r].Cells.Length}");
        return new CsvTable
        {
            Path = source,
            Header = header,
            Rows = rows.Skip(1).Select(r => r.Cells).ToList(),
            Lines = rows.Skip(1).Select(r => r.Line).ToArray(),
        };
    }

    /// <summary>The index of a column (see <see cref="ResolveColumn"/>).</summary>
    public int ColumnIndex(string? column) => ResolveColumn(Header, column, Path);

    /// <summary>
    /// The index of a column given as a header name (case-insensitive, surrounding spaces ignored), else a unique
    /// case-insensitive prefix of one, else a 1-based column number; null selects the last column.
    /// </summary>
    public static int ResolveColumn(IReadOnlyList<string> header, string? column, string source)
    {
        if (column is null) return header.Count - 1;
        var key = column.Trim();
        for (int c = 0; c < header.Count; c++)
            if (string.Equals(header[c].Trim(), key, StringComparison.OrdinalIgnoreCase)) return c;
        var prefix = Enumerable.Range(0, header.Count)
            .Where(c => key.Length > 0 && header[c].Trim().StartsWith(key, StringComparison.OrdinalIgnoreCase)).ToList();
        if (prefix.Count == 1) return prefix[0];
        if (int.TryParse(key, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= header.Count)
            return number - 1;
        var list = string.Join(", ", header.Select(h => $"'{h.Trim()}'"));
        if (prefix.Count > 1)
            throw new UserInputException($"{source}: column '{column}' is ambiguous; it starts {prefix.Count} column names ({list})");
        throw new UserInputException($"{source}: no column '{column}' (columns: {list}; or give a 1-based column number)");
    }

    /// <summary>Column <paramref name="j"/> as finite numbers (invariant culture); anything else is a user error naming the line.</summary>
    public double[] Numeric(int j)
    {
        var v = new double[Rows.Count];
        for (int i = 0; i < Rows.Count; i++)
        {
            var cell = Rows[i][j];
            if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) || !double.IsFinite(v[i]))
                throw new UserInputException($"{Path}, line {Lines[i]}, column '{Header[j].Trim()}': '{Shorten(cell)}' is not a finite number");
        }
        return v;
    }

    private static int CountQuotes(string s)
    {
        int q = 0;
        foreach (var ch in s) if (ch == '"') q++;
        return q;
    }

    private static string[] SplitLine(string s, string source, int line)
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
                    if (i + 1 < s.Length && s[i + 1] == '"')
                    {
                        sb.Append('"');
                        i++;
                    }
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
                cells.Add(sb.ToString().Trim());
                sb.Clear();
            }
            else if (ch != '\r') sb.Append(ch);
        }
        cells.Add(sb.ToString().Trim());
        return cells.ToArray();
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..37] + "...";
}
