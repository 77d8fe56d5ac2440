using System.CommandLine;

namespace ChaosDescent.Cli.Infrastructure;

/// <summary>One top-level command of the CLI. Found by reflection; give it a parameterless constructor.</summary>
public interface ICliCommand
{
    /// <summary>Position in the help listing (smaller first).</summary>
    int Order { get; }

    /// <summary>Builds the command with its options and action.</summary>
    Command Build();
}

public static class ExitCodes
{
    public const int Success = 0;
    public const int InternalError = 1;
    public const int UserError = 2;
}

/// <summary>
/// A subcommand of a group (e.g. <c>bench ensemble</c>, <c>bench train</c>): found by reflection and attached to
/// the top-level command named <see cref="Parent"/> (created on demand), so groups can grow without a shared file.
/// </summary>
public interface ICliSubcommand
{
    string Parent { get; }
    int Order { get; }
    Command Build();
}
