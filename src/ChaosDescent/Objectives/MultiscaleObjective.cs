namespace ChaosDescent.Objectives;

/// <summary>
/// f = f0 + f1,ε (paper eq. 1): a macroscopic shape plus small, fast wiggles. Systems are data: an objective is a
/// value with a name, its parts, ε and the parameters it was built from; analyses are functions over it.
/// </summary>
public sealed class MultiscaleObjective : IScalarField
{
    public MultiscaleObjective(string name, MacroPotential macro, MicroScale? micro, double epsilon,
        IReadOnlyDictionary<string, double>? parameters = null, string? formula = null, string source = "")
    {
        if (micro is not null && micro.Dimension != macro.Dimension)
            throw new ArgumentException("macro and micro dimensions differ");
        if (micro is not null && !(epsilon > 0) || !double.IsFinite(epsilon))
            throw new UserInputException($"ε must be a positive finite number (got {epsilon})");
        Name = name;
        Macro = macro;
        Micro = micro;
        Epsilon = epsilon;
        Parameters = parameters ?? new Dictionary<string, double>();
        Formula = formula ?? (micro is null ? macro.Formula : $"{macro.Formula} + {micro.Formula}");
        Source = source;
        _fused = FusedGradient.TryCreate(macro, micro, epsilon);
    }

    // One-pass SIMD kernel for polynomial f0 + sine-sum f1,ε (null for other kinds): see FusedGradient.
    private readonly FusedGradient? _fused;

    /// <summary>Catalog name (kebab-case) or "expression".</summary>
    public string Name { get; }

    /// <summary>f0.</summary>
    public MacroPotential Macro { get; }

    /// <summary>f1,ε, or null for an objective without micro-scale.</summary>
    public MicroScale? Micro { get; }

    /// <summary>ε, the micro length scale.</summary>
    public double Epsilon { get; }

    public IReadOnlyDictionary<string, double> Parameters { get; }

    /// <summary>Plain-text formula with ε written "eps".</summary>
    public string Formula { get; }

    /// <summary>Where in the paper (section/figure).</summary>
    public string Source { get; }

    public int Dimension => Macro.Dimension;

    /// <summary>The same objective at another ε.</summary>
    /// <summary>
    /// The same catalog objective with one parameter changed (e.g. k of doublewell-sin), rebuilt through
    /// <see cref="ObjectiveCatalog"/>; a user error for an unknown parameter or an objective that is not from the catalog
    /// (formulas carry their numbers in the text).
    /// </summary>
    public MultiscaleObjective WithParameter(string name, double value)
    {
        var entry = ObjectiveCatalog.TryFind(Name);
        if (entry is null)
            throw new UserInputException($"objective '{Name}' is not from the catalog: write the number into its formula instead of setting parameter '{name}'");
        if (!entry.Defaults.ContainsKey(name))
            throw new UserInputException($"objective '{Name}' has no parameter '{name}'");
        var parameters = new Dictionary<string, double>(Parameters) { [name] = value };
        return ObjectiveCatalog.Create(Name, Epsilon, parameters);
    }

    public MultiscaleObjective WithEpsilon(double epsilon) =>
        new(Name, Macro, Micro, epsilon, Parameters, Formula, Source);

    /// <summary>σ² of ζ when ζ is isotropic (Thm. 2/Prop. 6), else null.</summary>
    public double? Sigma2 => Micro?.NoiseStatistics?.Sigma2;

    public double Value(ReadOnlySpan<double> x) => Macro.Value(x) + (Micro?.Value(x, Epsilon) ?? 0);

    public void Gradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        Macro.Gradient(x, gradient);
        if (Micro is null) return;
        Span<double> g = stackalloc double[Dimension];
        Micro.Gradient(x, Epsilon, g);
        for (int k = 0; k < g.Length; k++) gradient[k] += g[k];
    }

    public void Hessian(ReadOnlySpan<double> x, Span<double> hessian)
    {
        Macro.Hessian(x, hessian);
        if (Micro is null) return;
        int n = Dimension * Dimension;
        Span<double> h = stackalloc double[n];
        Micro.Hessian(x, Epsilon, h);
        for (int k = 0; k < n; k++) hessian[k] += h[k];
    }

    public void AccumulateGradient(ReadOnlySpan<double> x, Span<double> gradient, int count)
    {
        if (_fused is not null)
        {
            _fused.Accumulate(x, gradient, count);
            return;
        }
        Macro.AccumulateGradient(x, gradient, count);
        Micro?.AccumulateGradient(x, Epsilon, gradient, count);
    }

    /// <summary>
    /// x ← x − η∇f(x) for a block, in one pass, when f0 and f1,ε have a fused kernel (1-D polynomial + sine sum);
    /// bit-identical to clearing g, <see cref="AccumulateGradient"/>, then x + (−η)·g. Returns false (and does
    /// nothing) otherwise.
    /// </summary>
    internal bool TryGradientStep(Span<double> x, int count, double eta)
    {
        if (_fused is null) return false;
        _fused.GradientStep(x, count, eta);
        return true;
    }

    public override string ToString() => $"{Name}: f = {Formula}, eps = {Epsilon:G6}";
}
