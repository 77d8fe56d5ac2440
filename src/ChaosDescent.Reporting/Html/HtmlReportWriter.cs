using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using ChaosDescent.Reporting.Reproduction;

namespace ChaosDescent.Reporting.Html;

/// <summary>
/// Renders <see cref="ReportResults"/> as one self-contained HTML page: CSS inline, figures embedded as base64 PNG,
/// no scripts, fonts or anything else fetched from elsewhere, so the file opens offline and can be mailed alone.
/// Links to the PNG/SVG/CSV files next to it are relative. Everything an experiment wrote as text is HTML-escaped.
/// </summary>
public static class HtmlReportWriter
{
    private const string Css = """
        body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; margin: 0 auto; max-width: 1180px; padding: 1.5em 2em 4em; color: #1d1d1f; line-height: 1.45; }
        h1 { font-size: 1.7em; margin-bottom: 0.2em; }
        h2 { font-size: 1.35em; border-bottom: 2px solid #ddd; padding-bottom: 0.2em; margin-top: 2.2em; }
        h3 { font-size: 1.05em; margin-top: 1.4em; }
        .subtitle { color: #555; margin-top: 0; }
        table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
        th, td { border: 1px solid #d4d4d4; padding: 0.28em 0.6em; text-align: left; vertical-align: top; }
        th { background: #f3f3f3; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        tr.pass td.verdict { background: #dff3e0; color: #145a1e; font-weight: bold; }
        tr.fail td.verdict { background: #fbdcdc; color: #8a1010; font-weight: bold; }
        tr.fail { background: #fff6f6; }
        .banner { padding: 0.7em 1em; border-radius: 6px; font-weight: bold; margin: 1em 0; }
        .banner.pass { background: #dff3e0; color: #145a1e; border: 1px solid #9fd3a5; }
        .banner.fail { background: #fbdcdc; color: #8a1010; border: 1px solid #e9a0a0; }
        .badge { display: inline-block; padding: 0 0.5em; border-radius: 4px; font-size: 0.85em; font-weight: bold; }
        .badge.passed { background: #dff3e0; color: #145a1e; }
        .badge.failed_checks, .badge.error { background: #fbdcdc; color: #8a1010; }
        .error { background: #fbdcdc; border-left: 4px solid #c22; padding: 0.6em 1em; font-family: monospace; white-space: pre-wrap; }
        figure { margin: 1.2em 0; }
        figure img { max-width: 100%; height: auto; border: 1px solid #e2e2e2; }
        figcaption { font-size: 0.92em; color: #333; margin-top: 0.3em; }
        figcaption a, .files a { color: #555; }
        .missing { padding: 2em; background: #f7f7f7; border: 1px dashed #bbb; color: #777; }
        nav ol { padding-left: 1.4em; }
        .note { font-size: 0.85em; color: #555; }
        .meta td:first-child { font-weight: bold; }
        .ref { color: #555; font-style: italic; }
        """;

    /// <summary>The HTML page; figures are read from <paramref name="outputDirectory"/>/figures.</summary>
    public static string Write(ReportResults results, string outputDirectory)
    {
        var sb = new StringBuilder(1 << 16);
        var m = results.Metadata;
        var s = results.Summary;
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
          .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
          .Append("<title>ChaosDescent reproduction report</title>\n<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n");

        sb.Append("<h1>ChaosDescent: reproduction report</h1>\n")
          .Append("<p class=\"subtitle\">Kong &amp; Tao, <em>Stochasticity of Deterministic Gradient Descent: Large Learning Rate for Multiscale Objective Function</em>, NeurIPS 2020. ")
          .Append("Every number below was computed by this run.</p>\n");

        // Overall verdict.
        bool ok = s.AllPassed;
        sb.Append("<div class=\"banner ").Append(ok ? "pass" : "fail").Append("\">")
          .Append(ok ? "All checks passed" : "Not all checks passed")
          .Append(": ").Append(s.ChecksPassed).Append(" of ").Append(s.Checks).Append(" checks passed; ")
          .Append(s.Experiments - s.ExperimentsFailed).Append(" of ").Append(s.Experiments).Append(" experiments ran to completion.").Append(H(ReplicateStripWriter.Banner(results))).Append("</div>\n");

        // Run metadata.
        sb.Append("<h2 id=\"run\">Run</h2>\n<table class=\"meta\">\n");
        Row(sb, "tool", $"{m.Tool} {m.Version}");
        Row(sb, "date (UTC)", m.Date);
        Row(sb, "mode", m.Mode == "quick" ? "quick (--quick: reduced sizes)" : "full (paper parameters)");
        Row(sb, "seed", m.Seed.ToString(CultureInfo.InvariantCulture));
        if (m.Replicates > 1) Row(sb, "replicates", $"{m.Replicates} independent seeds (replicate 0 = the seed; its figures are shown)");
        Row(sb, "threads", m.Threads == 0 ? $"all ({m.Cores})" : m.Threads.ToString(CultureInfo.InvariantCulture));
        Row(sb, "machine", $"{m.Cores} logical cores; {m.Os}; {m.Runtime}; SIMD {m.Simd}");
        if (m.Only is { Count: > 0 }) Row(sb, "only", string.Join(", ", m.Only));
        if (m.CommandLine is not null) Row(sb, "command", m.CommandLine);
        Row(sb, "total time", FormatSeconds(m.TotalSeconds));
        sb.Append("</table>\n");

        // Table of contents.
        sb.Append("<h2 id=\"contents\">Contents</h2>\n<nav><ol>\n");
        sb.Append("<li><a href=\"#summary\">Summary of all checks</a></li>\n");
        foreach (var e in results.Experiments)
        {
            sb.Append("<li><a href=\"#").Append(Anchor(e.Id)).Append("\">").Append(H(e.Title)).Append("</a> <span class=\"ref\">(")
              .Append(H(e.PaperReference)).Append(")</span> ").Append(Badge(e)).Append("</li>\n");
        }
        sb.Append("</ol></nav>\n");

        // Summary of all checks.
        sb.Append("<h2 id=\"summary\">Summary of all checks</h2>\n");
        if (results.Checks.Count == 0) sb.Append("<p>No checks.</p>\n");
        else ChecksTable(sb, results.Checks, withExperiment: true);

        // One section per experiment.
        int figureNumber = 0;
        foreach (var e in results.Experiments)
        {
            sb.Append("<section id=\"").Append(Anchor(e.Id)).Append("\">\n<h2>").Append(H(e.Title)).Append("</h2>\n");
            sb.Append("<p><span class=\"ref\">").Append(H(e.PaperReference)).Append("</span> · id <code>").Append(H(e.Id))
              .Append("</code> · ").Append(FormatSeconds(e.Seconds)).Append(" · ").Append(Badge(e)).Append("</p>\n");
            if (e.Error is not null)
                sb.Append("<div class=\"error\">The experiment failed: ").Append(H(e.Error)).Append("</div>\n");

            foreach (var f in e.Figures)
            {
                figureNumber++;
                sb.Append("<figure>\n");
                var pngPath = Path.Combine(outputDirectory, "figures", f.Name + ".png");
                if (f.Png is not null && File.Exists(pngPath))
                {
                    sb.Append("<img alt=\"").Append(H(f.Caption)).Append("\" src=\"data:image/png;base64,")
                      .Append(Convert.ToBase64String(File.ReadAllBytes(pngPath))).Append("\">\n");
                }
                else
                {
                    sb.Append("<div class=\"missing\">figure file figures/").Append(H(f.Name)).Append(".png was not written</div>\n");
                }
                sb.Append("<figcaption><b>Figure ").Append(figureNumber).Append(".</b> ").Append(H(f.Caption));
                var links = new List<string>();
                if (f.Png is not null) links.Add($"<a href=\"{H(f.Png)}\">png</a>");
                if (f.Svg is not null) links.Add($"<a href=\"{H(f.Svg)}\">svg</a>");
                if (links.Count > 0) sb.Append(" <span class=\"files\">(").Append(string.Join(" · ", links)).Append(")</span>");
                sb.Append("</figcaption>\n</figure>\n");
            }

            foreach (var note in e.Notes) sb.Append("<p>").Append(H(note)).Append("</p>\n");

            if (e.Checks > 0)
            {
                sb.Append("<h3>Checks</h3>\n");
                ChecksTable(sb, results.Checks.Where(c => c.Experiment == e.Id).ToList(), withExperiment: false);
            }

            if (e.Data.Count > 0)
            {
                sb.Append("<h3>Key numbers</h3>\n<table>\n");
                foreach (var (key, value) in e.Data) Row(sb, key, Render(value));
                sb.Append("</table>\n");
            }

            if (e.DataFiles.Count > 0)
            {
                sb.Append("<p class=\"files\">Data: ")
                  .Append(string.Join(", ", e.DataFiles.Select(d => $"<a href=\"{H(d)}\">{H(d)}</a>"))).Append("</p>\n");
            }
            sb.Append("</section>\n");
        }

        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private static void ChecksTable(StringBuilder sb, IReadOnlyList<CheckRecord> checks, bool withExperiment)
    {
        sb.Append("<table class=\"checks\">\n<tr>");
        if (withExperiment) sb.Append("<th>experiment</th>");
        sb.Append("<th>check</th><th>description</th><th>expected</th><th>measured</th><th>tolerance</th><th>result</th>").Append(ReplicateStripWriter.HeaderCells(checks)).Append("</tr>\n");
        bool replicated = checks.Any(c => c.Replicates > 1);
        foreach (var c in checks)
        {
            sb.Append("<tr class=\"").Append(c.Pass ? "pass" : "fail").Append("\">");
            if (withExperiment)
                sb.Append("<td><a href=\"#").Append(Anchor(c.Experiment)).Append("\">").Append(H(c.Experiment)).Append("</a></td>");
            sb.Append("<td><code>").Append(H(c.Id)).Append("</code></td><td>").Append(H(c.Description));
            if (!string.IsNullOrEmpty(c.Note)) sb.Append("<div class=\"note\">").Append(H(c.Note)).Append("</div>");
            sb.Append("</td><td class=\"num\">").Append(H(c.Expectation)).Append("</td><td class=\"num\">")
              .Append(H(c.Relation == "true" ? (c.Measured == 1 ? "yes" : "no") : Check.Fmt(c.Measured)))
              .Append("</td><td class=\"num\">").Append(c.Relation == "near" ? H(Check.Fmt(c.Tolerance)) : "")
              .Append("</td><td class=\"verdict\">").Append(c.Pass ? "pass" : "FAIL").Append("</td>").Append(ReplicateStripWriter.Cells(c, replicated)).Append("</tr>\n");
        }
        sb.Append("</table>\n");
    }

    private static string Badge(ExperimentRecord e) =>
        $"<span class=\"badge {e.Status}\">{(e.Status switch { "passed" => "passed", "error" => "error", _ => "checks failed" })} {e.ChecksPassed}/{e.Checks}</span>";

    private static void Row(StringBuilder sb, string key, string valueHtmlOrText) =>
        sb.Append("<tr><td>").Append(H(key)).Append("</td><td>").Append(H(valueHtmlOrText)).Append("</td></tr>\n");

    /// <summary>A key number as short text: numbers with 4 significant digits, long arrays summarised.</summary>
    internal static string Render(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => Check.Fmt(v.GetDouble()),
        JsonValueKind.String => v.GetString() ?? "",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null (not finite)",
        JsonValueKind.Array when v.GetArrayLength() > 12 => $"[{v.GetArrayLength()} values: {string.Join(", ", v.EnumerateArray().Take(6).Select(Render))}, …]",
        JsonValueKind.Array => "[" + string.Join(", ", v.EnumerateArray().Select(Render)) + "]",
        JsonValueKind.Object => "{" + string.Join(", ", v.EnumerateObject().Select(p => $"{p.Name}: {Render(p.Value)}")) + "}",
        _ => v.ToString(),
    };

    private static string FormatSeconds(double s) =>
        s < 120 ? s.ToString("0.0", CultureInfo.InvariantCulture) + " s" : $"{(int)(s / 60)} min {s % 60:0} s";

    private static string Anchor(string id) => "exp-" + new string(id.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' ? ch : '-').ToArray());

    private static string H(string s) => WebUtility.HtmlEncode(s);
}
