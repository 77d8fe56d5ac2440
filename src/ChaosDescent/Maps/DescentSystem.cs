using ChaosDescent.Objectives;

namespace ChaosDescent.Maps;

/// <summary>
/// A system is data (as in DynamicalSystems.jl): the objective f, the optimizer map φ that iterates on it and its
/// learning rate η, with the map's own options (heavy-ball γ, NAG-SC μ). Every analysis is a function of a system
/// and a settings record (<c>X.Run(system, XSettings, progress)</c>, see <c>Analyses.AnalysisCatalog</c>); a sweep
/// varies the system's numbers and the settings' numbers.
/// <para><see cref="Objective"/> is null only for analyses whose objective is built from their settings (a network
/// loss over a data set named in the settings, for instance); <see cref="LearningRate"/> is null for analyses of the
/// landscape alone (m of Condition 2, wells).</para>
/// </summary>
public sealed record DescentSystem
{
    public IScalarField? Objective { get; init; }

    /// <summary>Map name as <see cref="MapFactory.Names"/> lists them (gd, stochastic, gaussian, heavyball, nag).</summary>
    public string Map { get; init; } = "gd";

    /// <summary>η; null when the analysis does not iterate a map.</summary>
    public double? LearningRate { get; init; }

    public MapOptions MapOptions { get; init; } = new();

    /// <summary>The objective as f = f0 + f1,ε (a user error naming <paramref name="analysis"/> otherwise).</summary>
    public MultiscaleObjective RequireMultiscale(string analysis) => RequireObjective(analysis) switch
    {
        MultiscaleObjective m => m,
        _ => throw new UserInputException($"'{analysis}' needs an objective of the form f = f0 + f1,eps"),
    };

    /// <summary>η (a user error naming <paramref name="analysis"/> when the system has none).</summary>
    public double RequireLearningRate(string analysis) =>
        LearningRate ?? throw new UserInputException($"'{analysis}' needs a learning rate (--eta)");

    /// <summary>The objective, any <see cref="IScalarField"/> (a user error naming <paramref name="analysis"/> when there is none).</summary>
    public IScalarField RequireObjective(string analysis) =>
        Objective ?? throw new UserInputException($"'{analysis}' needs an objective (--objective NAME or formulas --f0/--f1/--f)");

    /// <summary>The optimizer map φ of this system (one optimizer step, with its tangent map) on any objective; the
    /// stochastic and Gaussian maps, whose noise is Cond. 1's ζ, still need f = f0 + f1,ε.</summary>
    public OptimizerMap CreateMap(string analysis) =>
        MapFactory.Create(Map, RequireObjective(analysis), RequireLearningRate(analysis), MapOptions);

    public DescentSystem WithLearningRate(double eta) => this with { LearningRate = eta };
}
