using System.Globalization;
using ChaosDescent.Numerics;

namespace ChaosDescent.Learning;

/// <summary>
/// A fully connected network (multilayer perceptron) x ↦ W_L σ(… σ(W_1 x + b_1) …) + b_L with any widths
/// n_0 (inputs), n_1 … n_{L−1} (hidden), n_L (outputs), one activation σ for every hidden layer and a linear
/// output layer. Sec. 3.3 of the paper uses widths 5-16-1 with leaky ReLU.
/// <para>
/// Parameters θ live in one flat vector, layer after layer: for layer l (0-based <c>layer</c> = l − 1) first the
/// weight matrix W_l, n_l × n_{l−1}, row-major (W_l[j,k] at <see cref="WeightOffset"/>(layer) + j·n_{l−1} + k),
/// then the bias b_l (n_l entries, at <see cref="BiasOffset"/>(layer)). The class itself is immutable and holds no
/// buffers; <see cref="MlpLoss"/> evaluates loss, gradient and Hessian-vector products on a data set.
/// </para>
/// </summary>
public sealed class Mlp
{
    private readonly int[] _widths;
    private readonly int[] _offsets;

    /// <param name="widths">n_0, …, n_L (at least two entries, all positive).</param>
    /// <param name="activation">σ of the hidden layers.</param>
    public Mlp(IReadOnlyList<int> widths, Activation activation)
    {
        if (widths.Count < 2) throw new UserInputException("a network needs at least an input and an output width");
        foreach (var w in widths)
            if (w <= 0) throw new UserInputException($"layer widths must be positive, got {string.Join("-", widths)}");
        _widths = widths.ToArray();
        Activation = activation;
        _offsets = new int[_widths.Length];
        long p = 0;
        for (int l = 1; l < _widths.Length; l++)
        {
            _offsets[l - 1] = checked((int)p);
            p += (long)_widths[l] * _widths[l - 1] + _widths[l];
            if (p > int.MaxValue / 2) throw new UserInputException($"network {Describe()} has too many parameters");
        }
        _offsets[^1] = (int)p;
        ParameterCount = (int)p;
    }

    /// <summary>n_0, …, n_L.</summary>
    public IReadOnlyList<int> Widths => _widths;

    public Activation Activation { get; }

    /// <summary>Number of weight layers L.</summary>
    public int LayerCount => _widths.Length - 1;

    public int InputCount => _widths[0];
    public int OutputCount => _widths[^1];
    public int ParameterCount { get; }

    /// <summary>Offset of W of weight layer <paramref name="layer"/> (0-based) in θ.</summary>
    public int WeightOffset(int layer) => _offsets[layer];

    /// <summary>Offset of b of weight layer <paramref name="layer"/> (0-based) in θ.</summary>
    public int BiasOffset(int layer) => _offsets[layer] + _widths[layer + 1] * _widths[layer];

    /// <summary>
    /// Name of parameter <paramref name="index"/>, 1-based layers as in the paper's notation:
    /// "W1[j,k]" (weight from unit k of layer 0 to unit j of layer 1), "b1[j]", …
    /// </summary>
    public string ParameterName(int index)
    {
        if (index < 0 || index >= ParameterCount) throw new ArgumentOutOfRangeException(nameof(index));
        int layer = 0;
        while (layer + 1 < LayerCount && index >= WeightOffset(layer + 1)) layer++;
        int rel = index - WeightOffset(layer), fanIn = _widths[layer];
        int weights = fanIn * _widths[layer + 1];
        return rel < weights ? $"W{layer + 1}[{rel / fanIn},{rel % fanIn}]" : $"b{layer + 1}[{rel - weights}]";
    }

    /// <summary>A few representative parameters to watch: W1[0,0], b1[0], and the first weight and bias of the output layer.</summary>
    public int[] DefaultWatchedParameters() =>
        new[] { WeightOffset(0), BiasOffset(0), WeightOffset(LayerCount - 1), BiasOffset(LayerCount - 1) }.Distinct().ToArray();

    /// <summary>"5-16-1 leakyrelu(α=0.01)".</summary>
    public string Describe() => string.Join("-", _widths) + " " + Activation;

    /// <summary>
    /// Builds n_0-h_1-…-n_L from a hidden-width list such as "16" or "32,32" (empty for a linear model).
    /// </summary>
    public static Mlp FromHidden(int inputs, string hidden, int outputs, Activation activation)
    {
        var widths = new List<int> { inputs };
        foreach (var part in hidden.Split([',', '-', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var w) || w <= 0)
                throw new UserInputException($"--hidden expects positive integer widths separated by commas, got '{hidden}'");
            widths.Add(w);
        }
        widths.Add(outputs);
        return new Mlp(widths, activation);
    }

    /// <summary>A fresh parameter vector initialized by <see cref="Initialize"/>.</summary>
    public double[] CreateParameters(ulong seed)
    {
        var theta = new double[ParameterCount];
        Initialize(theta, seed);
        return theta;
    }

    /// <summary>
    /// Seeded initialization (weight layer l draws from its own stream <c>Xoshiro256.ForStream(seed, l)</c>).
    /// Biases start at 0. Weights: for leaky ReLU, ReLU and tanh, LeCun normal N(0, 1/n_{l−1}) (the scheme of
    /// the numpy anchor of Sec. 3.3); for sine, the SIREN scheme: first layer U(−1/n_0, 1/n_0), later layers
    /// U(−√(6/n_{l−1})/ω0, √(6/n_{l−1})/ω0) (Sitzmann et al. 2020, Sec. 3.2).
    /// </summary>
    public void Initialize(Span<double> theta, ulong seed)
    {
        if (theta.Length != ParameterCount) throw new ArgumentException($"θ has {theta.Length} entries, the network {ParameterCount}");
        for (int layer = 0; layer < LayerCount; layer++)
        {
            var rng = Xoshiro256.ForStream(seed, (ulong)layer);
            int fanIn = _widths[layer], fanOut = _widths[layer + 1];
            var w = theta.Slice(WeightOffset(layer), fanIn * fanOut);
            if (Activation.Kind == ActivationKind.Sine)
            {
                double c = layer == 0 ? 1.0 / fanIn : Math.Sqrt(6.0 / fanIn) / Activation.Parameter;
                for (int i = 0; i < w.Length; i++) w[i] = rng.NextDouble(-c, c);
            }
            else
            {
                double s = 1 / Math.Sqrt(fanIn);
                for (int i = 0; i < w.Length; i++) w[i] = s * rng.NextGaussian();
            }
            theta.Slice(BiasOffset(layer), fanOut).Clear();
        }
    }

    /// <summary>
    /// The network's output for one input (straightforward scalar code: the reference that the block kernels of
    /// <see cref="MlpLoss"/> are tested against, and a convenience for predictions).
    /// </summary>
    public void Predict(ReadOnlySpan<double> theta, ReadOnlySpan<double> input, Span<double> output)
    {
        if (theta.Length != ParameterCount) throw new ArgumentException("θ length");
        if (input.Length != InputCount || output.Length != OutputCount) throw new ArgumentException("input/output length");
        var a = input.ToArray();
        for (int layer = 0; layer < LayerCount; layer++)
        {
            int fanIn = _widths[layer], fanOut = _widths[layer + 1];
            var z = new double[fanOut];
            for (int j = 0; j < fanOut; j++)
            {
                double s = theta[BiasOffset(layer) + j];
                for (int k = 0; k < fanIn; k++) s += theta[WeightOffset(layer) + j * fanIn + k] * a[k];
                z[j] = layer == LayerCount - 1 ? s : Activation.Value(s);
            }
            a = z;
        }
        a.CopyTo(output);
    }
}
