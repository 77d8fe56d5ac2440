using System.Globalization;

namespace ChaosDescent.Objectives;

/// <summary>A named objective of the built-in catalog.</summary>
/// <param name="Name">Stable kebab-case name used by <c>--objective</c>.</param>
/// <param name="Formula">f written out, with ε as "eps" and parameters by name.</param>
/// <param name="Source">Where the paper uses it.</param>
/// <param name="Dimension">d.</param>
/// <param name="Defaults">Parameters and their default values (<c>--param k=5</c>).</param>
/// <param name="DefaultEpsilon">ε the paper uses with it.</param>
/// <param name="Build">Builds the objective from ε and the full parameter set.</param>
/// <param name="CriticalParameters">Closed forms known for this objective (e.g. where the set S of Rmk. 12 changes
/// connectivity), so that analyses can set their numbers against them without knowing objectives by name.</param>
public sealed record CatalogEntry(
    string Name, string Formula, string Source, int Dimension,
    IReadOnlyDictionary<string, double> Defaults, double DefaultEpsilon,
    Func<double, IReadOnlyDictionary<string, double>, MultiscaleObjective> Build,
    IReadOnlyList<KnownCriticalParameter>? CriticalParameters = null)
{
    /// <summary>The closed form for <paramref name="parameter"/> when the noise ζ ranges over [<paramref name="noiseMin"/>,
    /// <paramref name="noiseMax"/>], or null when none is known.</summary>
    public KnownCriticalParameter? CriticalParameter(string parameter, double noiseMin, double noiseMax) =>
        CriticalParameters?.FirstOrDefault(c => c.Parameter == parameter && c.NoiseMin == noiseMin && c.NoiseMax == noiseMax);
}

/// <summary>
/// A parameter value, known in closed form, where the set S = {x : f0'(x) ∈ [a, b]} of Rmk. 12 (Kong &amp; Tao 2020)
/// changes connectivity, for the noise range [a, b] = [<paramref name="NoiseMin"/>, <paramref name="NoiseMax"/>].
/// </summary>
public sealed record KnownCriticalParameter(string Parameter, double NoiseMin, double NoiseMax, double Value, string Formula, string Derivation);

/// <summary>Every objective of the paper, under the names fixed in the engineering notes.</summary>
public static class ObjectiveCatalog
{
    private static readonly double Sqrt2 = Math.Sqrt(2);
    private static readonly Dictionary<string, double> NoParameters = new();

    public static IReadOnlyList<CatalogEntry> Entries { get; } =
    [
        new("quartic-sin", "x^4/4 + eps*sin(x/eps)", "Sec. 3.1, Fig. 3", 1, NoParameters, 1e-6,
            (eps, p) => Make("quartic-sin", Quartic(), Sine(), eps, p, "Sec. 3.1, Fig. 3")),
        new("quartic-quasiperiodic", "x^4/4 + eps*sin(x/eps) + eps*sin(sqrt(2)*x/eps)", "Sec. 3.2, Fig. 4; D.3.2, Fig. 15", 1, NoParameters, 1e-6,
            (eps, p) => Make("quartic-quasiperiodic", Quartic(), QuasiSine(), eps, p, "Sec. 3.2, Fig. 4")),
        new("quadratic-nested-cos", "x^2/2 + eps*cos(1 + cos(sqrt(3)*x/5)/eps)", "Sec. 3.2, Fig. 5 (Cond. 1, 2 fail)", 1, NoParameters, 1e-4,
            (eps, p) => Make("quadratic-nested-cos", Quadratic(), new NestedCosineMicroScale(Math.Sqrt(3) / 5), eps, p, "Sec. 3.2, Fig. 5")),
        new("quartic-negcos", "x^4/4 - eps*cos(x/eps)", "D.1, Fig. 9", 1, NoParameters, 1e-3,
            (eps, p) => Make("quartic-negcos", Quartic(), NegCosine(), eps, p, "D.1, Fig. 9")),
        new("matyas-sincos", "0.26*(x^2 + y^2) + 0.48*x*y + eps*sin(x/eps) + eps*cos(y/eps)", "D.2, Figs. 10-12; D.3.3, Figs. 16-17", 2, NoParameters, 1e-7,
            (eps, p) => Make("matyas-sincos",
                new QuadraticFormPotential("0.26*(x^2 + y^2) + 0.48*x*y", 2, [0.52, 0.48, 0.48, 0.52]),
                new SeparableMicroScale("eps*sin(x/eps) + eps*cos(y/eps)",
                    new SineSumMicroScale("eps*sin(x/eps)", [1.0], [1.0]),
                    new SineSumMicroScale("eps*cos(y/eps)", [1.0], [1.0], [Math.PI / 2])),
                eps, p, "D.2, Figs. 10-12")),
        new("doublewell-sin", "k*(x^2 - 1)^2 + eps*sin(x/eps)", "D.3.1, Figs. 13-14; D.5, Figs. 20-22; Rmk. 12", 1,
            new Dictionary<string, double> { ["k"] = 1.0 }, 1e-4,
            (eps, p) =>
            {
                double k = p["k"];
                if (!(k > 0)) throw new UserInputException($"parameter k of doublewell-sin must be positive (got {k})");
                var f0 = new PolynomialPotential($"{F(k)}*(x^2 - 1)^2", (-1.8, 1.8), k, 0, -2 * k, 0, k);
                return Make("doublewell-sin", f0, Sine(), eps, p, "D.3.1, D.5");
            },
            // f0' = 4k x(x² − 1) has its local extrema ±8k/(3√3) at x = ∓1/√3; S = {|f0'| ≤ 1} (ζ = cos ∈ [−1, 1])
            // is connected exactly when 8k/(3√3) ≤ 1 (Rmk. 12).
            [new KnownCriticalParameter("k", -1, 1, 3 * Math.Sqrt(3) / 8, "3*sqrt(3)/8",
                "f0' = 4k x (x^2 - 1) has local extrema +-8k/(3 sqrt 3); S = {|f0'| <= 1} is connected iff 8k/(3 sqrt 3) <= 1")]),
        new("quadratic-sin", "x^2/2 + eps*sin(x/eps)", "D.4, Figs. 18-19", 1, NoParameters, 1e-4,
            (eps, p) => Make("quadratic-sin", Quadratic(), Sine(), eps, p, "D.4, Figs. 18-19")),
        new("tilted-doublewell-quasiperiodic", "(x^2 - 1)^2/4 + x/8 + eps*(sin(x/eps) + sin(sqrt(2)*x/eps))", "Fig. 1", 1, NoParameters, 1e-2,
            (eps, p) => Make("tilted-doublewell-quasiperiodic",
                new PolynomialPotential("(x^2 - 1)^2/4 + x/8", (-1.8, 1.8), 0.25, 0.125, -0.5, 0, 0.25),
                QuasiSine(), eps, p, "Fig. 1")),
    ];

    /// <summary>Names of all catalog objectives.</summary>
    public static IEnumerable<string> Names => Entries.Select(e => e.Name);

    /// <summary>The entry of that name, or null.</summary>
    public static CatalogEntry? TryFind(string name) =>
        Entries.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    public static CatalogEntry Find(string name) =>
        Entries.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new UserInputException($"unknown objective '{name}'; known: {string.Join(", ", Names)}");

    /// <summary>
    /// Builds a catalog objective. <paramref name="epsilon"/> null means the paper's ε for it; unknown parameter
    /// names and non-finite values are user errors.
    /// </summary>
    public static MultiscaleObjective Create(string name, double? epsilon = null, IReadOnlyDictionary<string, double>? parameters = null)
    {
        var entry = Find(name);
        var all = new Dictionary<string, double>(entry.Defaults);
        foreach (var (k, v) in parameters ?? NoParameters)
        {
            if (!entry.Defaults.ContainsKey(k))
                throw new UserInputException(entry.Defaults.Count == 0
                    ? $"objective '{entry.Name}' takes no parameters (got '{k}')"
                    : $"unknown parameter '{k}' for objective '{entry.Name}'; known: {string.Join(", ", entry.Defaults.Keys)}");
            if (!double.IsFinite(v)) throw new UserInputException($"parameter '{k}' must be a finite number");
            all[k] = v;
        }
        double eps = epsilon ?? entry.DefaultEpsilon;
        if (!(eps > 0) || !double.IsFinite(eps)) throw new UserInputException($"ε must be positive (got {eps})");
        return entry.Build(eps, all);
    }

    private static MultiscaleObjective Make(string name, MacroPotential f0, MicroScale f1, double eps,
        IReadOnlyDictionary<string, double> p, string source) => new(name, f0, f1, eps, p, null, source);

    private static PolynomialPotential Quartic() => new("x^4/4", (-1.5, 1.5), 0, 0, 0, 0, 0.25);
    private static PolynomialPotential Quadratic() => new("x^2/2", (-3, 3), 0, 0, 0.5);
    private static SineSumMicroScale Sine() => new("eps*sin(x/eps)", [1.0], [1.0]);
    private static SineSumMicroScale NegCosine() => new("-eps*cos(x/eps)", [1.0], [1.0], [-Math.PI / 2]);
    private static SineSumMicroScale QuasiSine() => new("eps*sin(x/eps) + eps*sin(sqrt(2)*x/eps)", [1.0, 1.0], [1.0, Sqrt2]);
    private static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
