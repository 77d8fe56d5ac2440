using System.Text.Json.Serialization;
using ChaosDescent.Maps;

namespace ChaosDescent.Analyses;

/// <summary>Settings of <see cref="LandscapeAnalysis"/> (CLI <c>chaosdescent landscape</c>).</summary>
public sealed record LandscapeSettings
{
    /// <summary><c>x_min</c> (default null: the left end of f0's typical range).</summary>
    public double? XMin { get; init; }

    /// <summary><c>x_max</c> (default null: the right end of f0's typical range).</summary>
    public double? XMax { get; init; }

    /// <summary><c>points</c> (default 40001): grid nodes, fine enough to resolve the micro-scale.</summary>
    public int Points { get; init; } = 40001;
}

/// <summary>Counts and sizes of a tabulated 1-D landscape (CLI <c>landscape --json</c>, less the figure and CSV paths).</summary>
/// <remarks>
/// <c>Profile</c>: The tabulated profile, for the figure and CSV.<br/>
/// </remarks>
public sealed record LandscapeReport(
    string Objective, string Formula, IReadOnlyDictionary<string, double> Parameters, double Eps, double XMin, double XMax,
    int Points, int LocalMinimaF, int LocalMinimaF0, IReadOnlyList<double> MinimaF0, double MaxMicroHeight, double MaxGradF1,
    double MaxGradF0, double? ZetaBound, bool? MinimaWhereGradientsBalance, [property: JsonIgnore] LandscapeProfile? Profile);

/// <summary>
/// Look at a 1-D objective before running anything on it (Kong &amp; Tao 2020, Fig. 1): the local minima of f and f0
/// and the O(ε)-height, O(1)-slope contrast of Remark 1, from <see cref="LandscapeProfile"/>. Needs only the objective.
/// </summary>
public static class LandscapeAnalysis
{
    public static readonly IAnalysis Entry = new Analysis<LandscapeSettings, LandscapeReport>(
        "landscape", "what does f = f0 + f1,eps look like? local minima of f and f0, micro height vs slope (Fig. 1, Rmk. 1)", Run);

    public static LandscapeReport Run(DescentSystem system, LandscapeSettings settings, IProgress<double>? progress = null)
    {
        var f = system.RequireMultiscale("landscape");
        var (tlo, thi) = f.Macro.TypicalRange;
        double lo = settings.XMin ?? tlo, hi = settings.XMax ?? thi;
        if (!(hi > lo)) throw new UserInputException($"x-max must exceed x-min (got {lo}, {hi})");
        var p = LandscapeProfile.Compute(f, lo, hi, settings.Points);
        progress?.Report(1);
        return new LandscapeReport(
            Objective: f.Name, Formula: f.Formula, Parameters: f.Parameters, Eps: f.Epsilon, XMin: lo, XMax: hi, Points: settings.Points,
            LocalMinimaF: p.MinimaF.Count, LocalMinimaF0: p.MinimaF0.Count, MinimaF0: p.MinimaF0, MaxMicroHeight: p.MaxMicroHeight,
            MaxGradF1: p.MaxGradF1, MaxGradF0: p.MaxGradF0, ZetaBound: p.ZetaBound,
            MinimaWhereGradientsBalance: p.MinimaWhereGradientsBalance, Profile: p);
    }
}
