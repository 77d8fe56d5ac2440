using ChaosDescent.Maps;
using ChaosDescent.Objectives;

namespace ChaosDescent.Analyses.Landscapes.Wells;

/// <summary>Settings of <see cref="WellsAnalysis"/> (CLI <c>chaosdescent wells</c>).</summary>
public sealed record WellsSettings
{
    /// <summary><c>critical_parameter</c> (default null: none): locate where S changes connectivity along this catalog
    /// parameter (e.g. k), between <see cref="CriticalLo"/> and <see cref="CriticalHi"/>.</summary>
    public string? CriticalParameter { get; init; }

    /// <summary><c>critical_lo</c> (default 0.1): lower end of the bracket for the critical parameter.</summary>
    public double CriticalLo { get; init; } = 0.1;

    /// <summary><c>critical_hi</c> (default 2): upper end of the bracket.</summary>
    public double CriticalHi { get; init; } = 2;
}

/// <summary>A certified endpoint of a component of S.</summary>
public sealed record EndpointReport(double Value, double[] Bracket, EndpointKind Kind);

public sealed record ComponentEndpoints(EndpointReport Lo, EndpointReport Hi);

/// <summary>A gap of S and the direction every step of the stochastic map moves in it.</summary>
public sealed record GapReport(double[] Interval, string Drift);

/// <summary>The interval the stochastic map can reach from a well's minimum at one η (exact interval iteration).</summary>
public sealed record ReachableReport(double Eta, double[] Interval, bool Trapped, bool Converged, int Iterations);

public sealed record WellReport(int Index, double[] Interval, double Minimum, double F0Min, double Curvature, double BarrierLeft,
    double BarrierRight, int Component, bool Trapped, double[] Basin, ReachableReport? Reachable);

/// <summary>The parameter where S changes connectivity, and the closed form the objective's catalog entry knows.</summary>
public sealed record CriticalParameterReport(string Parameter, double Value, double? ClosedForm, string? ClosedFormFormula);

/// <summary>Rmk. 12's set S, its components, the wells of f0 and which trap the stochastic map (CLI <c>wells --json</c>).</summary>
public sealed record WellsReport(
    string Objective, string F0, IReadOnlyDictionary<string, double> Parameters, double[] NoiseRange, double[][] Components,
    bool Connected, ComponentEndpoints[] Endpoints, GapReport[] Gaps, WellReport[] Wells, IReadOnlyList<double> Maxima,
    bool Certified, bool Verified, double MaxBracketWidth, CriticalParameterReport? Critical);

/// <summary>
/// Rmk. 12 of Kong &amp; Tao (2020): the set S = {x : f0′(x) ∈ [a, b]} for the range [a, b] of ζ, its components
/// with certified endpoints, whether it is connected, the wells of f0 and which of them the stochastic map can never
/// leave (<see cref="WellConnectivity"/>). With a learning rate in the system, each well's reachable interval is
/// certified for it; with <see cref="WellsSettings.CriticalParameter"/>, the parameter value where S changes
/// connectivity, set against the closed form of the objective's catalog entry when it has one.
/// </summary>
public static class WellsAnalysis
{
    public static readonly IAnalysis Entry = new Analysis<WellsSettings, WellsReport>(
        "wells", "which wells of f0 can the stochastic map never leave? components of S = {x : f0'(x) in range of zeta} (Rmk. 12)", Run);

    public static WellsReport Run(DescentSystem system, WellsSettings settings, IProgress<double>? progress = null)
    {
        var obj = system.RequireMultiscale("wells");
        var (a, b) = WellConnectivity.NoiseRange(obj);
        var conn = WellConnectivity.Analyze(obj.Macro, a, b);
        double? eta = system.LearningRate is { } e && e != 0 ? e : null;
        if (eta is { } h && (!(h > 0) || !double.IsFinite(h))) throw new UserInputException($"eta must be a positive number (got {h})");
        CriticalParameterReport? critical = null;
        if (settings.CriticalParameter is { } name)
        {
            double value = WellConnectivity.CriticalParameter(p => obj.WithParameter(name, p).Macro, a, b, settings.CriticalLo, settings.CriticalHi);
            var known = ObjectiveCatalog.TryFind(obj.Name)?.CriticalParameter(name, a, b);
            critical = new CriticalParameterReport(name, value, known?.Value, known?.Formula);
        }
        var wells = conn.Trapping.Select(t =>
        {
            var cert = eta is { } h ? conn.Certify(t.Well, h) : null;
            return new WellReport(t.Well.Index, [t.Well.Lo, t.Well.Hi], t.Well.Minimum, t.Well.MinimumValue, t.Well.Curvature,
                t.Well.BarrierLeft, t.Well.BarrierRight, t.Component, t.Trapped, [t.BasinLo, t.BasinHi],
                cert is null ? null : new ReachableReport(cert.Eta, [cert.Lo, cert.Hi], cert.Trapped, cert.Converged, cert.Iterations));
        }).ToArray();
        progress?.Report(1);
        return new WellsReport(
            Objective: obj.Name, F0: obj.Macro.Formula, Parameters: obj.Parameters, NoiseRange: [a, b],
            Components: conn.Components.Select(c => new[] { c.Lo.Value, c.Hi.Value }).ToArray(), Connected: conn.Connected,
            Endpoints: conn.Components.Select(c => new ComponentEndpoints(new EndpointReport(c.Lo.Value, [c.Lo.BracketLo, c.Lo.BracketHi], c.Lo.Kind), new EndpointReport(c.Hi.Value, [c.Hi.BracketLo, c.Hi.BracketHi], c.Hi.Kind))).ToArray(),
            Gaps: conn.Gaps.Select(g => new GapReport([g.Lo, g.Hi], g.PushesLeft ? "left" : "right")).ToArray(), Wells: wells,
            Maxima: conn.Wells.Maxima, Certified: conn.Certified, Verified: conn.Verified, MaxBracketWidth: conn.MaxBracketWidth,
            Critical: critical);
    }
}
