using System.CommandLine;
using System.Reflection;
using ChaosDescent;
using ChaosDescent.Cli.Infrastructure;

namespace ChaosDescent.Cli;

/// <summary>
/// Entry point of <c>chaosdescent</c>. Commands are discovered by reflection: every non-abstract
/// <see cref="ICliCommand"/> in this assembly contributes one top-level command (or a group).
/// Exit codes: 0 success, 2 user error (one line on stderr), 1 internal error.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the CLI with the given streams (tests call this directly).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = BuildRoot();
        ParseResult parsed;
        try
        {
            parsed = root.Parse(args);
        }
        catch (Exception e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.UserError;
        }
        // --help answers even when the rest of the line is incomplete (a required option left out, say).
        if (parsed.Errors.Count > 0 && !CommandExamples.IsHelp(parsed.Action))
        {
            stderr.WriteLine($"error: {OneLine(parsed.Errors[0].Message)}");
            return ExitCodes.UserError;
        }
        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        try
        {
            return parsed.Invoke(config);
        }
        catch (Exception e) when (Unwrap(e) is UserInputException u)
        {
            // Kept as written: an expression syntax error is three lines (problem, expression, caret).
            stderr.WriteLine($"error: {u.Message.ReplaceLineEndings(Environment.NewLine).Trim()}");
            return ExitCodes.UserError;
        }
        catch (Exception e) when (Unwrap(e) is OutOfMemoryException)
        {
            stderr.WriteLine("error: out of memory: reduce --particles, --steps or the grid size");
            return ExitCodes.UserError;
        }
        catch (Exception e)
        {
            var inner = Unwrap(e);
            stderr.WriteLine($"internal error: {inner.GetType().Name}: {OneLine(inner.Message)}");
            if (Environment.GetEnvironmentVariable("CHAOSDESCENT_DEBUG") == "1") stderr.WriteLine(inner);
            return ExitCodes.InternalError;
        }
    }

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "ChaosDescent: measure the dynamics of gradient descent on multiscale objectives " +
            "(Kong & Tao, NeurIPS 2020: large learning rates turn deterministic GD stochastic).");
        var commands = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(ICliCommand).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (ICliCommand)Activator.CreateInstance(t)!)
            .OrderBy(c => c.Order).ThenBy(c => c.GetType().Name, StringComparer.Ordinal);
        foreach (var c in commands) root.Subcommands.Add(c.Build());
        // Subcommands contributed by other files (e.g. `bench ensemble`, `bench train`) attach to their parent here.
        var subs = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(ICliSubcommand).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (ICliSubcommand)Activator.CreateInstance(t)!)
            .OrderBy(c => c.Order).ThenBy(c => c.GetType().Name, StringComparer.Ordinal);
        foreach (var s in subs)
        {
            var parent = root.Subcommands.FirstOrDefault(c => c.Name == s.Parent);
            if (parent is null)
            {
                parent = new Command(s.Parent, $"{s.Parent} commands");
                root.Subcommands.Add(parent);
            }
            parent.Subcommands.Add(s.Build());
        }
        CommandExamples.Install(root);
        return root;
    }

    private static Exception Unwrap(Exception e)
    {
        while (e is (AggregateException or TargetInvocationException or TypeInitializationException) && e.InnerException is not null)
            e = e is AggregateException a && a.InnerExceptions.Count > 0 ? a.InnerExceptions[0] : e.InnerException!;
        return e;
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();
}
