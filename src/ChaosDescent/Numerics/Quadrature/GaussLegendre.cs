namespace ChaosDescent.Numerics.Quadrature;

/// <summary>n-point Gauss–Legendre rule on [−1, 1] (nodes by Newton on P_n), cached per n.</summary>
public sealed class GaussLegendre
{
    private static readonly Dictionary<int, GaussLegendre> Cache = new();
    private static readonly Lock CacheLock = new();

    public double[] Nodes { get; }
    public double[] Weights { get; }

    private GaussLegendre(int n)
    {
        if (n < 2) throw new ArgumentOutOfRangeException(nameof(n), "at least 2 nodes");
        Nodes = new double[n];
        Weights = new double[n];
        for (int i = 0; i < n; i++)
        {
            double x = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5)), dp = 0;
            for (int it = 0; it < 100; it++)
            {
                double p0 = 1, p1 = x;
                for (int k = 2; k <= n; k++)
                {
                    double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
                    p0 = p1;
                    p1 = p2;
                }
                dp = n * (x * p1 - p0) / (x * x - 1);
                double dx = p1 / dp;
                x -= dx;
                if (Math.Abs(dx) < 1e-16) break;
            }
            Nodes[i] = x;
            Weights[i] = 2 / ((1 - x * x) * dp * dp);
        }
    }

    public static GaussLegendre Get(int n)
    {
        lock (CacheLock)
        {
            if (!Cache.TryGetValue(n, out var r)) Cache[n] = r = new GaussLegendre(n);
            return r;
        }
    }

    /// <summary>∫_a^b f.</summary>
    public double Integrate(Func<double, double> f, double a, double b)
    {
        double c = 0.5 * (a + b), h = 0.5 * (b - a), s = 0;
        if (h == 0) return 0;
        for (int i = 0; i < Nodes.Length; i++) s += Weights[i] * f(c + h * Nodes[i]);
        return h * s;
    }
}
