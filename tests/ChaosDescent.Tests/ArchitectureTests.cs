using System.Reflection;
using ChaosDescent.Maps;
using NetArchTest.Rules;

namespace ChaosDescent.Tests;

/// <summary>
/// The layers of docs/architecture.md only point down:
/// Numerics → Statistics, Data → Objectives (and Expressions) → Maps → Runners → Analyses, Learning → Experiments,
/// then the reporting layer and the CLI in assemblies of their own, and the benchmarks apart. A type may use its own
/// layer and any layer below; a rule below fails with the names of the types that reach up.
/// </summary>
public class ArchitectureTests
{
    private static readonly Assembly Library = typeof(DescentSystem).Assembly;

    private const string Numerics = "ChaosDescent.Numerics", Statistics = "ChaosDescent.Statistics", Data = "ChaosDescent.Data",
        Objectives = "ChaosDescent.Objectives", Expressions = "ChaosDescent.Expressions", Maps = "ChaosDescent.Maps",
        Runners = "ChaosDescent.Runners", Analyses = "ChaosDescent.Analyses", Learning = "ChaosDescent.Learning",
        Experiments = "ChaosDescent.Experiments", Reporting = "ChaosDescent.Reporting", Cli = "ChaosDescent.Cli", Bench = "ChaosDescent.Bench";

    /// <summary>Each library layer and the namespaces above it that it must not use.</summary>
    public static TheoryData<string, string[]> LayersAndWhatIsAbove => new()
    {
        { Numerics, [Statistics, Data, Objectives, Expressions, Maps, Runners, Analyses, Learning, Experiments] },
        { Statistics, [Data, Objectives, Expressions, Maps, Runners, Analyses, Learning, Experiments] },
        // a data set may carry its summary statistics (standardization), so Data sits just above Statistics
        { Data, [Objectives, Expressions, Maps, Runners, Analyses, Learning, Experiments] },
        { Objectives, [Expressions, Maps, Runners, Analyses, Learning, Experiments] },
        { Expressions, [Maps, Runners, Analyses, Learning, Experiments] },
        { Maps, [Runners, Analyses, Learning, Experiments] },
        { Runners, [Analyses, Learning, Experiments] },
        { Analyses, [Experiments] },
        { Learning, [Experiments] },
        { "ChaosDescent.Infrastructure", [Numerics, Statistics, Data, Objectives, Expressions, Maps, Runners, Analyses, Learning, Experiments] },
    };

    [Theory]
    [MemberData(nameof(LayersAndWhatIsAbove))]
    public void A_library_layer_uses_only_the_layers_below_it(string layer, string[] above)
    {
        var result = Types.InAssembly(Library).That().ResideInNamespace(layer).ShouldNot().HaveDependencyOnAny(above).GetResult();
        Assert.True(result.IsSuccessful, $"{layer} reaches up into {string.Join(", ", above)}: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void The_library_knows_nothing_of_reporting_the_cli_or_the_benchmarks()
    {
        var result = Types.InAssembly(Library).ShouldNot().HaveDependencyOnAny(Reporting, Cli, Bench).GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
        Assert.DoesNotContain(Library.GetReferencedAssemblies(), a => a.Name!.StartsWith("ChaosDescent.Reporting") || a.Name == "chaosdescent" || a.Name!.StartsWith(Bench));
    }

    [Fact]
    public void Reporting_does_not_use_the_cli_or_the_benchmarks()
    {
        var reporting = typeof(global::ChaosDescent.Reporting.Plots.PlotFigure).Assembly;
        Assert.True(Types.InAssembly(reporting).ShouldNot().HaveDependencyOnAny(Cli, Bench).GetResult().IsSuccessful);
        Assert.DoesNotContain(reporting.GetReferencedAssemblies(), a => a.Name == "chaosdescent" || a.Name!.StartsWith(Bench));
    }

    [Fact]
    public void The_shipped_cli_does_not_reference_the_benchmarks()
    {
        var cli = typeof(global::ChaosDescent.Cli.Program).Assembly;
        Assert.True(Types.InAssembly(cli).ShouldNot().HaveDependencyOn(Bench).GetResult().IsSuccessful);
        Assert.DoesNotContain(cli.GetReferencedAssemblies(), a => a.Name!.StartsWith(Bench));
    }

    [Fact]
    public void Within_reporting_plots_do_not_use_the_reproductions()
    {
        var reporting = typeof(global::ChaosDescent.Reporting.Plots.PlotFigure).Assembly;
        var result = Types.InAssembly(reporting).That().ResideInNamespace("ChaosDescent.Reporting.Plots")
            .ShouldNot().HaveDependencyOn("ChaosDescent.Reporting.Reproduction").GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }
}
