namespace ChaosDescent.Numerics.Grids;

/// <summary>Evenly spaced grids: linear (numpy's linspace) and logarithmic (numpy's logspace given by its ends).</summary>
public static class Grid
{
    /// <summary>n points from a to b inclusive, equally spaced (a + (b − a)·i/(n − 1)).</summary>
    public static double[] Linspace(double a, double b, int n) =>
        Enumerable.Range(0, n).Select(i => a + (b - a) * i / (n - 1)).ToArray();

    /// <summary>n points from lo to hi inclusive (both positive), equally spaced in log.</summary>
    public static double[] LogSpace(double lo, double hi, int n) =>
        Enumerable.Range(0, n).Select(i => Math.Exp(Math.Log(lo) + (Math.Log(hi) - Math.Log(lo)) * i / (n - 1))).ToArray();
}
