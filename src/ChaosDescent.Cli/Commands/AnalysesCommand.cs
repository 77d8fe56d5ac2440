using System.CommandLine;
using ChaosDescent.Analyses;
using ChaosDescent.Cli.Infrastructure;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent analyses</c>: the library's analysis catalog — name (the command and the experiment-file key), the
/// question it answers and every setting with its default, read by reflection from the settings records.
/// </summary>
public sealed class AnalysesCommand : ICliCommand
{
    public int Order => 11;

    public Command Build()
    {
        var json = CommonOptions.Json();
        var cmd = new Command("analyses", "list the analyses (name, question, settings with defaults) that commands and experiment files run");
        cmd.Options.Add(json);
        cmd.SetAction(r =>
        {
            var all = AnalysisDescription.All();
            var o = r.InvocationConfiguration.Output;
            if (r.GetValue(json))
            {
                CommonOptions.WriteJson(o, new { analyses = all });
                return 0;
            }
            foreach (var a in all)
            {
                o.WriteLine($"{a.Name}: {a.Question}");
                o.WriteLine($"    settings {a.Settings} -> result {a.Result}");
                foreach (var k in a.Keys)
                    o.WriteLine($"    {k.Key,-22} {k.Type,-12} default {FormatDefault(k.Default)}{(k.Summary is null ? "" : "   " + Shorten(k.Summary))}");
            }
            return 0;
        });
        return cmd;
    }

    private static string FormatDefault(object? value) => value switch
    {
        null => "none",
        double d => CommonOptions.F(d),
        bool b => b ? "true" : "false",
        string s => s,
        System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object>()) + "]",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Shorten(string s) => s.Length <= 110 ? s : s[..107] + "...";
}
