using Spectre.Console;

namespace ChaosDescent.Cli.Infrastructure;

/// <summary>
/// Progress bars on stderr (stdout stays clean for <c>--json</c>). Built on Spectre.Console; when stderr is not a
/// terminal the bars are not drawn, so logs stay readable.
/// </summary>
public static class ConsoleProgress
{
    private static IAnsiConsole CreateConsole(TextWriter stderr) =>
        AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stderr),
            Interactive = InteractionSupport.Detect,
        });

    /// <summary>Runs <paramref name="work"/> with one progress bar titled <paramref name="title"/>.</summary>
    public static T Run<T>(TextWriter stderr, string title, Func<IProgress<double>, T> work, bool enabled = true)
    {
        if (!enabled || !ReferenceEquals(stderr, Console.Error) || Console.IsErrorRedirected)
            return work(new Progress<double>(_ => { }));
        var console = CreateConsole(stderr);
        return console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: 1.0);
                var sink = new Sink(task);
                var result = work(sink);
                task.Value = 1.0;
                return result;
            });
    }

    /// <summary>Runs several named steps, one bar each, in order.</summary>
    public static void RunSteps(TextWriter stderr, IReadOnlyList<(string Title, Action<IProgress<double>> Work)> steps, bool enabled = true)
    {
        if (!enabled || !ReferenceEquals(stderr, Console.Error) || Console.IsErrorRedirected)
        {
            foreach (var (title, work) in steps)
            {
                stderr.WriteLine($"[{DateTime.Now:HH:mm:ss}] {title} ...");
                work(new Progress<double>(_ => { }));
            }
            return;
        }
        var console = CreateConsole(stderr);
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var tasks = steps.Select(s => ctx.AddTask(Markup.Escape(s.Title), autoStart: false, maxValue: 1.0)).ToList();
                for (int i = 0; i < steps.Count; i++)
                {
                    tasks[i].StartTask();
                    steps[i].Work(new Sink(tasks[i]));
                    tasks[i].Value = 1.0;
                    tasks[i].StopTask();
                }
            });
    }

    /// <summary>Thread-safe: runners report from worker threads.</summary>
    private sealed class Sink(ProgressTask task) : IProgress<double>
    {
        public void Report(double value) => task.Value = Math.Clamp(value, 0, 1);
    }
}
