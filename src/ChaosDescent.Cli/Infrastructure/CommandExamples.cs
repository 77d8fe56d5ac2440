using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace ChaosDescent.Cli.Infrastructure;

/// <summary>
/// One or two runnable examples for every command, printed after the generated help ("Examples:" section), as the
/// man pages and <c>git help</c> do. System.CommandLine 2.0 has no examples slot in its help layout, so the help option's
/// action is wrapped: the default help first, then the examples of the command being described.
/// </summary>
public static class CommandExamples
{
    /// <summary>Examples by command path (the words after <c>chaosdescent</c>).</summary>
    public static IReadOnlyDictionary<string, string[]> ByCommand { get; } = new Dictionary<string, string[]>
    {
        [""] = ["chaosdescent objectives", "chaosdescent distribution --objective quartic-sin --eta 0.1 --steps 200"],
        ["objectives"] = ["chaosdescent objectives", "chaosdescent objectives --json"],
        ["analyses"] = ["chaosdescent analyses", "chaosdescent analyses --json"],
        ["landscape"] = ["chaosdescent landscape --objective tilted-doublewell-quasiperiodic", "chaosdescent landscape --f0 \"x^4/4\" --f1 \"sin(u)\" --eps 0.01 --json"],
        ["distribution"] = ["chaosdescent distribution --objective quartic-sin --eta 0.1 --steps 200",
            "chaosdescent distribution --objective matyas-sincos --eta 0.05 --map gd --compare stochastic --particles 20000"],
        ["mconst"] = ["chaosdescent mconst --objective quartic-sin", "chaosdescent mconst --f0 \"x^2/2\" --f1 \"sin(u1) + sin(u2)\" --omega 1,1.4142135623730951 --json"],
        ["lyapunov"] = ["chaosdescent lyapunov --objective quartic-sin --eta 0.1 --eps 1e-3 --steps 20000",
            "chaosdescent lyapunov --objective matyas-sincos --eta 0.01 --eps 1e-3 --spectrum --json"],
        ["bifurcation"] = ["chaosdescent bifurcation --objective quartic-negcos --eta-min 1e-3 --eta-max 5e-3 --points 200"],
        ["liyorke"] = ["chaosdescent liyorke --objective quartic-sin --eta 0.1 --eps 1e-3"],
        ["regime"] = ["chaosdescent regime --objective quadratic-sin --grid 24", "chaosdescent regime --objective quartic-sin --grid 12x16 --json"],
        ["wells"] = ["chaosdescent wells --objective doublewell-sin --param k=0.5", "chaosdescent wells --objective doublewell-sin --critical k=0.1,2 --json"],
        ["escape"] = ["chaosdescent escape --objective doublewell-sin --param k=0.5 --eta 0.05 --map stochastic --particles 2000 --steps 5000",
            "chaosdescent escape --objective quartic-sin --eps 1e-3 --micro 0.5 --sweep 1,2,4 --particles 1000 --steps 2000"],
        ["momentum"] = ["chaosdescent momentum --objective quadratic-sin --eta 0.1 --particles 20000", "chaosdescent momentum --objective quadratic-sin --eta 0.1 --method nag --json"],
        ["convergence"] = ["chaosdescent convergence --objective quadratic-sin --eta 0.1 --particles 20000"],
        ["train"] = ["chaosdescent train --lr 0.01 --epochs 2000", "chaosdescent train --lr 0.001,0.01,0.05 --epochs 2000 --threads 2 --json"],
        ["lr-find"] = ["chaosdescent lr-find --data airfoil --seeds 16 --points 10", "chaosdescent lr-find --data my.csv --target y --hidden 32,32 --activation tanh --lr-min 1e-4 --lr-max 1 --json"],
        ["eos"] = ["chaosdescent eos --data airfoil --lr 0.2 --steps 1000", "chaosdescent eos --data synthetic --lr 0.1 --neigs 3 --eig-freq 10 --json"],
        ["implicit-bias"] = ["chaosdescent implicit-bias --data separable2d --steps 20000", "chaosdescent implicit-bias --data separable2d --bias --loss exp --json"],
        ["margin"] = ["chaosdescent margin --data xor --hidden 10 --steps 20000"],
        ["langevin"] = ["chaosdescent langevin --data linreg2d --lr 0.1 --batch 10", "chaosdescent langevin --data logreg2d --model logistic --json"],
        ["minima"] = ["chaosdescent minima --data sine6 --hidden 32 --epochs 5000"],
        ["sample"] = ["chaosdescent sample --V \"x^2/2\" --method chaos --samples 20000", "chaosdescent sample --V \"x^2/2\" --method ula --json"],
        ["chaos01"] = ["chaosdescent chaos01 --objective quartic-sin --eps 1e-3 --eta 0.1"],
        ["entropy"] = ["chaosdescent entropy --objective quartic-sin --eps 1e-3 --eta 0.1"],
        ["run"] = ["chaosdescent run examples/fig03-quartic-sin.yaml", "chaosdescent run examples/lambda-surface.yaml --shard 0/4 --out out/s0",
            "chaosdescent run examples/lambda-surface.yaml --out out/surface --resume", "chaosdescent run examples/lambda-surface.yaml --emit slurm --shards 8"],
        ["merge"] = ["chaosdescent merge out/s0 out/s1 out/s2 out/s3 --out out/surface"],
        ["reproduce"] = ["chaosdescent reproduce --quick", "chaosdescent reproduce --only fig3,fig9 --out out/report"],
    };

    /// <summary>The command path of <paramref name="command"/> ("" for the root, "group sub" for a subcommand).</summary>
    public static string PathOf(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c and not RootCommand; s = s.Parents.FirstOrDefault())
            names.Insert(0, ((Command)s).Name);
        return string.Join(' ', names);
    }

    /// <summary>Wraps the help option of <paramref name="root"/> so that every command's help ends with its examples.</summary>
    public static void Install(RootCommand root)
    {
        foreach (var option in root.Options)
            if (option is HelpOption help && help.Action is HelpAction original)
                help.Action = new WithExamples(original);
    }

    /// <summary>True for the help action (wrapped or not).</summary>
    public static bool IsHelp(CommandLineAction? action) => action is WithExamples or HelpAction;

    private sealed class WithExamples(HelpAction original) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            int rc = original.Invoke(parseResult);
            if (ByCommand.TryGetValue(PathOf(parseResult.CommandResult.Command), out var examples) && examples.Length > 0)
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine("Examples:");
                foreach (var e in examples) output.WriteLine("  " + e);
                output.WriteLine();
            }
            return rc;
        }
    }
}
