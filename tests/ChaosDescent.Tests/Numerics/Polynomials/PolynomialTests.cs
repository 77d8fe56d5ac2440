using ChaosDescent.Numerics.Polynomials;

namespace ChaosDescent.Tests.Numerics.Polynomials;

public class PolynomialTests
{
    [Fact]
    public void Horner_evaluation_and_the_derivative_agree_with_the_expanded_forms()
    {
        double[] c = [1, -3, 0, 2]; // 1 − 3x + 2x³
        foreach (var x in new[] { -2.0, -0.5, 0, 0.7, 3 })
        {
            Assert.Equal(1 - 3 * x + 2 * x * x * x, Polynomial.Evaluate(c, x), 12);
            Assert.Equal(-3 + 6 * x * x, Polynomial.Evaluate(Polynomial.Derivative(c), x), 12);
        }
        Assert.Equal([0.0], Polynomial.Derivative([5.0]));
    }
}
