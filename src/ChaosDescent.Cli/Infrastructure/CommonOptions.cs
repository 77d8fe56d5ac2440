using System.CommandLine;
using System.Globalization;
using ChaosDescent.Expressions;
using ChaosDescent.Objectives;

namespace ChaosDescent.Cli.Infrastructure;

/// <summary>
/// How every command names its objective: <c>--objective NAME [--param k=v]… [--eps E]</c>. One place, so that
/// later forms (formulas: <c>--f0/--f1/--f</c>) reach every command at once.
/// </summary>
public sealed class ObjectiveOptions
{
    public Option<string?> Objective { get; } = new("--objective", "-o")
    {
        Description = "catalog objective (list: `chaosdescent objectives`)",
    };

    public Option<double?> Eps { get; } = new("--eps")
    {
        Description = "micro length scale ε (default: the value the paper uses with the objective)",
    };

    public Option<string[]> Param { get; } = new("--param")
    {
        Description = "objective parameter as NAME=VALUE (repeatable), e.g. --param k=5",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    // ---- objectives written as formulas (docs/expressions.md) ----------------------------------------------

    public Option<string?> F0 { get; } = new("--f0")
    {
        Description = "f0 as a formula in x (1-D), x, y (2-D) or x1 … xd, e.g. \"x^4/4\"; with --f1: f = f0 + eps*f1(x/eps)",
    };

    public Option<string?> F1 { get; } = new("--f1")
    {
        Description = "micro profile in the fast variable u = x/eps (u; u, v; u1 … ud — or x, y …), periodic with --period, e.g. \"sin(u)\"; " +
                      "with --omega w1,…,wN (1-D): f1 in u1 … uN, f = f0 + eps*f1(w1 x/eps, …, wN x/eps)",
    };

    public Option<string?> F { get; } = new("--f")
    {
        Description = "the whole objective as one formula, no micro-scale (no zeta, no rescaled Gibbs law); may use eps",
    };

    public Option<string?> Omega { get; } = new("--omega")
    {
        Description = "frequencies w1,…,wN of a quasi-periodic --f1 (1-D, non-resonant), e.g. 1,1.4142135623730951",
    };

    public Option<double?> Period { get; } = new("--period")
    {
        Description = "period P of --f1 in each fast variable (default 2*pi); checked when the objective is built",
    };

    public Option<string?> Range { get; } = new("--range")
    {
        Description = "LO,HI: box holding the interesting part of a formula f0 (default -2,2)",
    };

    public ObjectiveOptions()
    {
        // Tab completion (the [suggest] directive that dotnet-suggest calls) offers the catalog's names.
        Objective.CompletionSources.Add(_ => ObjectiveCatalog.Names.Select(n => new System.CommandLine.Completions.CompletionItem(n)));
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Objective);
        command.Options.Add(Eps);
        command.Options.Add(Param);
        foreach (var o in new Option[] { F0, F1, F, Omega, Period, Range }) command.Options.Add(o);
    }

    /// <summary>The formula part of the command line, or null when the objective is a catalog name.</summary>
    public ExpressionObjectiveSpec? ExpressionSpec(ParseResult result)
    {
        var spec = new ExpressionObjectiveSpec
        {
            F = result.GetValue(F),
            F0 = result.GetValue(F0),
            F1 = result.GetValue(F1),
            Epsilon = result.GetValue(Eps),
            Omega = result.GetValue(Omega) is { } w ? ParseList(w, "--omega") : null,
            Period = result.GetValue(Period),
            Range = result.GetValue(Range) is { } r ? ParseRange(r) : null,
        };
        if (spec.IsEmpty)
        {
            if (spec.Omega is not null || spec.Period is not null || spec.Range is not null)
                throw new UserInputException("--omega, --period and --range go with formulas (--f0/--f1/--f)");
            return null;
        }
        return spec;
    }

    /// <summary>Builds the objective the user asked for (a user error if none or an unknown one).</summary>
    public MultiscaleObjective Resolve(ParseResult result)
    {
        var name = result.GetValue(Objective);
        var eps = result.GetValue(Eps);
        if (eps is { } e && (!(e > 0) || !double.IsFinite(e))) throw new UserInputException($"--eps must be positive (got {e})");
        var parameters = ParseParameters(result.GetValue(Param) ?? []);
        if (ExpressionSpec(result) is { } spec)
        {
            if (!string.IsNullOrWhiteSpace(name))
                throw new UserInputException("give either --objective NAME or formulas (--f0/--f1/--f), not both");
            if (parameters.Count > 0)
                throw new UserInputException("--param sets catalog parameters; write the numbers into the formulas instead");
            return ExpressionObjective.Create(spec);
        }
        if (string.IsNullOrWhiteSpace(name))
            throw new UserInputException("no objective given: use --objective NAME (see `chaosdescent objectives`) or formulas --f0 EXPR [--f1 EXPR] / --f EXPR");
        return ObjectiveCatalog.Create(name, eps, parameters);
    }

    /// <summary>"1,1.414" → [1, 1.414] (user error naming the option otherwise).</summary>
    public static double[] ParseList(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                throw new UserInputException($"{option} '{text}': '{parts[i]}' is not a finite number (expected a comma-separated list)");
        }
        return values;
    }

    private static (double, double) ParseRange(string text)
    {
        var v = ParseList(text, "--range");
        if (v.Length != 2 || !(v[0] < v[1])) throw new UserInputException($"--range '{text}': expected LO,HI with LO < HI");
        return (v[0], v[1]);
    }

    public static Dictionary<string, double> ParseParameters(IEnumerable<string> items)
    {
        var result = new Dictionary<string, double>();
        foreach (var item in items)
        {
            foreach (var part in item.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var kv = part.Split('=', 2);
                if (kv.Length != 2 || kv[0].Trim().Length == 0)
                    throw new UserInputException($"--param '{part}': expected NAME=VALUE");
                if (!double.TryParse(kv[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                    throw new UserInputException($"--param '{part}': '{kv[1].Trim()}' is not a finite number");
                result[kv[0].Trim()] = v;
            }
        }
        return result;
    }
}

/// <summary>Options shared by most commands.</summary>
public static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "print exactly one JSON object on stdout" };

    public static Option<string?> Out(string defaultDir) => new("--out")
    {
        Description = $"output folder for figures and CSV (default {defaultDir})",
    };

    public static Option<ulong> Seed() => new("--seed") { Description = "random seed", DefaultValueFactory = _ => 1UL };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "worker threads (0 = all cores); results do not depend on it",
        DefaultValueFactory = _ => 0,
    };

    public static Option<double> Eta(bool required = true) => new("--eta")
    {
        Description = "learning rate η (> 0)",
        Required = required,
    };

    /// <summary>A positive finite value or a user error naming the option.</summary>
    public static double Positive(double value, string option)
    {
        if (!(value > 0) || !double.IsFinite(value)) throw new UserInputException($"{option} must be a positive number (got {value.ToString(CultureInfo.InvariantCulture)})");
        return value;
    }

    public static int AtLeast(int value, int min, string option)
    {
        if (value < min) throw new UserInputException($"{option} must be at least {min} (got {value})");
        return value;
    }

    /// <summary>Writes a JSON object to stdout.</summary>
    public static void WriteJson<T>(TextWriter stdout, T value) => stdout.WriteLine(ChaosDescent.Infrastructure.Json.Serialize(value));

    public static string F(double v, string format = "G6") =>
        double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";
}
