using ChaosDescent.Maps;

namespace ChaosDescent.Analyses.Chaos;

/// <summary>The searched range and density of a Li–Yorke search.</summary>
public sealed record LiYorkeSearchRange(double Lo, double Hi, int Points);

/// <summary>A Li–Yorke witness (or its absence) of the GD map of a 1-D objective, with the system it is about.</summary>
public sealed record LiYorkeReport(
    string Objective, string Formula, double Eps, double Eta, bool Found, double? A, double? B, double? C, double? D,
    string? Pattern, double? Margin, double? ErrorBound, double? Lipschitz, string ErrorModel, LiYorkeSearchRange Searched);

/// <summary>
/// A witness of Thm. 18 (Li &amp; Yorke 1975, used for GD in Kong &amp; Tao 2020 Thm. 8) for the GD map of a 1-D
/// objective: a with b = φ(a), c = φ²(a), d = φ³(a), d ≤ a &lt; b &lt; c or d ≥ a > b > c with margins above the
/// rounding-error bound (<see cref="LiYorke"/>). The system's map must be gd; settings are <see cref="LiYorkeSettings"/>.
/// </summary>
public static class LiYorkeAnalysis
{
    public static readonly IAnalysis Entry = new Analysis<LiYorkeSettings, LiYorkeReport>(
        "liyorke", "is the GD map Li-Yorke chaotic? a certified period-3 witness (Thm. 8, 18)", Run);

    public static LiYorkeReport Run(DescentSystem system, LiYorkeSettings settings, IProgress<double>? progress = null)
    {
        if (system.Map != "gd") throw new UserInputException($"liyorke searches a witness for the GD map (got map '{system.Map}')");
        if (settings.Points < 2) throw new UserInputException($"points must be at least 2 (got {settings.Points})");
        var map = system.CreateMap("liyorke");
        var obj = system.RequireMultiscale("liyorke");
        var w = LiYorke.Search(map, settings);
        progress?.Report(1);
        return new LiYorkeReport(
            Objective: obj.Name, Formula: obj.Formula, Eps: obj.Epsilon, Eta: map.LearningRate, Found: w.Found, A: w.Found ? w.A : null,
            B: w.Found ? w.B : null, C: w.Found ? w.C : null, D: w.Found ? w.D : null, Pattern: w.Pattern,
            Margin: w.Found ? w.Margin : null, ErrorBound: w.Found ? w.ErrorBound : null, Lipschitz: w.Found ? w.Lipschitz : null,
            ErrorModel: LiYorkeWitness.ErrorModel, Searched: new LiYorkeSearchRange(w.Lo, w.Hi, w.Points));
    }
}
