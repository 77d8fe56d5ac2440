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

    /// <summary>
    /// The probability, by design, that this check fails at a seed drawn at random although the claim it tests is
    /// true: 0 for a deterministic computation (exact arithmetic, a certificate, a fixed data set), otherwise the
    /// sampling tail its tolerance was set at (normally <see cref="ReportBudget"/>). Null when not stated.
    /// </summary>
    [JsonPropertyName("false_alarm_rate")]
    public double? FalseAlarmRate { get; init; }

    /// <summary>
    /// The per-check false-alarm budget of the report: with about 200 checks, 5·10⁻⁵ each keeps the chance that a
    /// report at a random seed shows any false alarm below 1% (Bonferroni: 200 × 5·10⁻⁵ = 0.01).
    /// </summary>
    public const double ReportBudget = 5e-5;

    /// <summary>Two-sided standard-normal quantile at <see cref="ReportBudget"/>: P(|Z| &gt; 4.06) = 5·10⁻⁵.</summary>
    public const double ZTwoSided = 4.06;

    /// <summary>One-sided standard-normal quantile at <see cref="ReportBudget"/>: P(Z &gt; 3.89) = 5·10⁻⁵.</summary>
    public const double ZOneSided = 3.89;

    /// <summary>This check with its design false-alarm rate stated.</summary>
    public Check WithFalseAlarmRate(double rate) => this with { FalseAlarmRate = rate };

    /// <summary>A deterministic check: it cannot fail by the luck of a seed (false-alarm rate 0).</summary>
    public Check Deterministic() => this with { FalseAlarmRate = 0 };

    /// <summary>A statistical check whose tolerance is the sampling tail at the report's budget.</summary>
    public Check AtBudget() => this with { FalseAlarmRate = ReportBudget };

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
