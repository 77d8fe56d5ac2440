using System.Globalization;
using System.Text;

namespace ChaosDescent.Experiments.Sweeps;

/// <summary>What a cluster script needs to know: the command, the file, the output folder, the shards.</summary>
public sealed record ClusterJob
{
    /// <summary>How to start the CLI on the cluster's nodes (e.g. <c>chaosdescent</c> or <c>dotnet /opt/cd/chaosdescent.dll</c>).</summary>
    public required string Command { get; init; }

    /// <summary>The experiment file (absolute path for Slurm; its text goes into a ConfigMap for Kubernetes).</summary>
    public required string File { get; init; }

    public required string FileText { get; init; }

    /// <summary>Where the merged outputs go; shards write to <c>OUT/shards/I</c>.</summary>
    public required string OutputDirectory { get; init; }

    public required string Name { get; init; }

    public required int Shards { get; init; }

    /// <summary>Cores per shard (each shard runs its units in parallel on them).</summary>
    public int CpusPerShard { get; init; } = 1;

    public required string PlanHash { get; init; }

    public required int Units { get; init; }

    /// <summary>Container image (Kubernetes).</summary>
    public string Image { get; init; } = "chaosdescent:latest";
}

/// <summary>
/// Scripts that run a sweep's shards on a cluster and merge them: a Slurm job array with a dependent merge job, and a
/// Kubernetes Indexed Job. Every shard runs with <c>--resume</c>, so a requeued or retried task keeps its finished units.
/// </summary>
public static class ClusterScripts
{
    public static string Slurm(ClusterJob job)
    {
        string q(string s) => "'" + s.Replace("'", "'\\''") + "'";
        int n = job.Shards;
        var sb = new StringBuilder();
        sb.Append("#!/bin/bash\n");
        sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --job-name=cd-{Safe(job.Name)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --array=0-{n - 1}\n");
        sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --cpus-per-task={job.CpusPerShard}\n");
        sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --output={job.OutputDirectory}/logs/shard-%a.out\n");
        sb.Append(CultureInfo.InvariantCulture, $"# chaosdescent sweep '{job.Name}': {job.Units} units in {n} shards (plan {job.PlanHash[..12]}).\n");
        sb.Append("# Submit with `bash THIS_FILE`: it submits the array, then a merge job that waits for it (afterok).\n");
        sb.Append("# `sbatch THIS_FILE` alone runs the shards only; merge later with the command at the end.\n");
        sb.Append("set -euo pipefail\n");
        sb.Append(CultureInfo.InvariantCulture, $"CHAOSDESCENT=${{CHAOSDESCENT:-{q(job.Command)}}}\n");
        sb.Append(CultureInfo.InvariantCulture, $"FILE={q(job.File)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"OUT={q(job.OutputDirectory)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"SHARDS={n}\n");
        sb.Append("if [ -z \"${SLURM_ARRAY_TASK_ID:-}\" ]; then\n");
        sb.Append("  mkdir -p \"$OUT/logs\"\n");
        sb.Append("  array=$(sbatch --parsable --export=ALL,CHAOSDESCENT=\"$CHAOSDESCENT\" \"$0\")\n");
        sb.Append("  array=${array%%;*}\n");
        sb.Append("  merge=$(sbatch --parsable --dependency=afterok:\"$array\" --job-name=cd-" + Safe(job.Name) + "-merge \\\n");
        sb.Append("    --output=\"$OUT/logs/merge.out\" \\\n");
        sb.Append("    --wrap=\"$CHAOSDESCENT merge \\\"$OUT\\\"/shards/* --out \\\"$OUT\\\"\")\n");
        sb.Append("  echo \"submitted shards: job $array (array 0-$((SHARDS - 1))), merge: job ${merge%%;*} (afterok:$array)\"\n");
        sb.Append("  exit 0\n");
        sb.Append("fi\n");
        sb.Append("$CHAOSDESCENT run \"$FILE\" --shard \"$SLURM_ARRAY_TASK_ID/$SHARDS\" --resume \\\n");
        sb.Append("  --threads \"${SLURM_CPUS_PER_TASK:-1}\" --out \"$OUT/shards/$SLURM_ARRAY_TASK_ID\"\n");
        sb.Append("# merge (by hand): $CHAOSDESCENT merge \"$OUT\"/shards/* --out \"$OUT\"\n");
        return sb.ToString();
    }

    public static string Kubernetes(ClusterJob job)
    {
        string name = "cd-" + Safe(job.Name).ToLowerInvariant();
        string file = Path.GetFileName(job.File);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# chaosdescent sweep '{job.Name}': {job.Units} units in {job.Shards} shards (plan {job.PlanHash[..12]}).\n");
        sb.Append("# kubectl apply -f THIS_FILE; kubectl wait --for=condition=complete --timeout=24h job/" + name + "\n");
        sb.Append("# then merge on the results volume: chaosdescent merge /results/shards/* --out /results\n");
        sb.Append("# (the Job '" + name + "-merge' below does that once applied after the shards completed).\n");
        sb.Append("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "-file\ndata:\n");
        sb.Append("  " + file + ": |\n");
        foreach (var line in job.FileText.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n')) sb.Append("    ").Append(line).Append('\n');
        sb.Append("---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + name + "\nspec:\n");
        sb.Append("  completionMode: Indexed\n");
        sb.Append(CultureInfo.InvariantCulture, $"  completions: {job.Shards}\n  parallelism: {job.Shards}\n  backoffLimitPerIndex: 2\n  maxFailedIndexes: 0\n");
        sb.Append("  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: shard\n");
        sb.Append("          image: " + job.Image + "\n");
        sb.Append("          command: [\"sh\", \"-c\"]\n");
        sb.Append(CultureInfo.InvariantCulture,
            $"          args: [\"chaosdescent run /sweep/{file} --shard $(JOB_COMPLETION_INDEX)/{job.Shards} --resume --threads {job.CpusPerShard} --out /results/shards/$(JOB_COMPLETION_INDEX)\"]\n");
        sb.Append(CultureInfo.InvariantCulture, $"          resources:\n            requests: {{cpu: \"{job.CpusPerShard}\"}}\n");
        Volumes(sb, name);
        sb.Append("---\n# apply after the shards completed (Kubernetes Jobs have no dependencies)\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + name + "-merge\nspec:\n");
        sb.Append("  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: merge\n");
        sb.Append("          image: " + job.Image + "\n");
        sb.Append("          command: [\"sh\", \"-c\", \"chaosdescent merge /results/shards/* --out /results\"]\n");
        Volumes(sb, name);
        return sb.ToString();
    }

    private static void Volumes(StringBuilder sb, string name)
    {
        sb.Append("          volumeMounts:\n            - {name: sweep, mountPath: /sweep}\n            - {name: results, mountPath: /results}\n");
        sb.Append("      volumes:\n");
        sb.Append("        - name: sweep\n          configMap: {name: " + name + "-file}\n");
        sb.Append("        - name: results\n          persistentVolumeClaim: {claimName: " + name + "-results}\n");
    }

    private static string Safe(string s) => new(s.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-').ToArray());
}
