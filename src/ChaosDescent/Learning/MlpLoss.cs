using ChaosDescent.Objectives;
using ChaosDescent.Data;

namespace ChaosDescent.Learning;

/// <summary>
/// The full-batch mean-squared-error loss of an <see cref="Mlp"/> on a <see cref="RegressionData"/>:
/// L(θ) = (1/n) Σ_i ‖f_θ(x_i) − y_i‖² (the loss of Sec. 3.3 and of the numpy anchor: no ½), with its exact
/// gradient (backpropagation) and exact Hessian-vector products (Pearlmutter's R-operator, i.e. forward-mode
/// differentiation of backpropagation — "forward over reverse" — not finite differences).
/// <para>
/// Layout: the data are stored feature-major (feature k of all samples contiguous), padded to a multiple of 8
/// samples with zero-weight samples, and processed in blocks of <see cref="BlockSize"/> samples; per block every
/// layer is a small matrix (units × samples) kept in L1, each unit a contiguous SIMD row (see <c>BlockMath</c>).
/// Blocks are grouped into fixed chunks of 2 blocks (256 samples); each chunk accumulates its own partial loss/gradient and the
/// partials are summed in chunk order, so results are bitwise identical for any <see cref="Threads"/>.
/// Nothing is allocated per call on one thread.
/// </para>
/// <para>Not thread-safe (it owns its buffers); use one instance per thread.</para>
/// </summary>
public sealed class MlpLoss : IScalarField
{
    /// <summary>Samples per block (a multiple of 8, the Vector512 width in doubles).</summary>
    public const int BlockSize = 128;

    /// <summary>Blocks per chunk (fixed, so the summation order does not depend on the thread count).</summary>
    private const int ChunkBlocks = 2;

    private readonly Mlp _model;
    private readonly int[] _widths;
    private readonly int _layers;
    private readonly int _n;
    private readonly int _nPad;
    private readonly int _blocks;
    private readonly int _chunks;
    private readonly double[] _x;     // d × nPad, feature-major
    private readonly double[] _y;     // m × nPad
    private readonly double[] _w;     // per-sample weight 1/n (0 on padding)
    private readonly double[] _w2;    // 2/n (0 on padding)
    private readonly double[] _chunkLoss;
    private readonly double[] _chunkGrad;   // chunks × P
    private readonly double[] _chunkHv;     // chunks × P
    private Workspace[] _workspaces;
    private int _threads = 1;

    // State of the call in progress (read by the workers).
    private double[]? _theta;
    private double[]? _v;
    private Mode _mode;

    private enum Mode { Loss, Gradient, Hvp }

    public MlpLoss(Mlp model, RegressionData data, int threads = 1)
    {
        if (data.InputCount != model.InputCount)
            throw new UserInputException($"the network expects {model.InputCount} inputs but the data have {data.InputCount}");
        if (data.TargetCount != model.OutputCount)
            throw new UserInputException($"the network has {model.OutputCount} outputs but the data have {data.TargetCount} targets");
        if (data.Count == 0) throw new UserInputException($"data set '{data.Name}' has no samples");
        _model = model;
        Data = data;
        _widths = model.Widths.ToArray();
        _layers = model.LayerCount;
        _n = data.Count;
        _nPad = (_n + 7) / 8 * 8;
        _blocks = (_nPad + BlockSize - 1) / BlockSize;
        _chunks = (_blocks + ChunkBlocks - 1) / ChunkBlocks;
        int d = data.InputCount, m = data.TargetCount;
        _x = new double[d * _nPad];
        _y = new double[m * _nPad];
        _w = new double[_nPad];
        _w2 = new double[_nPad];
        var xs = data.Inputs;
        var ys = data.Targets;
        for (int i = 0; i < _n; i++)
        {
            for (int k = 0; k < d; k++) _x[k * _nPad + i] = xs[i * d + k];
            for (int o = 0; o < m; o++) _y[o * _nPad + i] = ys[i * m + o];
            _w[i] = 1.0 / _n;
            _w2[i] = 2.0 / _n;
        }
        int p = model.ParameterCount;
        _chunkLoss = new double[_chunks];
        _chunkGrad = new double[_chunks * p];
        _chunkHv = new double[_chunks * p];
        _workspaces = [];
        Threads = threads;
    }

    public Mlp Model => _model;
    public RegressionData Data { get; }
    public int ParameterCount => _model.ParameterCount;

    /// <summary>Worker threads per call (1 = the calling thread only). Results do not depend on it.</summary>
    public int Threads
    {
        get => _threads;
        set
        {
            if (value < 1) throw new UserInputException($"--threads must be at least 1, got {value}");
            _threads = Math.Min(value, _chunks);
            if (_workspaces.Length < _threads)
            {
                var ws = new Workspace[_threads];
                for (int i = 0; i < ws.Length; i++) ws[i] = i < _workspaces.Length ? _workspaces[i] : new Workspace(_widths, _model.ParameterCount);
                _workspaces = ws;
            }
        }
    }

    /// <summary>Length of θ (= <see cref="Dimension"/>).</summary>
    /// <summary>It owns buffers.</summary>
    public bool IsThreadSafe => false;

    public int Dimension => ParameterCount;

    public double Loss(ReadOnlySpan<double> theta) => Run(theta, default, Mode.Loss, default, default);

    public double Value(ReadOnlySpan<double> theta) => Loss(theta);

    void IScalarField.Gradient(ReadOnlySpan<double> theta, Span<double> gradient) => Gradient(theta, gradient);

    /// <summary>L(θ) and ∇L(θ) in one backpropagation pass.</summary>
    public double ValueAndGradient(ReadOnlySpan<double> theta, Span<double> gradient) => Gradient(theta, gradient);

    /// <summary>∇²L(θ)·v by the R-operator (one forward-over-reverse pass; the Hessian is never formed).</summary>
    public void HessianVectorProduct(ReadOnlySpan<double> theta, ReadOnlySpan<double> v, Span<double> hv) =>
        HessianVectorProduct(theta, v, hv, default);

    /// <summary>L, ∇L and ∇²L·v in the same single pass.</summary>
    public double ValueGradientAndHessianVectorProduct(ReadOnlySpan<double> theta, ReadOnlySpan<double> v, Span<double> gradient, Span<double> hv) =>
        HessianVectorProduct(theta, v, hv, gradient);

    /// <summary>The dense ∇²L(θ), column by column from P Hessian-vector products (P ≈ 2000 at most is practical).</summary>
    public void Hessian(ReadOnlySpan<double> theta, Span<double> hessian)
    {
        int p = ParameterCount;
        var e = new double[p];
        var col = new double[p];
        for (int j = 0; j < p; j++)
        {
            e[j] = 1;
            HessianVectorProduct(theta, e, col, default);
            e[j] = 0;
            for (int i = 0; i < p; i++) hessian[i * p + j] = col[i];
        }
    }

    /// <summary>Block kernel for ensembles of parameter vectors (one pass per particle).</summary>
    public void AccumulateGradient(ReadOnlySpan<double> x, Span<double> gradient, int count) =>
        this.AccumulateGradientPointwise(x, gradient, count);

    public double Gradient(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        if (gradient.Length != ParameterCount) throw new ArgumentException("gradient length");
        return Run(theta, default, Mode.Gradient, gradient, default);
    }

    public double HessianVectorProduct(ReadOnlySpan<double> theta, ReadOnlySpan<double> v, Span<double> hv, Span<double> gradient)
    {
        if (v.Length != ParameterCount || hv.Length != ParameterCount) throw new ArgumentException("v/hv length");
        if (!gradient.IsEmpty && gradient.Length != ParameterCount) throw new ArgumentException("gradient length");
        return Run(theta, v, Mode.Hvp, gradient, hv);
    }

    private double[] _thetaCopy = [];
    private double[] _vCopy = [];

    private double Run(ReadOnlySpan<double> theta, ReadOnlySpan<double> v, Mode mode, Span<double> gradient, Span<double> hv)
    {
        int p = ParameterCount;
        if (theta.Length != p) throw new ArgumentException($"θ has {theta.Length} entries, the network {p}");
        // Spans cannot be captured by workers: copy θ (and v) into owned arrays (p doubles, cheap next to a pass).
        if (_thetaCopy.Length != p) { _thetaCopy = new double[p]; _vCopy = new double[p]; }
        theta.CopyTo(_thetaCopy);
        if (mode == Mode.Hvp) v.CopyTo(_vCopy);
        _theta = _thetaCopy;
        _v = _vCopy;
        _mode = mode;
        if (_threads == 1)
        {
            for (int c = 0; c < _chunks; c++) ProcessChunk(c, _workspaces[0]);
        }
        else
        {
            Parallel.For(0, _threads, new ParallelOptions { MaxDegreeOfParallelism = _threads }, RunWorker);
        }
        // Reduce chunk partials in chunk order (identical for every thread count).
        double loss = 0;
        for (int c = 0; c < _chunks; c++) loss += _chunkLoss[c];
        if (mode != Mode.Loss && !gradient.IsEmpty) ReduceInto(_chunkGrad, gradient);
        if (mode == Mode.Hvp) ReduceInto(_chunkHv, hv);
        return loss;
    }

    private void RunWorker(int worker)
    {
        for (int c = worker; c < _chunks; c += _threads) ProcessChunk(c, _workspaces[worker]);
    }

    private void ReduceInto(double[] partials, Span<double> target)
    {
        int p = ParameterCount;
        partials.AsSpan(0, p).CopyTo(target);
        for (int c = 1; c < _chunks; c++)
        {
            var src = partials.AsSpan(c * p, p);
            for (int i = 0; i < p; i++) target[i] += src[i];
        }
    }

    private void ProcessChunk(int chunk, Workspace ws)
    {
        int p = ParameterCount;
        int b0 = chunk * ChunkBlocks, b1 = Math.Min(_blocks, b0 + ChunkBlocks);
        int lanes = LayerKernels.Lanes;
        if (_mode != Mode.Loss) ws.VGrad.AsSpan(0, p * lanes).Clear();
        if (_mode == Mode.Hvp) ws.VHv.AsSpan(0, p * lanes).Clear();
        double loss = 0;
        for (int b = b0; b < b1; b++)
        {
            int start = b * BlockSize;
            int len = Math.Min(BlockSize, _nPad - start);
            loss += ProcessBlock(ws, start, len);
        }
        _chunkLoss[chunk] = loss;
        if (_mode != Mode.Loss) LayerKernels.ReduceLanes(ws.VGrad, _chunkGrad.AsSpan(chunk * p, p));
        if (_mode == Mode.Hvp) LayerKernels.ReduceLanes(ws.VHv, _chunkHv.AsSpan(chunk * p, p));
    }

    /// <summary>
    /// One block of samples. Forward: z_l = W_l a_{l−1} + b_l, a_l = σ(z_l) (a_L = z_L). With the R-operator
    /// R{·} = d/dt|₀ (·)(θ + t v): R{z_l} = V_l a_{l−1} + W_l R{a_{l−1}} + v_b, R{a_l} = σ'(z_l) R{z_l}.
    /// Backward: δ_L = 2 w (z_L − y), ∂L/∂W_l = δ_l a_{l−1}ᵀ, δ_{l−1} = σ'(z_{l−1}) ⊙ W_lᵀ δ_l, and
    /// R{δ_L} = 2 w R{z_L}, (∇²L v)_{W_l} = R{δ_l} a_{l−1}ᵀ + δ_l R{a_{l−1}}ᵀ,
    /// R{δ_{l−1}} = σ''(z_{l−1}) R{z_{l−1}} ⊙ W_lᵀδ_l + σ'(z_{l−1}) ⊙ (V_lᵀ δ_l + W_lᵀ R{δ_l}).
    /// Dot products go into the worker's lane accumulators (reduced per chunk).
    /// </summary>
    private double ProcessBlock(Workspace ws, int start, int len)
    {
        ReadOnlySpan<double> theta = _theta!;
        ReadOnlySpan<double> v = _v!;
        bool needBack = _mode != Mode.Loss;
        bool hvp = _mode == Mode.Hvp;
        bool curved = hvp && !_model.Activation.IsPiecewiseLinear;
        var act = _model.Activation;
        const int lanes = LayerKernels.Lanes;

        // Input block, feature-major with row stride len.
        int d = _widths[0];
        var a0 = ws.A[0];
        for (int k = 0; k < d; k++) _x.AsSpan(k * _nPad + start, len).CopyTo(a0.AsSpan(k * len, len));

        // ---- forward ----
        for (int layer = 0; layer < _layers; layer++)
        {
            int fanIn = _widths[layer], fanOut = _widths[layer + 1];
            int wOff = _model.WeightOffset(layer), bOff = _model.BiasOffset(layer);
            var ain = ws.A[layer].AsSpan(0, fanIn * len);
            var rain = ws.RA[layer].AsSpan(0, fanIn * len);
            var z = ws.Z[layer + 1];
            var rz = ws.RZ[layer + 1];
            for (int j = 0; j < fanOut; j++)
            {
                int wj = wOff + j * fanIn;
                LayerKernels.Affine(theta.Slice(wj, fanIn), 1, fanIn, theta[bOff + j], ain, default, 0, 0, default, default,
                    z.AsSpan(j * len, len), len);
                if (hvp)
                    LayerKernels.Affine(v.Slice(wj, fanIn), 1, fanIn, v[bOff + j], ain, theta.Slice(wj, fanIn), 1,
                        layer == 0 ? 0 : fanIn, rain, default, rz.AsSpan(j * len, len), len);
            }
            if (layer + 1 < _layers)
            {
                int cnt = fanOut * len;
                act.Evaluate(z.AsSpan(0, cnt), ws.A[layer + 1].AsSpan(0, cnt), ws.D1[layer + 1].AsSpan(0, cnt),
                    curved ? ws.D2[layer + 1].AsSpan(0, cnt) : default, ws.Scratch.AsSpan(0, cnt));
                if (hvp) BlockMath.Multiply(ws.D1[layer + 1].AsSpan(0, cnt), rz.AsSpan(0, cnt), ws.RA[layer + 1].AsSpan(0, cnt));
            }
        }

        // ---- loss and output error δ_L ----
        double loss = 0;
        int outputs = _widths[_layers];
        var w = _w.AsSpan(start, len);
        for (int o = 0; o < outputs; o++)
        {
            var y = _y.AsSpan(o * _nPad + start, len);
            var zo = ws.Z[_layers].AsSpan(o * len, len);
            loss += BlockMath.SquaredError(zo, y, w, ws.G[_layers].AsSpan(o * len, len));
            if (hvp) BlockMath.Multiply(_w2.AsSpan(start, len), ws.RZ[_layers].AsSpan(o * len, len), ws.RG[_layers].AsSpan(o * len, len));
        }
        if (!needBack) return loss;

        // ---- backward ----
        var vg = ws.VGrad.AsSpan();
        var vh = ws.VHv.AsSpan();
        for (int layer = _layers - 1; layer >= 0; layer--)
        {
            int fanIn = _widths[layer], fanOut = _widths[layer + 1];
            int wOff = _model.WeightOffset(layer), bOff = _model.BiasOffset(layer);
            var ain = ws.A[layer].AsSpan(0, fanIn * len);
            var g = ws.G[layer + 1].AsSpan(0, fanOut * len);
            var rg = ws.RG[layer + 1].AsSpan(0, fanOut * len);
            for (int j = 0; j < fanOut; j++)
            {
                int wj = wOff + j * fanIn;
                var gj = g.Slice(j * len, len);
                LayerKernels.AccumulateDots(gj, ain, fanIn, len, vg.Slice(wj * lanes, fanIn * lanes), vg.Slice((bOff + j) * lanes, lanes));
                if (hvp)
                {
                    LayerKernels.AccumulateDots(rg.Slice(j * len, len), ain, fanIn, len, vh.Slice(wj * lanes, fanIn * lanes),
                        vh.Slice((bOff + j) * lanes, lanes));
                    if (layer > 0)
                        LayerKernels.AccumulateDots(gj, ws.RA[layer].AsSpan(0, fanIn * len), fanIn, len, vh.Slice(wj * lanes, fanIn * lanes), default);
                }
            }
            if (layer == 0) break;
            // δ_{layer} = σ'(z) ⊙ Wᵀ δ_{layer+1} (and its R-derivative); column k of W has stride fanIn.
            var ga = ws.Row1.AsSpan(0, len);
            var rga = ws.Row2.AsSpan(0, len);
            for (int k = 0; k < fanIn; k++)
            {
                var wcol = theta[(wOff + k)..];
                var vcol = v[(wOff + k)..];
                var d1 = ws.D1[layer].AsSpan(k * len, len);
                var gk = ws.G[layer].AsSpan(k * len, len);
                if (!curved)
                {
                    LayerKernels.Affine(wcol, fanIn, fanOut, 0, g, default, 0, 0, default, d1, gk, len);
                    if (hvp)
                        LayerKernels.Affine(vcol, fanIn, fanOut, 0, g, wcol, fanIn, fanOut, rg, d1, ws.RG[layer].AsSpan(k * len, len), len);
                }
                else
                {
                    LayerKernels.Affine(wcol, fanIn, fanOut, 0, g, default, 0, 0, default, default, ga, len);
                    BlockMath.Multiply(d1, ga, gk);
                    LayerKernels.Affine(vcol, fanIn, fanOut, 0, g, wcol, fanIn, fanOut, rg, default, rga, len);
                    BlockMath.MultiplyMultiplyAdd(ws.D2[layer].AsSpan(k * len, len), ws.RZ[layer].AsSpan(k * len, len), ga, d1, rga,
                        ws.RG[layer].AsSpan(k * len, len));
                }
            }
        }
        return loss;
    }

    /// <summary>Per-worker block buffers: index l holds layer l (units × block), l = 1 … L.</summary>
    private sealed class Workspace
    {
        public readonly double[][] Z, A, D1, D2, G, RZ, RA, RG;
        public readonly double[] Row1, Row2, Scratch, VGrad, VHv;

        public Workspace(int[] widths, int parameters)
        {
            VGrad = new double[parameters * LayerKernels.Lanes];
            VHv = new double[parameters * LayerKernels.Lanes];
            int layers = widths.Length;
            Z = new double[layers][]; A = new double[layers][]; D1 = new double[layers][]; D2 = new double[layers][];
            G = new double[layers][]; RZ = new double[layers][]; RA = new double[layers][]; RG = new double[layers][];
            int max = 0;
            for (int l = 0; l < layers; l++)
            {
                int size = widths[l] * BlockSize;
                max = Math.Max(max, size);
                Z[l] = new double[size]; A[l] = new double[size]; D1[l] = new double[size]; D2[l] = new double[size];
                G[l] = new double[size]; RZ[l] = new double[size]; RA[l] = new double[size]; RG[l] = new double[size];
            }
            Row1 = new double[BlockSize];
            Row2 = new double[BlockSize];
            Scratch = new double[max];
        }
    }
}
