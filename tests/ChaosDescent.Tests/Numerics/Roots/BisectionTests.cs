using ChaosDescent.Numerics.Roots;

namespace ChaosDescent.Tests.Numerics.Roots;

public class BisectionTests
{
    [Fact]
    public void Bracket_shrinks_to_adjacent_doubles_around_the_root()
    {
        var (lo, hi) = Bisection.Bracket(x => x * x - 2, 0, 2);
        Assert.Equal(Math.BitIncrement(lo), hi); // adjacent doubles: nothing left to halve
        Assert.True(lo * lo - 2 < 0 && hi * hi - 2 > 0);
        Assert.InRange(Bisection.Root(x => x * x - 2, 0, 2), lo, hi);
    }

    [Fact]
    public void An_exact_zero_is_returned_as_it_is_and_a_bracket_without_a_sign_change_is_refused()
    {
        Assert.Equal((1.0, 1.0), Bisection.Bracket(x => x - 1, 1, 3));
        Assert.Equal(0.5, Bisection.Root(x => x - 0.5, 0, 1)); // the first midpoint is the zero
        Assert.Throws<ArgumentException>(() => Bisection.Bracket(x => x * x + 1, -1, 1));
    }

    [Fact]
    public void Boundary_finds_where_a_monotone_predicate_switches()
    {
        double b = Bisection.Boundary(x => Math.Exp(x) < 3, 0, 5);
        Assert.Equal(Math.Log(3), b, 14);
    }

    [Fact]
    public void Scan_finds_every_sign_change_with_its_direction()
    {
        // sin on [0.5, 10]: zeros at π (falling), 2π (rising), 3π (falling)
        var roots = Bisection.Scan(Math.Sin, 0.5, 10, 1000);
        Assert.Equal(3, roots.Count);
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal((k + 1) * Math.PI, roots[k].Root, 12);
            Assert.Equal(k == 1, roots[k].Rising);
        }
        // a zero exactly on a node is reported once
        var onNode = Bisection.Scan(x => x, -1, 1, 3);
        Assert.Single(onNode);
        Assert.Equal(0.0, onNode[0].Root);
        Assert.True(onNode[0].Rising);
    }
}
