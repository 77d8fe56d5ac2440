using System.Text.Json.Serialization;

namespace ChaosDescent.Reporting.Reproduction;

/// <summary>
/// One theory-versus-measured check of the report. <see cref="Expected"/> and <see cref="Tolerance"/> are
/// numbers; <see cref="Relation"/> says how they are used: <c>near</c> (|measured − expected| ≤ tolerance),
/// <c>at_most</c> (measured ≤ expected) or <c>at_least</c> (measured ≥ expected); <c>true</c> for a boolean
/// property (expected 1, measured 1 or 0).
/// </summary>
public sealed record Check(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("expected")] double Expected,
    [property: JsonPropertyName("measured")] double Measured,
    [property: JsonPropertyName("tolerance")] double Tolerance,
    [property: JsonPropertyName("relation")] string Relation,
    [property: JsonPropertyName("pass")] bool Pass)
{
    /// <summary>Free-text note shown in the report (e.g. the value the paper quotes and why ours differs).</summary>
    [JsonPropertyName("note")]
    public string? Note { get; init; }

    public static Check Near(string id, string description, double expected, double measured, double tolerance, string? note = null) =>
        new(id, description, expected, measured, tolerance, "near",
            double.IsFinite(measured) && Math.Abs(measured - expected) <= tolerance)
        { Note = note };

    public static Check AtMost(string id, string description, double bound, double measured, string? note = null) =>
        new(id, description, bound, measured, 0, "at_most", double.IsFinite(measured) && measured <= bound) { Note = note };

    public static Check AtLeast(string id, string description, double bound, double measured, string? note = null) =>
        new(id, description, bound, measured, 0, "at_least", double.IsFinite(measured) && measured >= bound) { Note = note };

    public static Check True(string id, string description, bool holds, string? note = null) =>
        new(id, description, 1, holds ? 1 : 0, 0, "true", holds) { Note = note };

    /// <summary>Human-readable form of the expectation, e.g. "0.107 ± 0.01" or "≤ 0.05".</summary>
    public string ExpectationText => Relation switch
    {
        "near" => $"{Fmt(Expected)} ± {Fmt(Tolerance)}",
        "at_most" => $"≤ {Fmt(Expected)}",
        "at_least" => $"≥ {Fmt(Expected)}",
        _ => "holds",
    };

    public static string Fmt(double v) =>
        double.IsNaN(v) ? "NaN" : v == 0 ? "0" : Math.Abs(v) is >= 1e-3 and < 1e5 ? v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)
        : v.ToString("0.###e+0", System.Globalization.CultureInfo.InvariantCulture);
}
