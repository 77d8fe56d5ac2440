using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using ScottPlot;

namespace ChaosDescent.Reporting.Plots;

/// <summary>
/// Dashed lines in SVG without SkiaSharp's path effects. Skia's SVG canvas does not support path effects: for every
/// dashed stroke it prints "Unsupported path effect in addPaint." on the process's native stderr and draws the line
/// solid. SVG itself has dashes (<c>stroke-dasharray</c>), so around an SVG export each dashed line is drawn solid in
/// a unique placeholder colour, and the placeholder is then rewritten into the line's own colour, opacity and dash
/// intervals. The PNG path (raster canvas, where path effects work) is untouched.
/// </summary>
internal static class SvgDashes
{
    private sealed record Swap(LineStyle Style, LinePattern Pattern, Color Color, string Placeholder);

    /// <summary>
    /// Runs <paramref name="renderSvg"/> with every dashed line of <paramref name="plots"/> drawn solid in a
    /// placeholder colour, restores the lines, and returns the SVG with the dashes written as SVG attributes.
    /// </summary>
    public static string Render(IEnumerable<Plot> plots, Func<string> renderSvg)
    {
        var swaps = new List<Swap>();
        try
        {
            foreach (var style in plots.SelectMany(DashedStyles).Distinct(ReferenceEqualityComparer.Instance).Cast<LineStyle>())
            {
                // Placeholders #FE01xx: a near-white red nobody draws on purpose; one per dashed line style (≤ 256).
                int k = swaps.Count;
                if (k > 255) throw new InvalidOperationException("more than 256 dashed line styles in one figure");
                var placeholder = new Color(0xFE, 0x01, (byte)k);
                swaps.Add(new Swap(style, style.Pattern, style.Color, Hex(placeholder)));
                style.Pattern = LinePattern.Solid;
                style.Color = placeholder;
            }
            var svg = renderSvg();
            foreach (var s in swaps) svg = Rewrite(svg, s);
            return svg;
        }
        finally
        {
            foreach (var s in swaps)
            {
                s.Style.Pattern = s.Pattern;
                s.Style.Color = s.Color;
            }
        }
    }

    /// <summary>The line styles of a plot's plottables that carry a dash pattern.</summary>
    private static IEnumerable<LineStyle> DashedStyles(Plot plot)
    {
        foreach (var p in plot.GetPlottables())
        {
            foreach (var prop in p.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (prop.PropertyType != typeof(LineStyle) || prop.GetIndexParameters().Length > 0 || !prop.CanRead) continue;
                if (prop.GetValue(p) is LineStyle { Pattern.Intervals: { Length: > 0 } } style) yield return style;
            }
        }
    }

    private static string Rewrite(string svg, Swap s)
    {
        var intervals = s.Pattern.Intervals;
        var dash = string.Join(" ", intervals.Select(v => v.ToString("0.###", CultureInfo.InvariantCulture)));
        var extra = $" stroke-dasharray=\"{dash}\"";
        if (s.Pattern.Phase != 0) extra += $" stroke-dashoffset=\"{s.Pattern.Phase.ToString("0.###", CultureInfo.InvariantCulture)}\"";
        if (s.Color.A < 255) extra += $" stroke-opacity=\"{(s.Color.A / 255.0).ToString("0.###", CultureInfo.InvariantCulture)}\"";
        var replacement = $"stroke=\"{Hex(s.Color)}\"" + extra;
        return Regex.Replace(svg, $"stroke=\"{s.Placeholder}\"", replacement, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    private static string Hex(Color c) => $"#{c.R:X2}{c.G:X2}{c.B:X2}";
}
