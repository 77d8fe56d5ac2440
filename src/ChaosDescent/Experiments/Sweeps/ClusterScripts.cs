using System.Globalization;

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
    /// <summary>A Slurm job array (one task per shard, <c>SLURM_ARRAY_TASK_ID</c>) that, started with <c>bash</c>,
    /// submits itself and then a merge job depending on it (<c>afterok</c>).</summary>
    public static string Slurm(ClusterJob job)
    {
        static string q(string s) => "'" + s.Replace("'", "'\\''") + "'";
        string name = Safe(job.Name);
        int n = job.Shards;
        return Lines(string.Create(CultureInfo.InvariantCulture, $$"""
            #!/bin/bash
            #SBATCH --job-name=cd-{{name}}
            #SBATCH --array=0-{{n - 1}}
            #SBATCH --cpus-per-task={{job.CpusPerShard}}
            #SBATCH --output={{job.OutputDirectory}}/logs/shard-%a.out
            # chaosdescent sweep '{{job.Name}}': {{job.Units}} units in {{n}} shards (plan {{job.PlanHash[..12]}}).
            # Submit with `bash THIS_FILE`: it submits the array, then a merge job that waits for it (afterok).
            # `sbatch THIS_FILE` alone runs the shards only; merge later with the command at the end.
            set -euo pipefail
            CHAOSDESCENT=${CHAOSDESCENT:-{{q(job.Command)}}}
            FILE={{q(job.File)}}
            OUT={{q(job.OutputDirectory)}}
            SHARDS={{n}}
            if [ -z "${SLURM_ARRAY_TASK_ID:-}" ]; then
              mkdir -p "$OUT/logs"
              array=$(sbatch --parsable --export=ALL,CHAOSDESCENT="$CHAOSDESCENT" "$0")
              array=${array%%;*}
              merge=$(sbatch --parsable --dependency=afterok:"$array" --job-name=cd-{{name}}-merge \
                --output="$OUT/logs/merge.out" \
                --wrap="$CHAOSDESCENT merge \"$OUT\"/shards/* --out \"$OUT\"")
              echo "submitted shards: job $array (array 0-$((SHARDS - 1))), merge: job ${merge%%;*} (afterok:$array)"
              exit 0
            fi
            $CHAOSDESCENT run "$FILE" --shard "$SLURM_ARRAY_TASK_ID/$SHARDS" --resume \
              --threads "${SLURM_CPUS_PER_TASK:-1}" --out "$OUT/shards/$SLURM_ARRAY_TASK_ID"
            # merge (by hand): $CHAOSDESCENT merge "$OUT"/shards/* --out "$OUT"
            """));
    }

    /// <summary>A Kubernetes Indexed Job (one completion per shard, <c>JOB_COMPLETION_INDEX</c>) with the experiment
    /// file in a ConfigMap, and a merge Job to apply once the shards completed.</summary>
    public static string Kubernetes(ClusterJob job)
    {
        string name = "cd-" + Safe(job.Name).ToLowerInvariant();
        string file = Path.GetFileName(job.File);
        string fileText = string.Concat(job.FileText.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n').Select(line => "    " + line + "\n"));
        string volumes = $$"""
                      volumeMounts:
                        - {name: sweep, mountPath: /sweep}
                        - {name: results, mountPath: /results}
                  volumes:
                    - name: sweep
                      configMap: {name: {{name}}-file}
                    - name: results
                      persistentVolumeClaim: {claimName: {{name}}-results}
            """;
        return Lines(string.Create(CultureInfo.InvariantCulture, $$"""
            # chaosdescent sweep '{{job.Name}}': {{job.Units}} units in {{job.Shards}} shards (plan {{job.PlanHash[..12]}}).
            # kubectl apply -f THIS_FILE; kubectl wait --for=condition=complete --timeout=24h job/{{name}}
            # then merge on the results volume: chaosdescent merge /results/shards/* --out /results
            # (the Job '{{name}}-merge' below does that once applied after the shards completed).
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{name}}-file
            data:
              {{file}}: |
            {{fileText}}---
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: {{name}}
            spec:
              completionMode: Indexed
              completions: {{job.Shards}}
              parallelism: {{job.Shards}}
              backoffLimitPerIndex: 2
              maxFailedIndexes: 0
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: shard
                      image: {{job.Image}}
                      command: ["sh", "-c"]
                      args: ["chaosdescent run /sweep/{{file}} --shard $(JOB_COMPLETION_INDEX)/{{job.Shards}} --resume --threads {{job.CpusPerShard}} --out /results/shards/$(JOB_COMPLETION_INDEX)"]
                      resources:
                        requests: {cpu: "{{job.CpusPerShard}}"}
            {{volumes}}
            ---
            # apply after the shards completed (Kubernetes Jobs have no dependencies)
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: {{name}}-merge
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: merge
                      image: {{job.Image}}
                      command: ["sh", "-c", "chaosdescent merge /results/shards/* --out /results"]
            {{volumes}}
            """));
    }

    /// <summary>The template's text with \n line ends and a final line end (the source file's line ends may differ).</summary>
    private static string Lines(string text) => text.ReplaceLineEndings("\n") + "\n";

    private static string Safe(string s) => new(s.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-').ToArray());
}
