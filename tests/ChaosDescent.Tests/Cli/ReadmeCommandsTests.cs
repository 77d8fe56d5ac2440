using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChaosDescent.Cli;

namespace ChaosDescent.Tests.Cli;

/// <summary>
/// Every <c>chaosdescent …</c> command that README.md shows must work, so the README cannot drift from the tool.
/// <para>The rule (also stated in README.md, "Commands"):</para>
/// <list type="bullet">
/// <item><b>Examples</b> — lines starting with <c>chaosdescent </c> in fenced blocks tagged <c>bash</c>/<c>sh</c>, and
/// inline code spans <c>`chaosdescent …`</c> without placeholders — are <b>run</b> as a user would (a child process,
/// working directory the repository root), at small sizes: <see cref="SmallSizes"/> caps (or adds) the size options
/// the command has, <c>reproduce</c> runs <c>--quick --only fig3</c>; <c>--out</c> goes to a temporary folder; <c>--json</c> is added where the command has it, and
/// stdout must then be exactly one JSON object. Exit code 0, and stderr free of native or exception output.</item>
/// <item><b>Synopses</b> — lines in untagged fenced blocks — are <b>checked</b>: the command exists, and every
/// <c>--option</c> the synopsis names is an option of that command (continuation lines join the previous one).</item>
/// </list>
/// </summary>
public class ReadmeCommandsTests
{
    /// <summary>Size option → the largest value a README example runs with in the test (a smaller value is kept).</summary>
    internal static readonly IReadOnlyDictionary<string, double> SmallSizes = new Dictionary<string, double>
    {
        ["--particles"] = 4000,
        ["--steps"] = 300,
        ["--epochs"] = 50,
        ["--grid"] = 6,
        ["--points"] = 24,
    };

    /// <summary>The experiment a README <c>reproduce</c> line runs in the test (Fig. 3, Sec. 3.1: seconds at --quick).</summary>
    internal const string ReproduceExample = "fig3";

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "README.md")) && File.Exists(Path.Combine(dir.FullName, "ChaosDescent.sln")))
                return dir.FullName;
        throw new InvalidOperationException("the repository root (README.md next to ChaosDescent.sln) is not above the test folder");
    }

    internal sealed record ReadmeLine(int LineNumber, string Text, bool Runnable);

    /// <summary>The README's <c>chaosdescent</c> lines, classified as runnable examples or synopses.</summary>
    internal static List<ReadmeLine> Extract(string markdown)
    {
        var found = new List<ReadmeLine>();
        string? fence = null; // null outside a fenced block, else the block's language tag ("" when untagged)
        var lines = markdown.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                fence = fence is null ? trimmed[3..].Trim().ToLowerInvariant() : null;
                continue;
            }
            if (fence is null)
            {
                foreach (Match m in Regex.Matches(line, "`(chaosdescent [^`]+)`"))
                    if (!HasPlaceholder(m.Groups[1].Value)) found.Add(new ReadmeLine(i + 1, m.Groups[1].Value, Runnable: true));
                continue;
            }
            bool runnableBlock = fence is "bash" or "sh" or "shell" or "console";
            if (trimmed.StartsWith("$ ", StringComparison.Ordinal)) trimmed = trimmed[2..];
            if (trimmed.StartsWith("chaosdescent ", StringComparison.Ordinal) || trimmed == "chaosdescent")
                found.Add(new ReadmeLine(i + 1, StripComment(trimmed), runnableBlock));
            else if (!runnableBlock && line.StartsWith(' ') && found.Count > 0 && found[^1].LineNumber == i && !found[^1].Runnable)
                found[^1] = found[^1] with { LineNumber = i + 1, Text = found[^1].Text + " " + StripComment(trimmed) }; // continuation
        }
        return found;
    }

    private static bool HasPlaceholder(string s) => s.Contains('[') || s.Contains('…') || Regex.IsMatch(s, @"\b[A-Z]{1,}\b");

    /// <summary>Drops a shell comment (a # after whitespace, outside quotes).</summary>
    internal static string StripComment(string s)
    {
        char quote = '\0';
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c is '"' or '\'') quote = c;
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(s[i - 1]))) return s[..i].TrimEnd();
        }
        return s.TrimEnd();
    }

    /// <summary>Splits a command line the way a POSIX shell does for plain words and single/double quotes.</summary>
    internal static List<string> ShellWords(string s)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        foreach (char c in s)
        {
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else current.Append(c);
            }
            else if (c is '"' or '\'') { quote = c; inWord = true; }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) { words.Add(current.ToString()); current.Clear(); inWord = false; }
            }
            else { current.Append(c); inWord = true; }
        }
        if (quote != '\0') throw new FormatException($"unbalanced quote in: {s}");
        if (inWord) words.Add(current.ToString());
        return words;
    }

    private static List<ReadmeLine> ReadmeLines() => Extract(File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")));

    public static TheoryData<int, string> Examples()
    {
        var data = new TheoryData<int, string>();
        foreach (var l in ReadmeLines().Where(l => l.Runnable)) data.Add(l.LineNumber, l.Text);
        return data;
    }

    public static TheoryData<int, string> Synopses()
    {
        var data = new TheoryData<int, string>();
        foreach (var l in ReadmeLines().Where(l => !l.Runnable)) data.Add(l.LineNumber, l.Text);
        return data;
    }

    /// <summary>The (sub)command a word list names, and the index of its first argument.</summary>
    private static (Command Command, int Next) Resolve(List<string> words)
    {
        Command command = Program.BuildRoot();
        int k = 1; // words[0] is "chaosdescent"
        while (k < words.Count && command.Subcommands.FirstOrDefault(c => c.Name == words[k]) is { } sub)
        {
            command = sub;
            k++;
        }
        return (command, k);
    }

    private static HashSet<string> OptionNames(Command command)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
            foreach (var o in c.Options.Where(o => c == command || o.Recursive))
            {
                names.Add(o.Name);
                foreach (var a in o.Aliases) names.Add(a);
            }
        names.Add("--help");
        return names;
    }

    [Fact]
    public void TheReadmeShowsCommandsOfBothKinds()
    {
        var lines = ReadmeLines();
        Assert.Contains(lines, l => l.Runnable);
        Assert.Contains(lines, l => !l.Runnable);
    }

    [Theory]
    [MemberData(nameof(Synopses))]
    public void SynopsisNamesACommandAndItsOptions(int line, string synopsis)
    {
        var words = ShellWords(synopsis.Replace("[", " ").Replace("]", " ").Replace("|", " "));
        var (command, next) = Resolve(words);
        Assert.True(next > 1, $"README.md:{line}: '{synopsis}' names no chaosdescent command");
        var known = OptionNames(command);
        foreach (var w in words.Skip(next).Where(w => w.StartsWith("--", StringComparison.Ordinal)))
        {
            var name = w.Split('=')[0];
            Assert.True(known.Contains(name), $"README.md:{line}: `chaosdescent {command.Name}` has no option {name} (synopsis: {synopsis})");
        }
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task ExampleRuns(int line, string example)
    {
        var words = ShellWords(example);
        var (command, next) = Resolve(words);
        Assert.True(next > 1, $"README.md:{line}: '{example}' names no chaosdescent command");
        var args = Shrink(command, words.Skip(1).ToList(), out var outDir, out bool json);
        try
        {
            var (code, stdout, stderr) = await RunChild(args);
            var shown = $"README.md:{line}: `{example}` ran as `chaosdescent {string.Join(' ', args)}`";
            Assert.True(code == 0, $"{shown}: exit {code}\n{stderr}");
            if (json)
            {
                using var doc = JsonDocument.Parse(stdout); // throws unless stdout is one JSON value
                Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
            }
            AssertCleanStderr(shown, stderr);
        }
        finally
        {
            if (outDir is not null && Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
        }
    }

    /// <summary>Native libraries (SkiaSharp's SVG canvas) and stack traces must not reach the user's console.</summary>
    internal static void AssertCleanStderr(string what, string stderr)
    {
        foreach (var bad in new[] { "Unsupported path effect", "addPaint", "   at ", "Exception" })
            Assert.False(stderr.Contains(bad, StringComparison.Ordinal), $"{what}: stderr contains '{bad}':\n{stderr}");
    }

    /// <summary>Applies <see cref="SmallSizes"/>, a temporary <c>--out</c>, <c>--json</c> and (for reproduce) --quick.</summary>
    private static List<string> Shrink(Command command, List<string> args, out string? outDir, out bool json)
    {
        var known = OptionNames(command);
        foreach (var (option, cap) in SmallSizes)
        {
            if (!known.Contains(option)) continue;
            int i = args.IndexOf(option);
            if (i < 0) args.AddRange([option, cap.ToString(CultureInfo.InvariantCulture)]);
            else if (i + 1 < args.Count && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > cap)
                args[i + 1] = cap.ToString(CultureInfo.InvariantCulture);
        }
        if (known.Contains("--quick") && !args.Contains("--quick")) args.Add("--quick");
        // reproduce: one quick experiment stands for the catalog (CI runs the whole of `reproduce --quick`).
        if (known.Contains("--only") && !args.Contains("--only")) args.AddRange(["--only", ReproduceExample]);
        outDir = null;
        if (known.Contains("--out"))
        {
            outDir = Path.Combine(Path.GetTempPath(), "cd-readme-" + Guid.NewGuid().ToString("N")[..8]);
            int i = args.IndexOf("--out");
            if (i >= 0 && i + 1 < args.Count) args[i + 1] = outDir;
            else args.AddRange(["--out", outDir]);
        }
        json = known.Contains("--json");
        if (json && !args.Contains("--json")) args.Add("--json");
        return args;
    }

    /// <summary>Runs the built <c>chaosdescent</c> (next to the tests) in the repository root.</summary>
    internal static async Task<(int Code, string Out, string Err)> RunChild(IEnumerable<string> args, TimeSpan? timeout = null)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var psi = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot(),
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "chaosdescent.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chaosdescent {string.Join(' ', args)} did not finish in time");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
