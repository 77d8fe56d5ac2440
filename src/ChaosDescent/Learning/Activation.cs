using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace ChaosDescent.Learning;

/// <summary>The hidden-layer nonlinearities of <see cref="Mlp"/>.</summary>
public enum ActivationKind
{
    /// <summary>σ(z) = z for z &gt; 0, αz otherwise (α = <see cref="Activation.Parameter"/>, default 0.01; Sec. 3.3).</summary>
    LeakyRelu,

    /// <summary>σ(z) = max(z, 0).</summary>
    Relu,

    /// <summary>σ(z) = tanh(z).</summary>
    Tanh,

    /// <summary>σ(z) = sin(ω0 z) as in SIREN (Sitzmann et al. 2020; Appendix C), ω0 = <see cref="Activation.Parameter"/> (default 30).</summary>
    Sine,
}

/// <summary>
/// A hidden-layer activation σ with its first and second derivatives (σ'' enters the exact Hessian-vector
/// product). For the piecewise-linear kinds σ'' = 0 away from the kink (the Hessian is taken where it exists,
/// i.e. almost everywhere; at z = 0 exactly the right-derivative convention σ'(0) = α is used).
/// </summary>
public readonly record struct Activation(ActivationKind Kind, double Parameter)
{
    public static Activation LeakyRelu(double slope = 0.01) => new(ActivationKind.LeakyRelu, slope);
    public static Activation Relu() => new(ActivationKind.Relu, 0);
    public static Activation Tanh() => new(ActivationKind.Tanh, 0);
    public static Activation Sine(double omega0 = 30) => new(ActivationKind.Sine, omega0);

    /// <summary>Names the CLI accepts.</summary>
    public static readonly string[] Names = ["leakyrelu", "relu", "tanh", "sine"];

    /// <summary>
    /// Parses a CLI name: <c>leakyrelu</c> (also <c>leaky-relu</c>, <c>leaky_relu</c>), <c>relu</c>, <c>tanh</c>,
    /// <c>sine</c> (also <c>siren</c>, <c>sin</c>). <paramref name="parameter"/> overrides the default slope / ω0.
    /// </summary>
    public static Activation Parse(string name, double? parameter = null)
    {
        var key = name.Trim().ToLowerInvariant().Replace("-", "").Replace("_", "");
        var a = key switch
        {
            "leakyrelu" => LeakyRelu(),
            "relu" => Relu(),
            "tanh" => Tanh(),
            "sine" or "siren" or "sin" => Sine(),
            _ => throw new UserInputException($"unknown activation '{name}' (choose one of: {string.Join(", ", Names)})"),
        };
        if (parameter is { } p)
        {
            if (!double.IsFinite(p)) throw new UserInputException($"activation parameter must be finite, got {p}");
            if (a.Kind == ActivationKind.LeakyRelu && (p < 0 || p >= 1))
                throw new UserInputException($"leaky ReLU slope must lie in [0, 1), got {p.ToString(CultureInfo.InvariantCulture)}");
            if (a.Kind == ActivationKind.Sine && p <= 0)
                throw new UserInputException($"sine frequency ω0 must be positive, got {p.ToString(CultureInfo.InvariantCulture)}");
            a = a with { Parameter = p };
        }
        return a;
    }

    /// <summary>Canonical name (as accepted by <see cref="Parse"/>).</summary>
    public string Name => Kind switch
    {
        ActivationKind.LeakyRelu => "leakyrelu",
        ActivationKind.Relu => "relu",
        ActivationKind.Tanh => "tanh",
        _ => "sine",
    };

    public override string ToString() => Kind switch
    {
        ActivationKind.LeakyRelu => $"leakyrelu(α={Parameter.ToString(CultureInfo.InvariantCulture)})",
        ActivationKind.Sine => $"sine(ω0={Parameter.ToString(CultureInfo.InvariantCulture)})",
        _ => Name,
    };

    /// <summary>σ(z).</summary>
    public double Value(double z) => Kind switch
    {
        ActivationKind.LeakyRelu => z > 0 ? z : Parameter * z,
        ActivationKind.Relu => z > 0 ? z : 0,
        ActivationKind.Tanh => Math.Tanh(z),
        _ => Math.Sin(Parameter * z),
    };

    /// <summary>σ'(z).</summary>
    public double Derivative(double z) => Kind switch
    {
        ActivationKind.LeakyRelu => z > 0 ? 1 : Parameter,
        ActivationKind.Relu => z > 0 ? 1 : 0,
        ActivationKind.Tanh => 1 - Math.Tanh(z) * Math.Tanh(z),
        _ => Parameter * Math.Cos(Parameter * z),
    };

    /// <summary>σ''(z) (0 for the piecewise-linear kinds).</summary>
    public double SecondDerivative(double z) => Kind switch
    {
        ActivationKind.LeakyRelu or ActivationKind.Relu => 0,
        ActivationKind.Tanh => -2 * Math.Tanh(z) * (1 - Math.Tanh(z) * Math.Tanh(z)),
        _ => -Parameter * Parameter * Math.Sin(Parameter * z),
    };

    /// <summary>True when σ'' ≡ 0 almost everywhere (the R-operator can skip the σ'' term).</summary>
    public bool IsPiecewiseLinear => Kind is ActivationKind.LeakyRelu or ActivationKind.Relu;

    /// <summary>
    /// a = σ(z), d1 = σ'(z) and, when <paramref name="d2"/> is not empty, d2 = σ''(z), elementwise over a block.
    /// <paramref name="scratch"/> must be as long as <paramref name="z"/> (used by the transcendental kinds).
    /// </summary>
    public void Evaluate(ReadOnlySpan<double> z, Span<double> a, Span<double> d1, Span<double> d2, Span<double> scratch)
    {
        int n = z.Length;
        switch (Kind)
        {
            case ActivationKind.LeakyRelu:
            case ActivationKind.Relu:
                PiecewiseLinear(z, a, d1, Kind == ActivationKind.Relu ? 0 : Parameter);
                if (!d2.IsEmpty) d2[..n].Clear();
                break;
            case ActivationKind.Tanh:
                TensorPrimitives.Tanh(z, a);
                // σ' = 1 − t², σ'' = −2 t σ'.
                TensorPrimitives.Multiply(a[..n], a[..n], d1);
                TensorPrimitives.Subtract(1.0, d1[..n], d1);
                if (!d2.IsEmpty)
                {
                    TensorPrimitives.Multiply(a[..n], d1[..n], d2);
                    TensorPrimitives.Multiply(d2[..n], -2.0, d2);
                }
                break;
            default:
                {
                    double w = Parameter;
                    var wz = scratch[..n];
                    TensorPrimitives.Multiply(z, w, wz);
                    TensorPrimitives.Cos(wz, d1);
                    TensorPrimitives.Sin(wz, a);
                    TensorPrimitives.Multiply(d1[..n], w, d1);
                    if (!d2.IsEmpty) TensorPrimitives.Multiply(a[..n], -w * w, d2);
                    break;
                }
        }
    }

    // Vector<double> (the platform's preferred width: 256 bits on AVX2 and, by the runtime's default, on AVX-512) —
    // select and multiply are exact, so the result does not depend on the width, and this elementwise pass is a small
    // part of an epoch next to the matrix products.
    private static void PiecewiseLinear(ReadOnlySpan<double> z, Span<double> a, Span<double> d1, double slope)
    {
        int n = z.Length, i = 0, w = Vector<double>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            var one = new Vector<double>(1.0);
            var s = new Vector<double>(slope);
            for (; i <= n - w; i += w)
            {
                var v = new Vector<double>(z.Slice(i, w));
                var d = Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<double>.Zero), one, s);
                d.CopyTo(d1.Slice(i, w));
                (v * d).CopyTo(a.Slice(i, w));
            }
        }
        for (; i < n; i++)
        {
            double d = z[i] > 0 ? 1 : slope;
            d1[i] = d;
            a[i] = d * z[i];
        }
    }
}
