using ChaosDescent.Maps;
using ChaosDescent.Objectives;
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
/// A is exactly the maps' Jacobian for f = f0 (no micro-scale), and it is read from the map: A = Dφ at the minimum of
/// the quadratic qx²/2 (<see cref="OptimizerMap.Jacobian"/>), B = the step's response to a unit additive noise
/// (one step from the origin on qx²/2 − x, which is the recursion with ζ = 1); the formulas above are what the maps
/// give and what the tests check. The stationary covariance solves the discrete
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
        For(new GradientDescentMap(Quadratic(q, 0), eta), q, sigma2);

    public static LinearMomentumTheory HeavyBall(double eta, double gamma, double q, double sigma2) =>
        For(new HeavyBallMap(Quadratic(q, 0), eta, gamma), q, sigma2);

    /// <summary>NAG-SC with coefficient c = (1 − √(μη))/(1 + √(μη)), i.e. μ = ((1 − c)/(1 + c))²/η.</summary>
    public static LinearMomentumTheory Nesterov(double eta, double c, double q, double sigma2)
    {
        double r = (1 - c) / (1 + c);
        return For(new NesterovMap(Quadratic(q, 0), eta, r * r / eta), q, sigma2);
    }

    /// <summary>
    /// The theory for a map at curvature q: A and B read from the map itself on the quadratic qx²/2 (random maps —
    /// stochastic, gaussian — share GD's deterministic part, their noise being the ζ that the theory models).
    /// </summary>
    public static LinearMomentumTheory For(OptimizerMap map, double q, double sigma2)
    {
        if (map.Dimension != 1) throw new UserInputException($"the linear momentum theory is 1-D (the map has d = {map.Dimension})");
        OptimizerMap Probe(IScalarField f) => map.IsStochastic
            ? map.StateBlocks == 1 ? new GradientDescentMap(f, map.LearningRate) : throw new UserInputException($"no linear theory for the '{map.Name}' map")
            : map.WithObjective(f);
        var linear = Probe(Quadratic(q, 0));
        int n = linear.StateDimension;
        var origin = new double[n];
        var jac = new double[n * n];
        linear.Jacobian(origin, jac);
        // B: one step from the origin with ∇f = qx − 1, i.e. the gradient perturbed by −ζ with ζ = 1 (exact: the map is linear).
        var forced = Probe(Quadratic(q, 1));
        var state = new double[n];
        forced.Initialize(state, 1);
        var scratch = new double[forced.ScratchLength(1)];
        var rng = Numerics.Xoshiro256.ForStream(0, 0); // unused: the probe is deterministic
        forced.Step(state, 1, ref rng, scratch);
        var name = map switch { HeavyBallMap => "heavyball", NesterovMap => "nag", _ => "gd" };
        return new(name, Matrix<double>.Build.Dense(n, n, (i, j) => jac[i * n + j]), Vector<double>.Build.DenseOfArray(state), sigma2, q, map.LearningRate);
    }

    /// <summary>qx²/2 − bx as an objective (no micro-scale).</summary>
    private static MultiscaleObjective Quadratic(double q, double b) =>
        new("linearization", new PolynomialPotential("q x^2/2 - b x", (-1, 1), 0, -b, 0.5 * q), null, 1.0);

    /// <summary>Closed form of the heavy-ball position variance (AR(2) x_(n+1) = (1 + γ − ηq)x_n − γx_(n−1) + ηζ_n).</summary>
    public static double HeavyBallVarianceClosedForm(double eta, double gamma, double q, double sigma2) =>
        (1 + gamma) * eta * sigma2 / ((1 - gamma) * (2 * (1 + gamma) - eta * q) * q);
}
