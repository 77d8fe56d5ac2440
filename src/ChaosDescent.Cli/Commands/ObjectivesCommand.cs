using System.CommandLine;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Objectives;

namespace ChaosDescent.Cli.Commands;

/// <summary><c>chaosdescent objectives</c>: the built-in catalog with formulas, sources and parameters.</summary>
public sealed class ObjectivesCommand : ICliCommand
{
    public int Order => 10;

    public Command Build()
    {
        var json = CommonOptions.Json();
        var cmd = new Command("objectives", "list the built-in objectives (formula, dimension, paper source, parameters, ζ statistics)");
        cmd.Options.Add(json);
        cmd.SetAction(r =>
        {
            var rows = ObjectiveCatalog.Entries.Select(e =>
            {
                var o = ObjectiveCatalog.Create(e.Name);
                var stats = o.Micro?.NoiseStatistics;
                return new
                {
                    name = e.Name,
                    formula = e.Formula,
                    dimension = e.Dimension,
                    source = e.Source,
                    parameters = e.Defaults,
                    default_eps = e.DefaultEpsilon,
                    micro_scale = o.Micro?.Kind.ToString().ToLowerInvariant() ?? "none",
                    sigma2 = stats?.Sigma2,
                    zeta_range = stats?.Range.Select(t => new[] { t.Min, t.Max }).ToArray(),
                };
            }).ToArray();
            if (r.GetValue(json))
            {
                CommonOptions.WriteJson(r.InvocationConfiguration.Output, new { objectives = rows });
                return 0;
            }
            var o = r.InvocationConfiguration.Output;
            foreach (var row in rows)
            {
                o.WriteLine($"{row.name}  (d = {row.dimension}, {row.micro_scale} micro-scale, default eps = {CommonOptions.F(row.default_eps)})");
                o.WriteLine($"    f = {row.formula}");
                o.WriteLine($"    source: {row.source}");
                if (row.parameters.Count > 0)
                    o.WriteLine($"    parameters: {string.Join(", ", row.parameters.Select(p => $"{p.Key} = {CommonOptions.F(p.Value)}"))}");
                o.WriteLine(row.sigma2 is { } s2
                    ? $"    zeta: isotropic, sigma^2 = {CommonOptions.F(s2)}, range [{CommonOptions.F(row.zeta_range![0][0])}, {CommonOptions.F(row.zeta_range[0][1])}]"
                    : row.micro_scale == "general" ? "    zeta: depends on x (Cond. 1 fails); sampled over a box of half-width sqrt(eps)" : "    zeta: anisotropic");
            }
            return 0;
        });
        return cmd;
    }
}
