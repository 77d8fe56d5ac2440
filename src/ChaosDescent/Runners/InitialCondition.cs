using System.Globalization;
using ChaosDescent.Numerics;

namespace ChaosDescent.Runners;

/// <summary>How an ensemble (or orbit) starts. Parsed from text: <c>uniform:LO,HI</c>, <c>gaussian:MEAN,SD</c>,
/// <c>point:X[,Y…]</c> (the same bounds/mean/sd apply to every coordinate unless d values are given per coordinate
/// separated by ';', e.g. <c>uniform:-1,1;-2,2</c>).</summary>
public abstract record InitialCondition
{
    /// <summary>Fills x (structure-of-arrays, d·count) for one block from its random stream.</summary>
    public abstract void Sample(ref Xoshiro256 rng, Span<double> x, int count, int dimension);

    public abstract string Describe();

    public static InitialCondition Uniform(double lo, double hi) => new UniformBox([lo], [hi]);

    public static InitialCondition Parse(string text)
    {
        var parts = text.Split(':', 2);
        string kind = parts[0].Trim().ToLowerInvariant();
        string args = parts.Length > 1 ? parts[1] : "";
        try
        {
            switch (kind)
            {
                case "uniform":
                    {
                        var coords = args.Split(';').Select(Numbers).ToArray();
                        if (coords.Any(c => c.Length != 2 || !(c[0] < c[1])))
                            throw new UserInputException($"initial condition '{text}': uniform needs LO,HI with LO < HI");
                        return new UniformBox(coords.Select(c => c[0]).ToArray(), coords.Select(c => c[1]).ToArray());
                    }
                case "gaussian":
                    {
                        var coords = args.Split(';').Select(Numbers).ToArray();
                        if (coords.Any(c => c.Length != 2 || !(c[1] > 0)))
                            throw new UserInputException($"initial condition '{text}': gaussian needs MEAN,SD with SD > 0");
                        return new GaussianCloud(coords.Select(c => c[0]).ToArray(), coords.Select(c => c[1]).ToArray());
                    }
                case "point":
                    return new FixedPoint(Numbers(args));
                default:
                    throw new UserInputException($"initial condition '{text}': expected uniform:LO,HI, gaussian:MEAN,SD or point:X[,Y…]");
            }
        }
        catch (FormatException)
        {
            throw new UserInputException($"initial condition '{text}': not a list of numbers");
        }
    }

    private static double[] Numbers(string s)
    {
        var v = s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(t => double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
        if (v.Length == 0 || v.Any(x => !double.IsFinite(x))) throw new FormatException();
        return v;
    }

    /// <summary>Value for coordinate k: per-coordinate when given, else the single value.</summary>
    protected static double Pick(double[] v, int k, int dimension)
    {
        if (v.Length == 1) return v[0];
        if (v.Length != dimension) throw new UserInputException($"initial condition gives {v.Length} coordinates, the objective has {dimension}");
        return v[k];
    }
}

/// <summary>Independent uniform coordinates on a box.</summary>
public sealed record UniformBox(double[] Lo, double[] Hi) : InitialCondition
{
    public override void Sample(ref Xoshiro256 rng, Span<double> x, int count, int dimension)
    {
        for (int k = 0; k < dimension; k++)
        {
            double lo = Pick(Lo, k, dimension), hi = Pick(Hi, k, dimension);
            for (int i = 0; i < count; i++) x[k * count + i] = rng.NextDouble(lo, hi);
        }
    }

    public override string Describe() => "uniform:" + string.Join(";", Lo.Zip(Hi, (a, b) => FormattableString.Invariant($"{a},{b}")));
}

/// <summary>Independent normal coordinates.</summary>
public sealed record GaussianCloud(double[] Mean, double[] Sd) : InitialCondition
{
    public override void Sample(ref Xoshiro256 rng, Span<double> x, int count, int dimension)
    {
        for (int k = 0; k < dimension; k++)
        {
            double m = Pick(Mean, k, dimension), s = Pick(Sd, k, dimension);
            for (int i = 0; i < count; i++) x[k * count + i] = m + s * rng.NextGaussian();
        }
    }

    public override string Describe() => "gaussian:" + string.Join(";", Mean.Zip(Sd, (a, b) => FormattableString.Invariant($"{a},{b}")));
}

/// <summary>Every particle at the same point (a deterministic map then gives identical orbits).</summary>
public sealed record FixedPoint(double[] X) : InitialCondition
{
    public override void Sample(ref Xoshiro256 rng, Span<double> x, int count, int dimension)
    {
        if (X.Length != dimension && X.Length != 1)
            throw new UserInputException($"initial point has {X.Length} coordinates, the objective has {dimension}");
        for (int k = 0; k < dimension; k++)
            x.Slice(k * count, count).Fill(X.Length == 1 ? X[0] : X[k]);
    }

    public override string Describe() => "point:" + string.Join(",", X.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}
