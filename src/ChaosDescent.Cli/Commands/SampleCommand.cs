using System.CommandLine;
using ChaosDescent.Analyses.Sampling;
using ChaosDescent.Cli.Infrastructure;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary><c>chaosdescent sample</c>: draw from exp(−V) by chaotic GD (sampling by determinism), ULA or MALA.</summary>
public sealed class SampleCommand : ICliCommand
{
    public int Order => 25;

    public Command Build()
    {
        var defaults = new SamplerSettings();
        var v = new Option<string?>("--V") { Description = "the potential V of the target exp(-V), a formula in x (1-D), x, y (2-D) or x1 ... xd" };
        var method = new Option<string>("--method") { Description = "chaos | ula | mala", DefaultValueFactory = _ => "chaos" };
        var step = new Option<double>("--step") { Description = "Langevin step h (the chaos sampler runs GD with eta = 2 sqrt(h))", DefaultValueFactory = _ => defaults.Step };
        var eps = new Option<double?>("--eps") { Description = "micro length scale of the chaos sampler (default eta/1000)" };
        var micro = new Option<string?>("--micro") { Description = "micro profile F(u) of the chaos sampler, one term per coordinate (default sin(u), sigma^2 = 1/2)" };
        var samples = new Option<int>("--samples", "-n") { Description = "samples kept, over all chains", DefaultValueFactory = _ => defaults.Samples };
        var chains = new Option<int>("--chains") { Description = "independent chains", DefaultValueFactory = _ => defaults.Chains };
        var burnIn = new Option<int>("--burn-in") { Description = "steps each chain discards first", DefaultValueFactory = _ => defaults.BurnIn };
        var seed = new Option<ulong>("--seed") { Description = "random seed (starts; the noise of ULA and MALA)", DefaultValueFactory = _ => defaults.Seed };
        var run = new RunOptions(seed: false);
        var cmd = new Command("sample", "draw from exp(-V) by chaotic GD (Kong & Tao 2020), ULA or MALA: moments, TV/W1 to the target, ESS");
        foreach (var o in new Option[] { v, method, step, eps, micro, samples, chains, burnIn, seed }) cmd.Options.Add(o);
        run.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var name = r.GetValue(method)!;
            var m = name.ToLowerInvariant() switch
            {
                "chaos" => SamplingMethod.Chaos,
                "ula" => SamplingMethod.Ula,
                "mala" => SamplingMethod.Mala,
                _ => throw new UserInputException($"unknown --method '{name}'; known: chaos, ula, mala"),
            };
            var settings = new SamplerSettings
            {
                V = r.GetValue(v) ?? throw new UserInputException("--V is required: the potential of the target exp(-V), e.g. --V \"x^2/2\""),
                Method = m,
                Step = r.GetValue(step),
                Epsilon = r.GetValue(eps),
                MicroProfile = r.GetValue(micro),
                Samples = r.GetValue(samples),
                Chains = r.GetValue(chains),
                BurnIn = r.GetValue(burnIn),
                Seed = r.GetValue(seed),
                Threads = run.ThreadsValue(r),
            };
            var result = ConsoleProgress.Run(r.InvocationConfiguration.Error, "sampling", p => DeterministicSampler.Run(settings, p));
            var o = r.InvocationConfiguration.Output;
            if (run.AsJson(r))
            {
                WriteJson(o, result);
                return 0;
            }
            o.WriteLine($"target exp(-V), V = {result.V}   ({result.Dimension}-D)   method = {result.Method}   h = {F(result.Step)}" +
                (result.LearningRate is { } eta ? $"   (GD eta = {F(eta)}, micro-scale {result.MicroScale})" : ""));
            o.WriteLine($"{result.Chains} chains x {result.StepsPerChain:N0} steps after {result.BurnIn:N0} burn-in, {result.Seconds:F2} s");
            for (int k = 0; k < result.Dimension; k++)
                o.WriteLine($"x{k + 1}: mean {F(result.Mean[k], "F5")}  variance {F(result.Variance[k], "F5")}  ESS {result.Ess[k]:N0} ({result.EssPerSecond[k]:N0}/s)" +
                    (result.TargetMean is { } tm && k == 0 ? $"   target mean {F(tm[0], "F5")} variance {F(result.TargetVariance![0], "F5")}" : ""));
            if (result.TvToTarget is { } tv) o.WriteLine($"TV to target {F(tv, "F4")}   W1 to target {F(result.W1ToTarget!.Value, "F4")}");
            if (result.AcceptanceRate is { } a) o.WriteLine($"MALA acceptance rate {F(a, "F3")}");
            return 0;
        });
        return cmd;
    }
}
