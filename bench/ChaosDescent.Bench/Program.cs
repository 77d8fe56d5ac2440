using System.CommandLine;

namespace ChaosDescent.Bench;

/// <summary>
/// The benchmark tool, apart from the shipped CLI: <c>ensemble</c> (Sec. 3.1 ensemble, particle-steps per second) and
/// <c>train</c> (Sec. 3.3 MLP, epochs per second), timed against the anchors in bench/anchors by bench/run-anchors.sh
/// and bench/run-train-anchor.sh. It shares the CLI's option parsing, progress bar and exit codes
/// (0 success, 2 user error, 1 internal error).
/// </summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the tool with the given streams (tests call this directly).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) =>
        Cli.Program.Run(BuildRoot(), args, stdout, stderr);

    public static RootCommand BuildRoot() => Cli.Program.BuildRoot(typeof(Program).Assembly,
        new RootCommand("ChaosDescent benchmarks: the library's ensemble runner and trainer timed on the workloads of the anchors in bench/anchors."));
}
