using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChaosDescent.Analyses.Training;

namespace ChaosDescent.Experiments.Sweeps;

/// <summary>
/// The spread of a sweep's results over its seed axis: for every point of the other axes (and every analysis) and
/// every scalar field of the result, the number of replicates, mean, standard deviation and the empirical quantiles
/// q05, q50, q95 (numbers), or the rate with its 95% Wilson interval (true/false fields) — the figures a reader needs
/// to tell a property of the method from a property of one seed. Units that failed, and non-finite values, are left
/// out (the count says how many remained).
/// </summary>
public static class SeedSpread
{
    public const string FileName = "seed-spread.csv";

    /// <summary>The axis whose values are replicates.</summary>
    public const string SeedAxis = "seed";

    /// <summary>True when some unit has a coordinate on the seed axis.</summary>
    public static bool HasSeedAxis(IReadOnlyList<JsonObject> units) =>
        units.Any(u => u["coordinates"] is JsonObject c && c.ContainsKey(SeedAxis));

    /// <summary>One row per (analysis, point of the other axes, field); header first.</summary>
    public static string Csv(IReadOnlyList<JsonObject> units)
    {
        var sb = new StringBuilder("analysis,point,field,replicates,mean,sd,q05,q50,q95,rate,rate_lo,rate_hi\n");
        var groups = units.GroupBy(u => (Analysis: u["analysis"]?.ToString() ?? "", Point: Point(u)));
        foreach (var g in groups)
        {
            var ok = g.Where(u => u["error"] is null && u["result"] is JsonObject).Select(u => (JsonObject)u["result"]!).ToList();
            var fields = ok.SelectMany(r => r.Where(kv => kv.Value is JsonValue).Select(kv => kv.Key)).Distinct().ToList();
            foreach (var field in fields)
            {
                var values = ok.Select(r => r[field]).OfType<JsonValue>().ToList();
                string prefix = $"{Cell(g.Key.Analysis)},{Cell(g.Key.Point)},{Cell(field)},";
                if (values.All(v => v.GetValueKind() is JsonValueKind.True or JsonValueKind.False))
                {
                    int n = values.Count, yes = values.Count(v => v.GetValueKind() == JsonValueKind.True);
                    var (lo, hi) = TrainingRegimeClassifier.Wilson(yes, n);
                    sb.Append(prefix).Append(CultureInfo.InvariantCulture, $"{n},,,,,,{R((double)yes / n)},{R(lo)},{R(hi)}\n");
                }
                else if (values.All(v => v.GetValueKind() == JsonValueKind.Number))
                {
                    var x = values.Select(v => v.GetValue<double>()).Where(double.IsFinite).Order().ToArray();
                    if (x.Length == 0)
                    {
                        sb.Append(prefix).Append("0,,,,,,,,\n");
                        continue;
                    }
                    double mean = x.Average();
                    double sd = x.Length > 1 ? Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1)) : double.NaN;
                    sb.Append(prefix).Append(CultureInfo.InvariantCulture,
                        $"{x.Length},{R(mean)},{R(sd)},{R(Quantile(x, 0.05))},{R(Quantile(x, 0.5))},{R(Quantile(x, 0.95))},,,\n");
                }
            }
        }
        return sb.ToString();
    }

    /// <summary>The empirical quantile of sorted values, linear between order statistics (Hyndman &amp; Fan 1996,
    /// type 7, as numpy's default).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return double.NaN;
        double h = (sorted.Count - 1) * p;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>The unit's coordinates on every axis but the seed's, as "axis=value; …" (empty: a pure seed sweep).</summary>
    private static string Point(JsonObject unit) =>
        unit["coordinates"] is JsonObject c
            ? string.Join("; ", c.Where(kv => kv.Key != SeedAxis).Select(kv => $"{kv.Key}={kv.Value?.ToJsonString()}"))
            : "";

    private static string R(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Cell(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
