using System.Text.Json;
using System.Text.Json.Nodes;
using ChaosDescent.Experiments.Sweeps;

namespace ChaosDescent.Reporting.Plots;

/// <summary>
/// A sweep's own figures, drawn from its composed results: for each analysis, its headline number (λ for
/// <c>lyapunov</c>, the final loss for <c>train</c>, otherwise the first numeric field of the result) against one axis (a line; every seed's value
/// as points when a seed axis replicates the grid), or over two axes as a heat map (the mean over seeds). Grids of
/// more than two axes get no figure; their table has every number.
/// </summary>
public static class SweepPlots
{
    public static IReadOnlyList<string> Write(string directory, SweepOutputs outputs)
    {
        var written = new List<string>();
        if (outputs.Plan["analyses"] is not JsonArray analyses) return written;
        foreach (var a in analyses.OfType<JsonObject>())
        {
            string label = a["label"]!.GetValue<string>();
            int first = a["first_unit"]!.GetValue<int>(), count = a["units"]!.GetValue<int>();
            var units = outputs.Units.Skip(first).Take(count).ToList();
            var axes = (a["axes"] as JsonArray ?? []).OfType<JsonObject>()
                .Where(x => x["name"]!.GetValue<string>() != "seed" && x["zipped_with"] is null)
                .Select(x => (Name: x["name"]!.GetValue<string>(), Values: x["values"]!.AsArray().Select(v => v!.GetValue<double>()).Distinct().Order().ToArray(), Log: x["log"]!.GetValue<bool>()))
                .Where(x => x.Values.Length > 1).ToList();
            if (axes.Count is 0 or > 2) continue;
            string? field = Headline(units);
            if (field is null) continue;
            double Value(JsonObject u) => u["result"]?[field] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : double.NaN;
            double Coord(JsonObject u, string axis) => u["coordinates"]![axis]!.GetValue<double>();
            string name = "sweep-" + label.Replace('#', '-');
            string yLabel = field == "lambda" ? "lambda (maximal Lyapunov exponent)" : field;
            if (axes.Count == 1)
            {
                var (axis, values, log) = axes[0];
                bool logX = log || (values.Min() > 0 && values.Max() / values.Min() >= 20);
                var fig = new PlotFigure($"{label}: {field} against {axis}", axis, yLabel) { LogX = logX };
                var byValue = units.GroupBy(u => Coord(u, axis)).ToDictionary(g => g.Key, g => Mean(g.Select(Value)));
                var means = values.Select(x => byValue.GetValueOrDefault(x, double.NaN)).ToArray();
                bool replicated = units.Count > values.Length;
                if (replicated)
                    fig.Points(units.Select(u => Coord(u, axis)).ToArray(), units.Select(Value).ToArray(), "each seed", PlotFigure.ColorAt(7), 3);
                fig.LinePoints(values, means, replicated ? "mean over seeds" : null);
                written.Add(fig.Save(directory, name));
            }
            else
            {
                var (xName, xs, xLog) = axes[0];
                var (yName, ys, yLog) = axes[1];
                xLog |= xs.Min() > 0 && xs.Max() / xs.Min() >= 20;
                yLog |= ys.Min() > 0 && ys.Max() / ys.Min() >= 20;
                var cells = units.GroupBy(u => (Coord(u, xName), Coord(u, yName))).ToDictionary(g => g.Key, g => Mean(g.Select(Value)));
                var z = new double[ys.Length, xs.Length];
                for (int iy = 0; iy < ys.Length; iy++)
                    for (int ix = 0; ix < xs.Length; ix++)
                        z[iy, ix] = cells.GetValueOrDefault((xs[ix], ys[iy]), double.NaN);
                var fig = new PlotFigure($"{label}: {field} over ({xName}, {yName})", xName, yName) { LogX = xLog, LogY = yLog };
                var (x0, x1) = Edges(xs, xLog);
                var (y0, y1) = Edges(ys, yLog);
                fig.Heatmap(z, x0, x1, y0, y1, field);
                written.Add(fig.Save(directory, name));
            }
        }
        return written;
    }

    /// <summary>A unit's own figures, from its typed result: today the regime diagram of a <c>regime</c> unit (Fig. 2).</summary>
    public static void WriteUnit(SweepUnit unit, object result, string directory)
    {
        if (result is ChaosDescent.Analyses.Chaos.RegimeReport { Result: { } map } rep)
        {
            string name = $"{rep.Objective}-{rep.Map}-regimes";
            ChaosPlots.RegimeDiagram(map, $"Regimes of {rep.Map} on {rep.Objective}").Save(directory, name);
            ChaosPlots.WriteRegimeCsv(map, Path.Combine(directory, name + ".csv"));
        }
    }

    private static string? Headline(IReadOnlyList<JsonObject> units)
    {
        foreach (var u in units)
        {
            if (u["result"] is not JsonObject r) continue;
            foreach (var preferred in new[] { "lambda", "final_loss", "tv_to_gibbs" })
                if (r[preferred] is JsonValue { } p && p.GetValueKind() == JsonValueKind.Number) return preferred;
            return r.FirstOrDefault(kv => kv.Value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && kv.Key is not ("eta" or "eps" or "seed")).Key;
        }
        return null;
    }

    private static double Mean(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        return finite.Length == 0 ? double.NaN : finite.Average();
    }

    /// <summary>The outer cell edges of a grid of sorted cell centres (half a step beyond each end, in log space for log axes).</summary>
    private static (double Lo, double Hi) Edges(double[] centres, bool log)
    {
        var c = centres.Order().ToArray();
        if (log)
        {
            double lo = c[0] / Math.Sqrt(c[1] / c[0]), hi = c[^1] * Math.Sqrt(c[^1] / c[^2]);
            return (lo, hi);
        }
        return (c[0] - (c[1] - c[0]) / 2, c[^1] + (c[^1] - c[^2]) / 2);
    }
}
