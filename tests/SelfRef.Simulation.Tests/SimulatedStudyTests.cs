using Microsoft.Extensions.DependencyInjection;
using SelfRef.Core.Sessions;
using Xunit.Abstractions;
using SelfRef.Core.Experiments;
using SelfRef.Core.Gazetteer;
using SelfRef.Core.Tasks;
using SelfRef.Simulation.Participants;
using SelfRef.Stats.Estimators;
using SelfRef.Tests.Support;
using SelfRef.Web.Researcher;

namespace SelfRef.Simulation.Tests;

/// <summary>
/// A whole simulated study through the real server on a loopback socket: participant link, hub,
/// advance, store, outcome extraction, coding and statistics. Seeded, so the counts are the same
/// on every run; what is asserted is that every layer classifies each participant as simulated
/// and that the 95 % intervals contain the true probabilities.
/// </summary>
public sealed class SimulatedStudyTests(ITestOutputHelper output) : IAsyncLifetime
{
    // 200 simulated participants arrive from this one machine: the start limit per address is off.
    private readonly SelfRefFactory _factory = new() { Settings = { ["SelfRef:StartsPerAddress"] = "0" } };
    private Uri _baseUrl = null!;

    public Task InitializeAsync()
    {
        _baseUrl = new Uri(_factory.StartOnKestrel());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Two_hundred_simulated_participants_are_analysed_back_to_their_true_probabilities()
    {
        var behaviour = new Behaviour { DropOut = 0.02, Decline = 0.03, CoderAgreement = 0.95 }.WithSelfReference("pen", 0.8).WithSelfReference("map", 0.65);
        var result = await Simulator.RunAsync(new SimulationOptions
        {
            BaseUrl = _baseUrl, ExperimentId = "gallup-replication", Participants = 200, Concurrency = 12, Seed = 2024, Behaviour = behaviour,
        }, GazetteerFile.Shared(GazetteerFile.Locate()));
        output.WriteLine($"simulated in {result.Elapsed.TotalSeconds:F1} s: {result.EventsProduced} events, {result.Count(SessionEnd.Completed)} completed");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        Assert.Empty(result.Errors);
        Assert.Equal(0, result.Count(SessionEnd.Failed));
        Assert.Equal(0, result.EventsLost);
        Assert.True(result.Count(SessionEnd.Completed) >= 150, $"only {result.Count(SessionEnd.Completed)} of 200 completed");
        Assert.True(result.Count(SessionEnd.Declined) > 0 && result.Count(SessionEnd.DroppedOut) > 0, "the run should show declines and drop-outs");
        var experiment = ExperimentLoader.LoadFolder(_factory.ExperimentsFolder).Single(e => e.Id == "gallup-replication");
        Assert.Equal(result.Codes.Count, await SimulatedCoders.Save(_factory.Services.GetRequiredService<SessionService>(), experiment.Id, result.Codes, DateTime.UtcNow));

        watch.Restart();
        var analysis = ExperimentAnalysis.Of(experiment, _factory.Store, _factory.Services);
        output.WriteLine($"analysed in {watch.Elapsed.TotalSeconds:F1} s");
        var byToken = result.Sessions.Where(s => s.Token is not null).ToDictionary(s => _factory.Store.FindSessionByToken(s.Token!)!.Id);
        var tasks = experiment.Steps.Select(StepTypes.TaskOf).OfType<TaskType>().Distinct().ToList();
        Assert.Equal(2, tasks.Count);
        foreach (var task in tasks)
        {
            var truth = behaviour.SelfReference(task);
            bool Intended(string participant) => byToken[participant].Truths[task.Name].SelfReferentialFirst;
            var rows = analysis.Rows.Where(r => r.Task == task.Name).ToList();
            var classified = rows.Where(r => r.SelfReference is not null).ToList();
            // Every classified participant is classified as simulated: no layer loses or flips an answer.
            Assert.All(classified, r => Assert.True(Intended(r.Participant) == r.SelfReference,
                $"{task.Name}: participant {byToken[r.Participant].Participant.Index} was simulated as {Intended(r.Participant)} but classified {r.SelfReference} ({r.MatchDetail})"));
            // Only those who finished are classified; the others are missing for a stated reason.
            Assert.All(classified, r => Assert.Equal(SessionEnd.Completed, byToken[r.Participant].End));
            Assert.All(rows.Where(r => r.SelfReference is null), r => Assert.False(string.IsNullOrEmpty(r.MissingReason)));
            Assert.True(classified.Count >= 140, $"{task.Name}: only {classified.Count} participants classified");

            var k = classified.Count(r => r.SelfReference == true);
            var wilson = WilsonInterval.Compute(k, classified.Count);
            Assert.True(wilson.Low <= truth && truth <= wilson.High,
                $"{task.Name}: {k}/{classified.Count} = {wilson.Estimate:P1}, 95 % CI {wilson.Low:P1}–{wilson.High:P1} misses the true {truth:P0}");
        }
        // Disagreeing simulated coders leave some handwriting undecided, as human coders would.
        Assert.Contains(analysis.Rows, r => r.Task == "pen" && r.MissingReason == "coders disagree");
        Assert.Equal(2, analysis.Rows.Select(r => r.Condition).Distinct().Count());
    }
}
