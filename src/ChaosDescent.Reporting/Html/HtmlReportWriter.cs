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
        html { scroll-padding-top: 1em; }
        body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; color: #1d1d1f; line-height: 1.45; }
        .layout { display: grid; grid-template-columns: 15em minmax(0, 1fr); max-width: 1500px; margin: 0 auto; }
        nav.toc { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow-y: auto; box-sizing: border-box;
                  padding: 1.2em 0.8em 2em 1em; border-right: 1px solid #e2e2e2; background: #fafafa; font-size: 0.85em; }
        nav.toc summary, nav.toc .toc-title { font-weight: bold; cursor: pointer; margin: 0 0 0.4em; }
        nav.toc details.phone { display: none; }
        nav.toc ol { padding-left: 1.3em; margin: 0; }
        nav.toc li { margin: 0.15em 0; }
        nav.toc a { color: #1d4f91; text-decoration: none; }
        nav.toc a:hover { text-decoration: underline; }
        nav.toc .badge { font-size: 0.8em; }
        main { min-width: 0; padding: 1.5em 2em 4em; }
        .scroll { overflow-x: auto; max-width: 100%; }
        code.cmd { background: #f3f3f3; padding: 0 0.3em; border-radius: 3px; font-size: 0.9em; word-break: break-word; }
        @media (max-width: 800px) {
            html { scroll-padding-top: 3.2em; }
            .layout { display: block; }
            nav.toc { position: sticky; top: 0; z-index: 10; max-height: 70vh; border-right: none; border-bottom: 1px solid #ddd;
                      padding: 0.6em 1em; box-shadow: 0 1px 4px rgba(0, 0, 0, 0.08); }
            nav.toc summary { margin-bottom: 0; }
            nav.toc details.phone { display: block; }
            nav.toc .desktop { display: none; }
            main { padding: 1em 0.9em 3em; }
            h1 { font-size: 1.35em; }
            table { font-size: 0.85em; }
            th, td { padding: 0.2em 0.35em; }
            /* The checks tables become one card per check: a column name before each value. */
            table.checks, table.checks tbody, table.checks tr, table.checks td { display: block; }
            table.checks tr:first-child { display: none; }
            table.checks tr { border: 1px solid #d4d4d4; border-radius: 4px; margin: 0 0 0.6em; padding: 0.3em 0.5em; }
            table.checks td { border: none; padding: 0.1em 0; text-align: left; white-space: normal; min-width: 0; }
            table.checks td::before { content: attr(data-label) ": "; color: #666; font-size: 0.85em; }
            table.checks td:empty { display: none; }
        }
        h1 { font-size: 1.7em; margin-bottom: 0.2em; }
        h2 { font-size: 1.35em; border-bottom: 2px solid #ddd; padding-bottom: 0.2em; margin-top: 2.2em; }
        h3 { font-size: 1.05em; margin-top: 1.4em; }
        .subtitle { color: #555; margin-top: 0; }
        table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
        th, td { border: 1px solid #d4d4d4; padding: 0.28em 0.6em; text-align: left; vertical-align: top; }
        th { background: #f3f3f3; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.desc { min-width: 14em; }
        table.checks { font-size: 0.85em; }
        td.files { white-space: nowrap; font-size: 0.9em; }
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

        // Table of contents: a sticky side column on wide screens, a sticky collapsible bar on phones (no script:
        // both are in the page and CSS shows one).
        var toc = TableOfContents(results);
        sb.Append("<div class=\"layout\">\n<nav class=\"toc\" aria-label=\"Contents\">\n")
          .Append("<div class=\"desktop\"><p class=\"toc-title\">Contents</p>\n").Append(toc).Append("</div>\n")
          .Append("<details class=\"phone\"><summary>Contents</summary>\n").Append(toc).Append("</details>\n</nav>\n<main>\n");

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
        sb.Append("<h2 id=\"run\">Run</h2>\n<div class=\"scroll\"><table class=\"meta\">\n");
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
        sb.Append("</table></div>\n");

        // Every check links to the CSV its experiment wrote (the numbers the check was computed from).
        var dataFiles = results.Experiments.ToDictionary(e => e.Id, e => (IReadOnlyList<string>)e.DataFiles);

        // Summary of all checks.
        sb.Append("<h2 id=\"summary\">Summary of all checks</h2>\n");
        if (results.Checks.Count == 0) sb.Append("<p>No checks.</p>\n");
        else ChecksTable(sb, results.Checks, withExperiment: true, dataFiles);

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
                sb.Append("<br><span class=\"note\">Regenerate: <code class=\"cmd\">").Append(H(RegenerateCommand(m, e.Id))).Append("</code></span>");
                sb.Append("</figcaption>\n</figure>\n");
            }

            foreach (var note in e.Notes) sb.Append("<p>").Append(H(note)).Append("</p>\n");

            if (e.Checks > 0)
            {
                sb.Append("<h3>Checks</h3>\n");
                ChecksTable(sb, results.Checks.Where(c => c.Experiment == e.Id).ToList(), withExperiment: false, dataFiles);
            }

            if (e.Data.Count > 0)
            {
                sb.Append("<h3>Key numbers</h3>\n<div class=\"scroll\"><table>\n");
                foreach (var (key, value) in e.Data) Row(sb, key, Render(value));
                sb.Append("</table></div>\n");
            }

            if (e.DataFiles.Count > 0)
            {
                sb.Append("<p class=\"files\">Data: ")
                  .Append(string.Join(", ", e.DataFiles.Select(d => $"<a href=\"{H(d)}\">{H(d)}</a>"))).Append("</p>\n");
            }
            sb.Append("</section>\n");
        }

        sb.Append("</main>\n</div>\n</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>The command line that reruns one experiment with this run's mode and seed (and so redraws its figures).</summary>
    internal static string RegenerateCommand(ReportMetadata m, string experimentId) =>
        $"chaosdescent reproduce --only {experimentId}{(m.Mode == "quick" ? " --quick" : "")} --seed {m.Seed.ToString(CultureInfo.InvariantCulture)}";

    private static string TableOfContents(ReportResults results)
    {
        var sb = new StringBuilder();
        sb.Append("<ol>\n<li><a href=\"#run\">Run</a></li>\n<li><a href=\"#summary\">Summary of all checks</a></li>\n");
        foreach (var e in results.Experiments)
        {
            sb.Append("<li><a href=\"#").Append(Anchor(e.Id)).Append("\" title=\"").Append(H(e.PaperReference)).Append("\">")
              .Append(H(e.Title)).Append("</a> ").Append(Badge(e)).Append("</li>\n");
        }
        return sb.Append("</ol>\n").ToString();
    }

    private static void ChecksTable(StringBuilder sb, IReadOnlyList<CheckRecord> checks, bool withExperiment,
        IReadOnlyDictionary<string, IReadOnlyList<string>> dataFiles)
    {
        // data-label: on a phone the rows become cards and each cell shows its column name (see the CSS).
        sb.Append("<div class=\"scroll\"><table class=\"checks\">\n<tr>");
        if (withExperiment) sb.Append("<th>experiment</th>");
        sb.Append("<th>check</th><th>description</th><th>expected</th><th>measured</th><th>tolerance</th><th>result</th><th>data</th>").Append(ReplicateStripWriter.HeaderCells(checks)).Append("</tr>\n");
        bool replicated = checks.Any(c => c.Replicates > 1);
        foreach (var c in checks)
        {
            sb.Append("<tr class=\"").Append(c.Pass ? "pass" : "fail").Append("\">");
            if (withExperiment)
                sb.Append("<td data-label=\"experiment\"><a href=\"#").Append(Anchor(c.Experiment)).Append("\">").Append(H(c.Experiment)).Append("</a></td>");
            sb.Append("<td data-label=\"check\"><code>").Append(H(c.Id).Replace(".", ".<wbr>")).Append("</code></td><td class=\"desc\" data-label=\"description\">").Append(H(c.Description));
            if (!string.IsNullOrEmpty(c.Note)) sb.Append("<div class=\"note\">").Append(H(c.Note)).Append("</div>");
            sb.Append("</td><td class=\"num\" data-label=\"expected\">").Append(H(c.Expectation)).Append("</td><td class=\"num\" data-label=\"measured\">")
              .Append(H(c.Relation == "true" ? (c.Measured == 1 ? "yes" : "no") : Check.Fmt(c.Measured)))
              .Append("</td><td class=\"num\" data-label=\"tolerance\">").Append(c.Relation == "near" ? H(Check.Fmt(c.Tolerance)) : "")
              .Append("</td><td class=\"verdict\" data-label=\"result\">").Append(c.Pass ? "pass" : "FAIL").Append("</td><td class=\"files\" data-label=\"data\">");
            if (dataFiles.TryGetValue(c.Experiment, out var csv)) sb.Append(CsvLinks(csv));
            sb.Append("</td>").Append(ReplicateStripWriter.Cells(c, replicated)).Append("</tr>\n");
        }
        sb.Append("</table></div>\n");
    }

    /// <summary>Compact links to an experiment's CSV files: "csv", or "csv 1 2 3" (full names in the tooltips).</summary>
    private static string CsvLinks(IReadOnlyList<string> files) => files.Count switch
    {
        0 => "",
        1 => $"<a href=\"{H(files[0])}\" title=\"{H(files[0])}\">csv</a>",
        _ => "csv " + string.Join(" ", files.Select((d, i) => $"<a href=\"{H(d)}\" title=\"{H(d)}\">{i + 1}</a>")),
    };

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
