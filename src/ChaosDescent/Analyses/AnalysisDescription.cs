using System.Reflection;
using System.Text.Json;
using System.Xml.Linq;

namespace ChaosDescent.Analyses;

/// <summary>One setting of an analysis: its key (snake_case, as in JSON and experiment files), type, default and doc.</summary>
public sealed record SettingDescription(string Key, string Property, string Type, object? Default, string? Summary);

/// <summary>What a user needs to call an analysis: name, question, settings with defaults, result type.</summary>
public sealed record AnalysisDescription(string Name, string Question, string Settings, string Result, IReadOnlyList<SettingDescription> Keys)
{
    /// <summary>Describes <paramref name="analysis"/> by reflection over its settings record (a fresh instance holds the
    /// defaults); summaries come from the library's XML documentation when it ships next to the assembly.</summary>
    public static AnalysisDescription Of(IAnalysis analysis)
    {
        var defaults = analysis.DefaultSettings();
        var keys = analysis.SettingsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.SetMethod is not null)
            .Select(p => new SettingDescription(
                JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name), p.Name, TypeName(p.PropertyType), p.GetValue(defaults),
                Docs.Summary($"P:{p.DeclaringType!.FullName}.{p.Name}")))
            .ToArray();
        return new AnalysisDescription(analysis.Name, analysis.Question, analysis.SettingsType.Name, analysis.ResultType.Name, keys);
    }

    /// <summary>All analyses of the catalog, described.</summary>
    public static IReadOnlyList<AnalysisDescription> All() => AnalysisCatalog.All.Select(Of).ToArray();

    private static string TypeName(Type t)
    {
        if (Nullable.GetUnderlyingType(t) is { } u) return TypeName(u) + "?";
        if (t.IsArray) return TypeName(t.GetElementType()!) + "[]";
        return t switch
        {
            _ when t == typeof(double) => "double",
            _ when t == typeof(int) => "int",
            _ when t == typeof(long) => "long",
            _ when t == typeof(ulong) => "ulong",
            _ when t == typeof(bool) => "bool",
            _ when t == typeof(string) => "string",
            _ => t.Name,
        };
    }

    /// <summary>Summaries from ChaosDescent.Core.xml (absent in a trimmed or single-file deployment: then no summaries).</summary>
    private static class Docs
    {
        private static readonly Lazy<Dictionary<string, string>> Members = new(Load);

        public static string? Summary(string member) => Members.Value.TryGetValue(member, out var s) ? s : null;

        private static Dictionary<string, string> Load()
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            try
            {
                var location = typeof(AnalysisCatalog).Assembly.Location;
                if (string.IsNullOrEmpty(location)) return result;
                var path = Path.ChangeExtension(location, ".xml");
                if (!File.Exists(path)) return result;
                foreach (var m in XDocument.Load(path).Descendants("member"))
                {
                    var name = (string?)m.Attribute("name");
                    var summary = m.Element("summary");
                    if (name is null || summary is null) continue;
                    var text = string.Concat(summary.Nodes().Select(n => n is XElement e
                        ? (string?)e.Attribute("cref") is { } cref ? cref[(cref.LastIndexOf('.') + 1)..] : e.Value
                        : n.ToString()));
                    result[name] = string.Join(' ', System.Net.WebUtility.HtmlDecode(text).Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
                }
            }
            catch (Exception e) when (e is IOException or System.Xml.XmlException or UnauthorizedAccessException)
            {
                // Documentation is a courtesy: without it the listing still has names, types and defaults.
            }
            return result;
        }
    }
}
