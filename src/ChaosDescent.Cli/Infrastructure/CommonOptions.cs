using System.CommandLine;
using System.Globalization;
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

    public void AddTo(Command command)
    {
        command.Options.Add(Objective);
        command.Options.Add(Eps);
        command.Options.Add(Param);
    }

    /// <summary>Builds the objective the user asked for (a user error if none or an unknown one).</summary>
    public MultiscaleObjective Resolve(ParseResult result)
    {
        var name = result.GetValue(Objective);
        var eps = result.GetValue(Eps);
        if (eps is { } e && (!(e > 0) || !double.IsFinite(e))) throw new UserInputException($"--eps must be positive (got {e})");
        var parameters = ParseParameters(result.GetValue(Param) ?? []);
        if (string.IsNullOrWhiteSpace(name))
            throw new UserInputException("no objective given: use --objective NAME (see `chaosdescent objectives`)");
        return ObjectiveCatalog.Create(name, eps, parameters);
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
