using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Core.Tests.Storage;

namespace SelfRef.Core.Tests.Sessions;

public class ExperimentStatusTests : IDisposable
{
    private readonly TempDatabase _file = new();
    private readonly LiteDbStore _store;
    private readonly Experiment _experiment;
    private readonly SessionService _sessions;

    public ExperimentStatusTests()
    {
        var loaded = ExperimentLoader.LoadFile(Path.Combine(SelfRef.Tests.Support.Repository.Root, "experiments", "gallup-replication.json"));
        _experiment = loaded.Experiment! with { TargetSampleSize = 3 };
        _store = new LiteDbStore(_file.Path);
        _sessions = new SessionService(_store, [_experiment], TimeProvider.System);
    }

    public void Dispose()
    {
        _store.Dispose();
        _file.Dispose();
    }

    private Task<Session> Start() => _sessions.Start(_experiment.Id, "en", new Dictionary<string, string>(), null);

    [Fact]
    public void A_new_experiment_is_open() => Assert.Equal(ExperimentStatus.Open, _sessions.Status(_experiment.Id));

    [Theory]
    [InlineData(ExperimentStatus.Paused)]
    [InlineData(ExperimentStatus.Closed)]
    public async Task A_paused_or_closed_experiment_starts_no_session_but_a_running_one_finishes(ExperimentStatus status)
    {
        var running = await Start();
        await _sessions.SetStatus(_experiment.Id, status, "researcher");

        var refused = await Assert.ThrowsAsync<ExperimentUnavailableException>(Start);
        Assert.Equal(status, refused.Status);
        Assert.Single(_store.SessionsOf(_experiment.Id));
        running = await _sessions.Advance(running, "consent", null);
        Assert.Equal("intro", running.CurrentStep);

        await _sessions.SetStatus(_experiment.Id, ExperimentStatus.Open, "researcher");
        await Start();
        Assert.Equal(2, _store.SessionsOf(_experiment.Id).Count);
    }

    [Fact]
    public async Task The_status_is_kept_across_a_restart()
    {
        await _sessions.SetStatus(_experiment.Id, ExperimentStatus.Paused, "anna");
        var restarted = new SessionService(_store, [_experiment], TimeProvider.System);
        Assert.Equal(ExperimentStatus.Paused, restarted.Status(_experiment.Id));
        Assert.Equal("anna", _store.ExperimentStates().Single().ChangedBy);
    }

    [Fact]
    public async Task The_experiment_is_full_at_the_target_and_a_declined_slot_is_free_again()
    {
        var first = await Start();
        await Start();
        await Start();
        Assert.Equal(ExperimentStatus.Full, _sessions.Status(_experiment.Id));
        Assert.Equal(ExperimentStatus.Full, (await Assert.ThrowsAsync<ExperimentUnavailableException>(Start)).Status);

        await _sessions.Decline(first);
        Assert.Equal(ExperimentStatus.Open, _sessions.Status(_experiment.Id));
        await Start();
        Assert.Equal(ExperimentStatus.Full, _sessions.Status(_experiment.Id));
    }

    [Fact]
    public async Task Full_cannot_be_set_by_hand()
    {
        var error = await Assert.ThrowsAsync<SessionException>(() => _sessions.SetStatus(_experiment.Id, ExperimentStatus.Full, "researcher"));
        Assert.Contains("'full' cannot be set", error.Message);
    }
}
