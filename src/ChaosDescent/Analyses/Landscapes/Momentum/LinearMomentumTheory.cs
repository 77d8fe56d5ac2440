using ChaosDescent.Maps;
using MathNet.Numerics.LinearAlgebra;
using ChaosDescent.Numerics.LinearAlgebra;

namespace ChaosDescent.Analyses.Landscapes.Momentum;

/// <summary>
/// Linearized stationary law of GD, heavy ball and NAG-SC with the micro-scale replaced by bounded i.i.d. noise
/// (Cond. 1: −∇f1,ε(x_n) ≈ ζ_n). Near a minimum with f0″ = q each method becomes a linear recursion
/// s_(n+1) = A s_n + B ζ_n:
/// <list type="bullet">
/// <item>GD, s = x: A = 1 − ηq, B = η;</item>
/// <item>heavy ball, s = (x, v): v′ = γv − ηqx + ηζ, x′ = x + v′, so A = [[1 − ηq, γ], [−ηq, γ]], B = (η, η);</item>
/// <item>NAG-SC, s = (x, y): y′ = (1 − ηq)x + ηζ, x′ = (1 + c)y′ − cy, so A = [[(1 + c)(1 − ηq), −c], [1 − ηq, 0]],
/// B = ((1 + c)η, η).</item>
/// </list>
/// A is exactly the maps' Jacobian for f = f0 (no micro-scale). The stationary covariance solves the discrete
/// Lyapunov equation Σ = AΣAᵀ + σ²BBᵀ (only the covariance σ² of ζ enters, so bounded noise gives the same second
/// moments as Gaussian noise). For f0 = x²/2 the linearization is exact: these are the stationary moments of the
/// stochastic counterparts of the momentum maps. Heavy ball: Var x = (1 + γ)ησ² / ((1 − γ)(2(1 + γ) − ηq)q) ≈
/// ησ²/(2q(1 − γ)), i.e. GD's law at the effective learning rate η/(1 − γ).
/// </summary>
public sealed class LinearMomentumTheory
{
    private LinearMomentumTheory(string method, Matrix<double> a, Vector<double> b, double sigma2, double curvature, double eta)
    {
        Method = method;
        A = a;
        B = b;
        Sigma2 = sigma2;
        Curvature = curvature;
        LearningRate = eta;
        SpectralRadius = a.Evd().EigenValues.Select(z => z.Magnitude).Max();
        if (SpectralRadius < 1)
        {
            int n = a.RowCount;
            var q = GaussianTools.ToArray(b.OuterProduct(b) * sigma2);
            Covariance = GaussianTools.ToMatrix(GaussianTools.DiscreteLyapunov(GaussianTools.ToArray(a), q, n), n);
        }
    }

    /// <summary>gd, heavyball or nag.</summary>
    public string Method { get; }

    public Matrix<double> A { get; }
    public Vector<double> B { get; }
    public double Sigma2 { get; }

    /// <summary>q = f0″ at the minimum.</summary>
    public double Curvature { get; }

    public double LearningRate { get; }

    /// <summary>Largest |eigenvalue| of A: the linear recursion is stationary iff it is below 1.</summary>
    public double SpectralRadius { get; }

    /// <summary>Stationary covariance of the state (null when the recursion is unstable).</summary>
    public Matrix<double>? Covariance { get; }

    /// <summary>Stationary variance of the position x.</summary>
    public double PositionVariance => Covariance?[0, 0] ?? double.NaN;

    /// <summary>The learning rate at which GD's linearized law (variance ησ²/(q(2 − ηq))) has the same variance.</summary>
    public double EffectiveLearningRate
    {
        get
        {
            double v = PositionVariance, q = Curvature;
            // v = ησ²/(q(2 − ηq))  ⇔  η = 2qv/(σ² + q²v)
            return 2 * q * v / (Sigma2 + q * q * v);
        }
    }

    public static LinearMomentumTheory Gd(double eta, double q, double sigma2) =>
        new("gd", Matrix<double>.Build.DenseOfArray(new[,] { { 1 - eta * q } }), Vector<double>.Build.Dense([eta]), sigma2, q, eta);

    public static LinearMomentumTheory HeavyBall(double eta, double gamma, double q, double sigma2) =>
        new("heavyball", Matrix<double>.Build.DenseOfArray(new[,] { { 1 - eta * q, gamma }, { -eta * q, gamma } }),
            Vector<double>.Build.Dense([eta, eta]), sigma2, q, eta);

    public static LinearMomentumTheory Nesterov(double eta, double c, double q, double sigma2) =>
        new("nag", Matrix<double>.Build.DenseOfArray(new[,] { { (1 + c) * (1 - eta * q), -c }, { 1 - eta * q, 0 } }),
            Vector<double>.Build.Dense([(1 + c) * eta, eta]), sigma2, q, eta);

    /// <summary>The theory for a map (gd, stochastic and gaussian share GD's; heavyball; nag) at curvature q.</summary>
    public static LinearMomentumTheory For(OptimizerMap map, double q, double sigma2) => map switch
    {
        HeavyBallMap hb => HeavyBall(map.LearningRate, hb.Momentum, q, sigma2),
        NesterovMap nag => Nesterov(map.LearningRate, nag.Coefficient, q, sigma2),
        _ when map.StateBlocks == 1 => Gd(map.LearningRate, q, sigma2),
        _ => throw new UserInputException($"no linear theory for the '{map.Name}' map"),
    };

    /// <summary>Closed form of the heavy-ball position variance (AR(2) x_(n+1) = (1 + γ − ηq)x_n − γx_(n−1) + ηζ_n).</summary>
    public static double HeavyBallVarianceClosedForm(double eta, double gamma, double q, double sigma2) =>
        (1 + gamma) * eta * sigma2 / ((1 - gamma) * (2 * (1 + gamma) - eta * q) * q);
}
