using System.Globalization;
using ChaosDescent.Objectives;

namespace ChaosDescent.Expressions;

/// <summary>
/// What a user writes to define an objective by formulas (CLI <c>--f0/--f1/--f</c>, YAML <c>objective:</c>):
/// <list type="bullet">
/// <item><see cref="F"/>: the whole objective, no micro-scale (no ζ, no rescaled Gibbs law). It may use <c>eps</c>,
/// replaced by <see cref="Epsilon"/>.</item>
/// <item><see cref="F0"/> (+ <see cref="F1"/>): f = f0 + ε·F(x/ε) with F P-periodic (P = <see cref="Period"/>,
/// default 2π), or, with <see cref="Omega"/> = ω1…ωN (1-D), f = f0 + ε·F(ω1 x/ε, …, ωN x/ε) quasi-periodic.</item>
/// </list>
/// </summary>
public sealed record ExpressionObjectiveSpec
{
    public string? F { get; init; }
    public string? F0 { get; init; }
    public string? F1 { get; init; }

    /// <summary>ε (default <see cref="ExpressionObjective.DefaultEpsilon"/>).</summary>
    public double? Epsilon { get; init; }

    /// <summary>Frequencies of the quasi-periodic form (1-D only).</summary>
    public IReadOnlyList<double>? Omega { get; init; }

    /// <summary>Period P of F in every phase variable (default 2π).</summary>
    public double? Period { get; init; }

    /// <summary>Box that holds the interesting part of f0 (rescaled Gibbs quadrature seed, plots); default [−2, 2].</summary>
    public (double Lo, double Hi)? Range { get; init; }

    public bool IsEmpty => F is null && F0 is null && F1 is null;
}

/// <summary>Builds <see cref="MultiscaleObjective"/>s from formulas; the result's <c>Name</c> is "expression".</summary>
public static class ExpressionObjective
{
    /// <summary>ε when none is given: the value of the paper's Sec. 3.1 experiment.</summary>
    public const double DefaultEpsilon = 1e-6;

    public const string Name = "expression";

    public static MultiscaleObjective Create(ExpressionObjectiveSpec spec)
    {
        double eps = spec.Epsilon ?? DefaultEpsilon;
        if (!(eps > 0) || !double.IsFinite(eps)) throw new UserInputException($"--eps must be a positive number (got {eps.ToString(CultureInfo.InvariantCulture)})");
        if (spec.Range is { } r && !(r.Lo < r.Hi && double.IsFinite(r.Lo) && double.IsFinite(r.Hi)))
            throw new UserInputException($"--range must be LO,HI with LO < HI (got {r.Lo.ToString(CultureInfo.InvariantCulture)},{r.Hi.ToString(CultureInfo.InvariantCulture)})");
        if (spec.F is not null)
        {
            if (spec.F0 is not null || spec.F1 is not null)
                throw new UserInputException("give either --f (the whole objective) or --f0 with an optional --f1, not both");
            if (spec.Omega is not null || spec.Period is not null)
                throw new UserInputException("--omega and --period describe the micro-scale --f1; --f has none");
            var text = spec.F;
            var vars = VariableSet.Infer(text);
            var e = ExpressionParser.Parse(text, WithEps(vars), "f");
            // eps is a named constant of f, not a variable.
            e = Simplifier.Simplify(e.Substitute(v => v.Index == vars.Count ? Expr.Constant(eps) : v));
            var macro = new ExpressionMacroPotential(new ExpressionField(e, vars, "f"), spec.Range);
            return new MultiscaleObjective(Name, macro, null, eps, Record(spec), macro.Formula, "expression");
        }
        if (spec.F0 is null)
        {
            if (spec.F1 is not null) throw new UserInputException("--f1 needs --f0 (f = f0 + eps*f1(x/eps))");
            throw new UserInputException("no objective given: use --objective NAME, --f EXPR, or --f0 EXPR [--f1 EXPR]");
        }
        var f0 = ExpressionMacroPotential.Parse(spec.F0, "f0", spec.Range);
        if (spec.F1 is null)
        {
            if (spec.Omega is not null || spec.Period is not null)
                throw new UserInputException("--omega and --period describe the micro-scale; give it with --f1");
            return new MultiscaleObjective(Name, f0, null, eps, Record(spec), f0.Formula, "expression");
        }
        var micro = CreateMicro(spec.F1, f0.Dimension, f0.Variables, spec.Omega, spec.Period ?? 2 * Math.PI);
        return new MultiscaleObjective(Name, f0, micro, eps, Record(spec), $"{f0.Formula} + {micro.Formula}", "expression");
    }

    /// <summary>
    /// Parses F. Periodic form: the fast variables are u (1-D), u, v (2-D) or u1 … ud — or, equivalently, the
    /// coordinate names of f0 (x; x, y; x1 … xd), so <c>--f1 "sin(x)"</c> means F(u) = sin(u). Quasi-periodic form
    /// (<paramref name="omega"/> with N values): u1 … uN (u alone when N = 1).
    /// </summary>
    public static ExpressionMicroScale CreateMicro(string text, int dimension, VariableSet xNames, IReadOnlyList<double>? omega, double period)
    {
        if (omega is { Count: 0 }) throw new UserInputException("--omega needs at least one frequency");
        VariableSet phases;
        if (omega is not null)
        {
            phases = omega.Count == 1 && Uses(text, "u") ? new VariableSet(["u"]) : VariableSet.Indexed("u", omega.Count);
            if (omega.Count == 1 && !Uses(text, "u") && !Uses(text, "u1") && UsesAny(text, xNames.Names))
                phases = new VariableSet([xNames.Names[0]]);
        }
        else
        {
            var fast = ExpressionMicroScale.FastNames(dimension);
            bool usesFast = UsesAny(text, fast.Names) || (dimension == 2 && UsesAny(text, ["u1", "u2"]));
            bool usesSlow = UsesAny(text, xNames.Names);
            if (usesFast && usesSlow)
                throw new UserInputException($"f1 mixes the fast variables ({string.Join(", ", fast.Names)}) with the names of f0 ({string.Join(", ", xNames.Names)}); write it in one of them");
            phases = usesSlow ? xNames : dimension == 2 && UsesAny(text, ["u1", "u2"]) ? new VariableSet(["u1", "u2"]) : fast;
        }
        var profile = ExpressionParser.Parse(text, phases, "f1");
        return new ExpressionMicroScale(profile, phases, dimension, omega, period, xNames);
    }

    private static VariableSet WithEps(VariableSet vars) => new(vars.Names.Append("eps").ToArray());

    private static bool Uses(string text, string name) =>
        Tokenizer.TokenizeLenient(text).Any(t => t.Kind == TokenKind.Identifier && t.Text == name);

    private static bool UsesAny(string text, IEnumerable<string> names)
    {
        var set = names.ToHashSet(StringComparer.Ordinal);
        return Tokenizer.TokenizeLenient(text).Any(t => t.Kind == TokenKind.Identifier && set.Contains(t.Text));
    }

    /// <summary>Numbers that define the objective besides the formulas (kept in <c>Parameters</c> for records).</summary>
    private static Dictionary<string, double> Record(ExpressionObjectiveSpec spec)
    {
        var p = new Dictionary<string, double>();
        if (spec.Period is { } period) p["period"] = period;
        if (spec.Omega is { } omega)
            for (int j = 0; j < omega.Count; j++) p[$"omega{j + 1}"] = omega[j];
        return p;
    }
}
