using Microsoft.Extensions.Options;
using SelfRef.Core.Experiments;

namespace SelfRef.Web.Hosting;

/// <summary>
/// Watches the experiments folder while serving: whenever a file in it is written, created,
/// renamed or deleted, the catalog reads the folder again once it has been quiet for a moment
/// (editors save in several steps), so a valid change becomes the experiment's new version without
/// a restart and a wrong file's errors reach the log and the dashboard. The folder is also read
/// every <see cref="SelfRefOptions.ExperimentsPollSeconds"/>, for file systems that report no
/// changes (network shares, some container mounts).
/// </summary>
public sealed class ExperimentWatcher(ExperimentCatalog catalog, IOptions<SelfRefOptions> options, ILogger<ExperimentWatcher> log) : BackgroundService
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
    private readonly SemaphoreSlim _changed = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (catalog.Folder is not { } folder) return;
        foreach (var problem in catalog.Problems) Log(new CatalogUpdate([], [], [problem], []));
        using var watcher = Watch(folder);
        var poll = options.Value.ExperimentsPollSeconds is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : Timeout.InfiniteTimeSpan;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _changed.WaitAsync(poll, stoppingToken);
                await Task.Delay(Quiet, stoppingToken);
                while (_changed.CurrentCount > 0) await _changed.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) { return; }
            try { Log(await catalog.Rescan()); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Reading the experiments folder {Folder} failed; the experiments stay as they were, and it is read again at the next change", folder);
            }
        }
    }

    private FileSystemWatcher? Watch(string folder)
    {
        try
        {
            var watcher = new FileSystemWatcher(folder)
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += (_, _) => _changed.Release();
            watcher.Created += (_, _) => _changed.Release();
            watcher.Deleted += (_, _) => _changed.Release();
            watcher.Renamed += (_, _) => _changed.Release();
            watcher.Error += (_, e) =>
            {
                log.LogWarning(e.GetException(), "Watching {Folder} missed changes; reading it again", folder);
                _changed.Release();
            };
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
        {
            log.LogWarning(e, "Cannot watch {Folder}; changes to experiment files are read every {Seconds} s instead", folder, options.Value.ExperimentsPollSeconds);
            return null;
        }
    }

    private void Log(CatalogUpdate update)
    {
        foreach (var line in (update with { NewProblems = [] }).Lines()) log.LogInformation("Experiments: {Change}", line);
        foreach (var problem in update.NewProblems)
            log.LogWarning("Experiment file {File} has {Count} error(s): {Errors}", problem.File, problem.Errors.Count,
                string.Join("; ", problem.Errors.Select(e => $"{e.JsonPath}: {e.Message}")));
    }
}
