namespace ChaosDescent.Analyses.Landscapes.Wells;

/// <summary>
/// One potential well of a 1-D f0: the interval between two neighbouring local maxima (±∞ at the ends), its local
/// minimum, and the barriers to its neighbours.
/// </summary>
/// <param name="Index">0, 1, … from left to right.</param>
/// <param name="Lo">Left local maximum of f0, or −∞.</param>
/// <param name="Hi">Right local maximum of f0, or +∞.</param>
/// <param name="Minimum">The local minimizer of f0 in the well.</param>
/// <param name="MinimumValue">f0 at the minimum.</param>
/// <param name="Curvature">f0″ at the minimum.</param>
/// <param name="BarrierLeft">f0(Lo) − f0(min), or +∞ when there is no left maximum.</param>
/// <param name="BarrierRight">f0(Hi) − f0(min), or +∞.</param>
public sealed record PotentialWell(
    int Index, double Lo, double Hi, double Minimum, double MinimumValue, double Curvature,
    double BarrierLeft, double BarrierRight)
{
    /// <summary>The lower of the two barriers: the ΔF of an escape (Eyring–Kramers).</summary>
    public double Barrier => Math.Min(BarrierLeft, BarrierRight);

    public bool Contains(double x) => x >= Lo && x <= Hi;
}

/// <summary>
/// Splits a 1-D f0 into potential wells at its local maxima (D.5: "x &gt; 0 and x &lt; 0 are two potential wells").
/// Critical points are the sign changes of f0′, isolated as <see cref="Landscape1D"/> does (certified for
/// polynomials); a critical point without a sign change (an inflection with f0′ = 0) separates nothing.
/// </summary>
public sealed class PotentialWells
{
    private PotentialWells(Landscape1D landscape, double[] minima, double[] maxima, PotentialWell[] wells)
    {
        Landscape = landscape;
        Minima = minima;
        Maxima = maxima;
        Wells = wells;
    }

    public Landscape1D Landscape { get; }

    /// <summary>Local minimizers of f0, sorted.</summary>
    public IReadOnlyList<double> Minima { get; }

    /// <summary>Local maximizers of f0, sorted: the boundaries between wells.</summary>
    public IReadOnlyList<double> Maxima { get; }

    public IReadOnlyList<PotentialWell> Wells { get; }

    /// <summary>Index of the well containing x (a point exactly on a maximum goes to the right-hand well).</summary>
    public int WellOf(double x)
    {
        int i = 0;
        while (i < Maxima.Count && x >= Maxima[i]) i++;
        return i;
    }

    public static PotentialWells Of(Landscape1D landscape)
    {
        var (lo, hi) = landscape.Domain;
        var roots = landscape.RootsOfD1(0);
        var minima = new List<double>();
        var maxima = new List<double>();
        foreach (var r in roots)
        {
            // classify by the sign of f0′ just left and right (at the midpoints to the neighbouring roots/domain ends)
            int i = Array.IndexOf(roots, r);
            double left = 0.5 * (r + (i > 0 ? roots[i - 1] : lo)), right = 0.5 * (r + (i + 1 < roots.Length ? roots[i + 1] : hi));
            double gl = landscape.D1(left), gr = landscape.D1(right);
            if (gl < 0 && gr > 0) minima.Add(r);
            else if (gl > 0 && gr < 0) maxima.Add(r);
        }
        if (minima.Count == 0)
            throw new UserInputException("f0 has no local minimum: there are no potential wells to analyse");
        var bounds = new List<double> { double.NegativeInfinity };
        bounds.AddRange(maxima);
        bounds.Add(double.PositiveInfinity);
        var wells = new List<PotentialWell>();
        for (int w = 0; w + 1 < bounds.Count; w++)
        {
            double a = bounds[w], b = bounds[w + 1];
            var inside = minima.Where(m => m > a && m < b).ToArray();
            if (inside.Length == 0)
                throw new UserInputException("f0 decreases without bound beyond a local maximum: its wells are not well defined (f0 must be coercive)");
            double m = inside.OrderBy(landscape.Value).First();
            double fm = landscape.Value(m);
            wells.Add(new PotentialWell(wells.Count, a, b, m, fm, landscape.D2(m),
                double.IsFinite(a) ? landscape.Value(a) - fm : double.PositiveInfinity,
                double.IsFinite(b) ? landscape.Value(b) - fm : double.PositiveInfinity));
        }
        return new PotentialWells(landscape, minima.ToArray(), maxima.ToArray(), wells.ToArray());
    }
}
