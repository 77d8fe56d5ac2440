using System.Globalization;
using System.Net;
using System.Text;
using ChaosDescent.Reporting.Reproduction;

namespace ChaosDescent.Reporting.Html;

/// <summary>
/// The replicate part of the report: a banner line on the pass rates, and per check a small inline SVG strip of the
/// measured values over the replicates (one tick per seed, green pass / red fail) against the accepted region
/// (shaded), with the 5–95% range and the median marked. Self-contained: no script, no external file.
/// </summary>
public static class ReplicateStripWriter
{
    private const int Width = 180, Height = 22;

    /// <summary>A sentence on the replicates for the report's banner; empty with one replicate.</summary>
    public static string Banner(ReportResults results)
    {
        var s = results.Summary;
        if (s.Replicates <= 1) return "";
        int everywhere = results.Checks.Count(c => c.PassRate == 1);
        return string.Create(CultureInfo.InvariantCulture,
            $" Over {s.Replicates} independent seeds: {everywhere} of {s.Checks} checks passed at every seed; {s.ChecksInconsistent} failed more often than their design false-alarm rate allows.");
    }

    /// <summary>The header cells of the replicate columns (empty with one replicate).</summary>
    public static string HeaderCells(IReadOnlyList<CheckRecord> checks) =>
        checks.Any(c => c.Replicates > 1) ? "<th>pass rate (design false-alarm rate)</th><th>measured over seeds (q05 · q50 · q95)</th>" : "";

    /// <summary>The replicate cells of one check's row (empty with one replicate).</summary>
    public static string Cells(CheckRecord c, bool replicated)
    {
        if (!replicated) return "";
        var sb = new StringBuilder();
        string design = c.FalseAlarmRate is { } a ? (a == 0 ? "deterministic" : Check.Fmt(a)) : "not stated";
        sb.Append("<td class=\"num\"").Append(c.Consistent ? "" : " style=\"background:#fbdcdc\"").Append('>')
          .Append(c.PassRate.ToString("0.###", CultureInfo.InvariantCulture)).Append(" of ").Append(c.Replicates)
          .Append("<div class=\"note\">").Append(H(design)).Append(c.Consistent ? "" : "; inconsistent").Append("</div></td>");
        sb.Append("<td>").Append(Strip(c)).Append("<div class=\"note\">")
          .Append(H(string.Join(" · ", c.MeasuredQuantiles.Select(Check.Fmt)))).Append("</div></td>");
        return sb.ToString();
    }

    /// <summary>The inline SVG strip of one check (empty when it has no finite replicate value).</summary>
    public static string Strip(CheckRecord c)
    {
        var values = c.ReplicateMeasured ?? [];
        var pass = c.ReplicatePass ?? [];
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0) return "";
        // The accepted region, clipped to a range around the data so that a one-sided bound does not squash the strip.
        double lo = finite.Min(), hi = finite.Max();
        (double a, double b) accepted = c.Relation switch
        {
            "near" => (c.Expected - c.Tolerance, c.Expected + c.Tolerance),
            "at_most" => (double.NegativeInfinity, c.Expected),
            "at_least" => (c.Expected, double.PositiveInfinity),
            _ => (0.5, 1.5),
        };
        if (double.IsFinite(accepted.a)) lo = Math.Min(lo, accepted.a);
        if (double.IsFinite(accepted.b)) hi = Math.Max(hi, accepted.b);
        if (c.Relation == "near") { lo = Math.Min(lo, c.Expected); hi = Math.Max(hi, c.Expected); }
        if (c.Relation == "true") { lo = -0.5; hi = 1.5; }
        double span = hi - lo;
        if (!(span > 0)) span = Math.Max(Math.Abs(hi), 1e-300);
        lo -= 0.05 * span;
        hi += 0.05 * span;
        double X(double v) => 4 + (Width - 8) * (Math.Clamp(v, lo, hi) - lo) / (hi - lo);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" role=\"img\" aria-label=\"measured value at each seed\">");
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"4\" y1=\"{Height / 2}\" x2=\"{Width - 4}\" y2=\"{Height / 2}\" stroke=\"#ccc\"/>");
        double ax = X(double.IsFinite(accepted.a) ? accepted.a : lo), bx = X(double.IsFinite(accepted.b) ? accepted.b : hi);
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{ax:0.#}\" y=\"3\" width=\"{Math.Max(1, bx - ax):0.#}\" height=\"{Height - 6}\" fill=\"#dff3e0\"/>");
        var q = c.MeasuredQuantiles;
        if (q.Length == 3 && q.All(double.IsFinite))
        {
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(q[0]):0.#}\" y1=\"{Height - 3}\" x2=\"{X(q[2]):0.#}\" y2=\"{Height - 3}\" stroke=\"#555\" stroke-width=\"2\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(q[1]):0.#}\" y1=\"1\" x2=\"{X(q[1]):0.#}\" y2=\"{Height - 1}\" stroke=\"#222\" stroke-width=\"1.5\"/>");
        }
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i])) continue;
            bool ok = i < pass.Length && pass[i];
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(values[i]):0.#}\" y1=\"6\" x2=\"{X(values[i]):0.#}\" y2=\"{Height - 6}\" stroke=\"{(ok ? "#2a8a3a" : "#c22")}\" stroke-opacity=\"0.7\"/>");
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static string H(string s) => WebUtility.HtmlEncode(s);
}
