using System.Buffers;
using System.Runtime.InteropServices;

namespace ChaosDescent.Expressions;

/// <summary>
/// A list of expressions compiled together (shared subexpressions computed once), evaluated at one point or over a
/// block of particles in structure-of-arrays layout. Kernels are compiled on first use: a scalar one for points,
/// and for blocks the widest SIMD width the machine has (or the width given). A block whose length is not a
/// multiple of the lane width runs its last partial vector on a padded copy, so every particle goes through the
/// same arithmetic.
/// </summary>
public sealed class CompiledExpressions
{
    private readonly LaneWidth _width;
    private BlockKernel? _point;
    private BlockKernel? _blockStore;
    private BlockKernel? _blockAdd;

    /// <param name="outputs">The expressions; variable k &lt; <paramref name="inputCount"/> is input k, the next
    /// <paramref name="parameterCount"/> indices are parameters.</param>
    /// <param name="inputCount">Variables read per particle.</param>
    /// <param name="parameterCount">Scalars shared by all particles.</param>
    /// <param name="width">Lane width for blocks (default: the best this machine runs).</param>
    public CompiledExpressions(IReadOnlyList<Expr> outputs, int inputCount, int parameterCount = 0, LaneWidth? width = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputCount);
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        Outputs = outputs.ToArray();
        InputCount = inputCount;
        ParameterCount = parameterCount;
        _width = width ?? ExpressionCompiler.BestWidth;
    }

    public IReadOnlyList<Expr> Outputs { get; }
    public int InputCount { get; }
    public int ParameterCount { get; }
    public int OutputCount => Outputs.Count;
    public LaneWidth Width => _width;

    /// <summary>
    /// Writes the outputs at one point. Returns false when some output is not finite (check the domain with
    /// <see cref="ThrowIfDomainError"/>).
    /// </summary>
    public bool EvaluatePoint(ReadOnlySpan<double> input, ReadOnlySpan<double> parameters, Span<double> output)
    {
        Require(input.Length >= InputCount && parameters.Length >= ParameterCount && output.Length >= OutputCount);
        _point ??= ExpressionCompiler.Compile(Outputs, InputCount, ParameterCount, LaneWidth.Scalar, accumulate: false);
        return !_point(ref Ref(input), ref MemoryMarshal.GetReference(output), ref Ref(parameters), 1, 1);
    }

    /// <summary>
    /// For particles i &lt; count: output m of particle i written to (or, with <paramref name="accumulate"/>, added
    /// to) <c>outputSoA[m·count + i]</c>, from inputs <c>inputSoA[k·count + i]</c>. Returns false when some
    /// computed output was not finite.
    /// </summary>
    public bool EvaluateBlock(ReadOnlySpan<double> inputSoA, ReadOnlySpan<double> parameters, Span<double> outputSoA, int count, bool accumulate)
    {
        Require(count >= 0 && inputSoA.Length >= InputCount * count && outputSoA.Length >= OutputCount * count
                && parameters.Length >= ParameterCount);
        if (count == 0) return true;
        var kernel = accumulate
            ? _blockAdd ??= ExpressionCompiler.Compile(Outputs, InputCount, ParameterCount, _width, accumulate: true)
            : _blockStore ??= ExpressionCompiler.Compile(Outputs, InputCount, ParameterCount, _width, accumulate: false);
        int lanes = (int)_width;
        int main = count - count % lanes;
        bool flagged = false;
        if (main > 0) flagged = kernel(ref Ref(inputSoA), ref MemoryMarshal.GetReference(outputSoA), ref Ref(parameters), main, count);
        if (main < count) flagged |= Tail(kernel, inputSoA, parameters, outputSoA, count, main, lanes, accumulate);
        return !flagged;
    }

    private bool Tail(BlockKernel kernel, ReadOnlySpan<double> inputSoA, ReadOnlySpan<double> parameters, Span<double> outputSoA,
        int count, int main, int lanes, bool accumulate)
    {
        int rest = count - main;
        int need = (InputCount + OutputCount) * lanes;
        double[]? rented = null;
        Span<double> buffer = need <= 512 ? stackalloc double[need] : (rented = ArrayPool<double>.Shared.Rent(need));
        try
        {
            var inBuf = buffer[..(InputCount * lanes)];
            var outBuf = buffer.Slice(InputCount * lanes, OutputCount * lanes);
            for (int k = 0; k < InputCount; k++)
            {
                // Pad with the first tail particle: a point the caller asked for, so padding cannot raise a
                // domain error of its own.
                for (int j = 0; j < lanes; j++) inBuf[k * lanes + j] = inputSoA[k * count + main + Math.Min(j, rest - 1)];
            }
            for (int m = 0; m < OutputCount; m++)
            {
                for (int j = 0; j < lanes; j++) outBuf[m * lanes + j] = accumulate && j < rest ? outputSoA[m * count + main + j] : 0.0;
            }
            bool flagged = kernel(ref Ref(inBuf), ref MemoryMarshal.GetReference(outBuf), ref Ref(parameters), lanes, lanes);
            for (int m = 0; m < OutputCount; m++)
                for (int j = 0; j < rest; j++) outputSoA[m * count + main + j] = outBuf[m * lanes + j];
            return flagged;
        }
        finally
        {
            if (rented is not null) ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Looks for a domain error (log or sqrt of a negative number, division by zero, …) in any output at the point
    /// (inputs followed by parameters); throws <see cref="ExpressionDomainException"/> naming the point with
    /// <paramref name="names"/> (the input variables) and <paramref name="label"/>. Does nothing when there is none
    /// (a non-finite output from overflow is not a user error).
    /// </summary>
    public void ThrowIfDomainError(ReadOnlySpan<double> input, ReadOnlySpan<double> parameters, IReadOnlyList<string> names, string label)
    {
        Span<double> values = stackalloc double[InputCount + ParameterCount];
        input[..InputCount].CopyTo(values);
        parameters[..ParameterCount].CopyTo(values[InputCount..]);
        foreach (var o in Outputs)
        {
            if (Evaluator.FindDomainError(o, values, out _, out _) is not null)
                Evaluator.EvaluateChecked(o, values[..], names, label);
        }
    }

    /// <summary>
    /// After a block reported a non-finite output: finds the first particle with finite inputs and a non-finite
    /// output whose expressions have a domain error there, and throws for it; returns quietly otherwise.
    /// </summary>
    public void ThrowIfDomainErrorInBlock(ReadOnlySpan<double> inputSoA, ReadOnlySpan<double> parameters,
        ReadOnlySpan<double> outputSoA, int count, IReadOnlyList<string> names, string label)
    {
        Span<double> point = stackalloc double[InputCount];
        for (int i = 0; i < count; i++)
        {
            bool suspect = false;
            for (int m = 0; m < OutputCount; m++) suspect |= !double.IsFinite(outputSoA[m * count + i]);
            if (!suspect) continue;
            bool finite = true;
            for (int k = 0; k < InputCount; k++)
            {
                point[k] = inputSoA[k * count + i];
                finite &= double.IsFinite(point[k]);
            }
            if (finite) ThrowIfDomainError(point, parameters, names, label);
        }
    }

    private static ref double Ref(ReadOnlySpan<double> s) => ref MemoryMarshal.GetReference(s);

    private static void Require(bool ok)
    {
        if (!ok) throw new ArgumentException("span lengths do not match the compiled expressions");
    }
}
