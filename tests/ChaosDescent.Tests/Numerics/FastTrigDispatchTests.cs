using System.Diagnostics;
using ChaosDescent.Numerics;
using ChaosDescent.Tests.Objectives;

namespace ChaosDescent.Tests.Numerics;

/// <summary>
/// Every dispatch path of <see cref="FastTrig"/> on this machine: the test assembly is run again in a child
/// `dotnet test` with the runtime's ISA switches turned off, and the child checks that the expected path was chosen
/// and that the public API still matches Math (FastTrigTests.PublicApiMatchesMathOnActivePath) and the fused GD
/// kernels still equal the separate ones bit for bit on that path (FusedGradientTests). On .NET 10 the
/// switch for AVX-512 is DOTNET_EnableAVX512 (DOTNET_EnableAVX512F is ignored); DOTNET_EnableAVX2=0 also removes
/// FMA, and DOTNET_EnableHWIntrinsic=0 removes all SIMD.
/// </summary>
public class FastTrigDispatchTests
{
    public static TheoryData<string, string> ForcedPaths => new()
    {
        { "DOTNET_EnableAVX512", "vector256" },
        // DOTNET_EnableAVX2=0 also lands on the scalar path (checked by hand); one child run for it is enough.
        { "DOTNET_EnableHWIntrinsic", "scalar" },
    };

    [Theory]
    [MemberData(nameof(ForcedPaths))]
    public async Task NarrowerPathIsChosenAndAccurate(string switchName, string expectedPath)
    {
        // Inside a child run already: do not recurse.
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(FastTrigChecks.ExpectPathVariable))) return;
        // A path that this hardware cannot take is not forced (e.g. vector256 without AVX2).
        if (expectedPath == "vector256" && !FastTrig.UseV256) return;

        string assembly = typeof(FastTrigDispatchTests).Assembly.Location;
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var psi = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "test", assembly, "--nologo",
                     // The public trig API, and the fused GD kernels (bit-identical to the separate ones on every path).
                     "--filter", "FullyQualifiedName=ChaosDescent.Tests.Numerics.FastTrigTests.PublicApiMatchesMathOnActivePath" +
                                 "|FullyQualifiedName~ChaosDescent.Tests.Objectives.FusedGradientTests",
                 })
            psi.ArgumentList.Add(arg);
        psi.Environment[switchName] = "0";
        psi.Environment[FastTrigChecks.ExpectPathVariable] = expectedPath;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        string output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"child run with {switchName}=0 failed (exit {process.ExitCode}):\n{output}");
        // vstest's summary: "Passed!  - Failed:     0, Passed:    15, …": nothing failed, and the tests did run.
        var summary = System.Text.RegularExpressions.Regex.Match(output, @"Failed:\s+(\d+),\s+Passed:\s+(\d+),");
        Assert.True(summary.Success, $"no test summary in the child's output:\n{output}");
        Assert.Equal("0", summary.Groups[1].Value);
        Assert.True(int.Parse(summary.Groups[2].Value) >= 10, $"too few tests ran in the child:\n{output}");
    }
}
