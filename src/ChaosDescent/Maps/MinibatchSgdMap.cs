using ChaosDescent.Numerics;
using ChaosDescent.Objectives;

namespace ChaosDescent.Maps;

/// <summary>
/// SGD on a finite sum V = (1/N) Σ v_n as a random map: w ← w − η g_B(w), g_B = (1/b) Σ_{n∈B} ∇v_n(w) with a fresh
/// batch B of b distinct indices each step (drawn uniformly without replacement). Its noise is the minibatch: the
/// direction is ∇V(w) + (g_B − ∇V), with E g_B = ∇V and Cov g_B = c_b Σ_g(w), c_b = (N − b)/(b(N − 1))
/// (<see cref="FiniteSumObjective.SampleGradientCovariance"/>, <see cref="FiniteSumObjective.BatchFactor"/>).
/// With b = N it is GD.
/// </summary>
public sealed class MinibatchSgdMap : ParticlewiseNoisyGradientMap
{
    private readonly FiniteSumObjective _sum;

    public MinibatchSgdMap(IScalarField objective, double learningRate, int batch) : base(objective, learningRate)
    {
        _sum = objective as FiniteSumObjective
            ?? throw new UserInputException("SGD needs a finite-sum objective (1/N) Σ v_n: its noise is the minibatch");
        if (batch < 1 || batch > _sum.Count) throw new UserInputException($"--batch must be in 1..{_sum.Count}, got {batch}");
        Batch = batch;
    }

    /// <summary>b.</summary>
    public int Batch { get; }

    public override string Name => "sgd";
    public override int ScratchLength(int count) => Dimension * (count + 2);

    /// <summary>The minibatch gradient g_B(w) (a fresh batch from <paramref name="rng"/>); no value is evaluated.</summary>
    public override double Evaluate(ReadOnlySpan<double> state, Span<double> direction, ref Xoshiro256 rng, bool withValue)
    {
        int b = Batch;
        Span<int> idx = b <= 256 ? stackalloc int[b] : new int[b];
        DrawBatch(ref rng, _sum.Count, b, idx);
        direction.Clear();
        var w = state[..Dimension];
        for (int i = 0; i < b; i++) _sum.AddSampleGradient(idx[i], w, direction, 1.0 / b);
        return double.NaN;
    }

    public override OptimizerMap WithLearningRate(double learningRate) => new MinibatchSgdMap(Objective, learningRate, Batch);
    public override OptimizerMap WithObjective(IScalarField objective) => new MinibatchSgdMap(objective, LearningRate, Batch);

    /// <summary>b distinct indices from 0..N−1, uniformly (Floyd's algorithm).</summary>
    public static void DrawBatch(ref Xoshiro256 rng, int n, int b, Span<int> idx)
    {
        if (b == n)
        {
            for (int i = 0; i < n; i++) idx[i] = i;
            return;
        }
        int k = 0;
        for (int j = n - b; j < n; j++)
        {
            int t = rng.NextInt(j + 1);
            bool seen = false;
            for (int i = 0; i < k; i++) if (idx[i] == t) { seen = true; break; }
            idx[k++] = seen ? j : t;
        }
    }
}
