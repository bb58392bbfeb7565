using Microsoft.Extensions.Options;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Tests.Support;
using SelfRef.Web.Hosting;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Tests;

/// <summary>
/// With several instances on one shared store, a dashboard hears progress from every instance over
/// the backplane: each instance must count the sessions the others started, or the numbers would
/// jump with whichever instance spoke last.
/// </summary>
public sealed class SharedProgressTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"selfref-shared-progress-{Guid.NewGuid():N}.db");
    private readonly LiteDbStore _lite;
    private readonly ManualClock _clock = new();

    public SharedProgressTests() => _lite = new LiteDbStore(_path);

    public void Dispose()
    {
        _lite.Dispose();
        var folder = Path.GetDirectoryName(_path)!;
        var name = Path.GetFileNameWithoutExtension(_path);
        foreach (var file in Directory.GetFiles(folder, name + "*")) File.Delete(file);
        foreach (var keys in Directory.GetDirectories(folder, name + "*")) Directory.Delete(keys, recursive: true);
    }

    [Fact]
    public async Task The_progress_instance_A_sends_counts_the_participants_who_started_at_instance_B()
    {
        var experiment = ExperimentLoader.LoadFile(Path.Combine(SelfRefFactory.RepositoryRoot, "experiments", "gallup-pen.json")).Experiment!;
        var store = new SharedLiteDbStore(_lite);
        var a = new SessionService(store, [experiment], _clock);
        var b = new SessionService(store, [experiment], _clock);
        var trackerA = new ProgressTracker(a, store, _clock, Options.Create(new SelfRefOptions()));
        Assert.Equal(0, trackerA.Snapshot(experiment.Id).Counts.Started);

        for (var i = 0; i < 3; i++) await b.Start(experiment.Id, "en", new Dictionary<string, string>(), "test-agent");
        await a.Start(experiment.Id, "en", new Dictionary<string, string>(), "test-agent");

        // Read again at most once a second: a moment later A counts all four.
        _clock.Advance(TimeSpan.FromSeconds(1));
        var snapshot = trackerA.Snapshot(experiment.Id);
        Assert.Equal(4, snapshot.Counts.Started);
        Assert.Equal(4, snapshot.Counts.Active);
    }
}
