using System.Text.Json.Nodes;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Core.Tests.Storage;

namespace SelfRef.Core.Tests.Experiments;

/// <summary>The experiments folder as the server reads it while serving: versions, wrong files, removed files.</summary>
public sealed class ExperimentCatalogTests : IDisposable
{
    private readonly TempDatabase _file = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("selfref-catalog-").FullName;
    private LiteDbStore _store;

    public ExperimentCatalogTests() => _store = new LiteDbStore(_file.Path);

    public void Dispose()
    {
        _store.Dispose();
        _file.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static JsonObject Shipped(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(SelfRef.Tests.Support.Repository.Root, "experiments", name + ".json")))!.AsObject();

    private void Write(string file, JsonObject experiment) => Write(file, experiment.ToJsonString());

    private void Write(string file, string text) => File.WriteAllText(Path.Combine(_folder, file), text);

    private static JsonObject Retitled(JsonObject experiment, string title)
    {
        var copy = experiment.DeepClone().AsObject();
        copy["title"]!["en"] = title;
        return copy;
    }

    private ExperimentCatalog Load() => ExperimentCatalog.Load(_folder, _store);

    [Fact]
    public async Task A_changed_file_becomes_a_new_version_and_the_old_one_stays_readable_after_a_restart()
    {
        Write("pen.json", Shipped("gallup-pen"));
        var catalog = Load();
        var first = catalog.History("gallup-pen")!.CurrentVersion!;

        Write("pen.json", Retitled(Shipped("gallup-pen"), "A pen, again"));
        var update = await catalog.Rescan();
        var second = Assert.Single(update.Served);
        Assert.NotEqual(first.Hash, second.Hash);
        Assert.Equal("A pen, again", catalog.Current("gallup-pen")!.Title.In("en"));
        Assert.Equal([first.Hash, second.Hash], catalog.History("gallup-pen")!.Versions.Select(v => v.Hash));
        Assert.NotEqual("A pen, again", catalog.History("gallup-pen")!.Read(first.Hash)!.Title.In("en"));

        // Another process (a restart) reads both versions from the database; the file says which is current.
        _store.Dispose();
        _store = new LiteDbStore(_file.Path);
        var restarted = Load();
        Assert.Equal([first.Hash, second.Hash], restarted.History("gallup-pen")!.Versions.Select(v => v.Hash));
        Assert.Equal(second.Hash, restarted.History("gallup-pen")!.CurrentVersion!.Hash);
        Assert.Equal(first.Text, restarted.History("gallup-pen")!.Versions[0].Text);
    }

    [Fact]
    public async Task Saving_a_file_back_to_an_earlier_content_serves_that_version_again_and_makes_no_new_one()
    {
        Write("pen.json", Shipped("gallup-pen"));
        var catalog = Load();
        var first = catalog.History("gallup-pen")!.CurrentVersion!;
        Write("pen.json", Retitled(Shipped("gallup-pen"), "Changed"));
        await catalog.Rescan();
        Write("pen.json", Shipped("gallup-pen"));
        await catalog.Rescan();
        Assert.Equal(first.Hash, catalog.History("gallup-pen")!.CurrentVersion!.Hash);
        Assert.Equal(2, catalog.History("gallup-pen")!.Versions.Count);
        Assert.Equal(2, _store.ExperimentVersions().Count);
    }

    [Fact]
    public async Task A_file_made_wrong_keeps_its_last_valid_version_running_and_names_its_errors()
    {
        Write("pen.json", Shipped("gallup-pen"));
        var catalog = Load();
        var valid = catalog.History("gallup-pen")!.CurrentVersion!;
        var broken = Shipped("gallup-pen");
        broken["targetSampleSize"] = "many";
        Write("pen.json", broken);

        var update = await catalog.Rescan();
        Assert.Empty(update.Served);
        var problem = Assert.Single(catalog.Problems);
        Assert.Equal("pen.json", problem.File);
        Assert.Equal("gallup-pen", problem.KeptExperiment);
        Assert.Equal(valid.Hash, problem.KeptVersion!.Hash);
        Assert.Contains(problem.Errors, e => e.JsonPath == "$.targetSampleSize");
        Assert.Equal(valid.Hash, catalog.History("gallup-pen")!.CurrentVersion!.Hash);
        Assert.Contains(update.Lines(), l => l.Contains("keeps running version " + valid.Short));

        Write("pen.json", Shipped("gallup-pen"));
        update = await catalog.Rescan();
        Assert.Equal(["pen.json"], update.Repaired);
        Assert.Empty(catalog.Problems);
    }

    [Fact]
    public async Task A_file_never_valid_serves_nothing_and_the_others_are_served()
    {
        Write("pen.json", Shipped("gallup-pen"));
        Write("broken.json", "{ \"id\": \"broken\", ");
        var catalog = Load();
        Assert.Equal(["gallup-pen"], catalog.Experiments.Select(e => e.Id));
        var problem = Assert.Single(catalog.Problems);
        Assert.Equal("broken.json", problem.File);
        Assert.Null(problem.KeptExperiment);
        Assert.StartsWith("not valid JSON", problem.Errors[0].Message);

        // Added while serving: the same.
        Write("also-broken.json", Retitled(Shipped("gallup-map"), "x").ToJsonString().Replace("\"steps\"", "\"stepz\""));
        var update = await catalog.Rescan();
        Assert.Equal(["also-broken.json"], update.NewProblems.Select(p => p.File));
        Assert.Equal(["gallup-pen"], catalog.Experiments.Select(e => e.Id));
    }

    [Fact]
    public async Task A_second_file_with_the_same_id_is_wrong_and_names_the_first()
    {
        Write("a.json", Shipped("gallup-pen"));
        var catalog = Load();
        Write("b.json", Retitled(Shipped("gallup-pen"), "Copy"));
        await catalog.Rescan();
        var problem = Assert.Single(catalog.Problems);
        Assert.Equal("b.json", problem.File);
        Assert.Equal("experiment id 'gallup-pen' is already used by a.json", problem.Errors.Single().Message);
        Assert.NotEqual("Copy", catalog.Current("gallup-pen")!.Title.In("en"));
    }

    [Fact]
    public async Task A_copy_with_the_same_id_does_not_take_over_while_the_served_file_is_wrong_for_a_moment()
    {
        Write("a.json", Shipped("gallup-pen"));
        var catalog = Load();
        var served = catalog.History("gallup-pen")!.CurrentVersion!;
        Write("b.json", Retitled(Shipped("gallup-pen"), "An old copy"));
        await catalog.Rescan();

        // Mid-edit, a.json does not parse: its last valid version keeps running; the copy stays a duplicate.
        Write("a.json", "{ \"id\": \"gallup-pen\", ");
        var update = await catalog.Rescan();
        Assert.Empty(update.Served);
        Assert.Equal(served.Hash, catalog.History("gallup-pen")!.CurrentVersion!.Hash);
        Assert.Equal(["a.json", "b.json"], catalog.Problems.Select(p => p.File));
        Assert.Equal("gallup-pen", catalog.Problems[0].KeptExperiment);
        Assert.Equal("experiment id 'gallup-pen' is already used by a.json", catalog.Problems[1].Errors.Single().Message);

        // Saved again: a.json serves; removed: the copy is the one file left with the id, and serves.
        Write("a.json", Retitled(Shipped("gallup-pen"), "Edited"));
        await catalog.Rescan();
        Assert.Equal("Edited", catalog.Current("gallup-pen")!.Title.In("en"));
        File.Delete(Path.Combine(_folder, "a.json"));
        await catalog.Rescan();
        Assert.Equal("An old copy", catalog.Current("gallup-pen")!.Title.In("en"));
        Assert.Empty(catalog.Problems);
    }

    [Fact]
    public async Task After_a_restart_the_file_that_served_an_experiment_keeps_it_and_not_a_copy_that_sorts_first()
    {
        Write("z.json", Shipped("gallup-pen"));
        var catalog = Load();
        var served = catalog.History("gallup-pen")!.CurrentVersion!;
        Write("a.json", Retitled(Shipped("gallup-pen"), "A copy"));
        await catalog.Rescan();
        Assert.Equal(served.Hash, catalog.History("gallup-pen")!.CurrentVersion!.Hash);

        var restarted = Load();
        Assert.Equal(served.Hash, restarted.History("gallup-pen")!.CurrentVersion!.Hash);
        Assert.Equal("experiment id 'gallup-pen' is already used by z.json", Assert.Single(restarted.Problems).Errors.Single().Message);
        Assert.Single(_store.ExperimentVersions());
    }

    [Fact]
    public async Task A_file_renamed_while_serving_keeps_its_experiment_and_version()
    {
        Write("pen.json", Shipped("gallup-pen"));
        var catalog = Load();
        var served = catalog.History("gallup-pen")!.CurrentVersion!;
        File.Move(Path.Combine(_folder, "pen.json"), Path.Combine(_folder, "pen-study.json"));
        var update = await catalog.Rescan();
        Assert.False(update.Changed, string.Join("; ", update.Lines()));
        Assert.Equal(served.Hash, catalog.History("gallup-pen")!.CurrentVersion!.Hash);
        Assert.Single(catalog.History("gallup-pen")!.Versions);
        Assert.Empty(catalog.Problems);
    }

    [Fact]
    public async Task A_removed_file_takes_no_new_participants_but_its_versions_stay_for_its_sessions()
    {
        Write("pen.json", Shipped("gallup-pen"));
        Write("map.json", Shipped("gallup-map"));
        var catalog = Load();
        var session = new Session { Id = "P-TEST", ExperimentId = "gallup-map", Version = catalog.History("gallup-map")!.CurrentVersion!.Hash, Steps = ["consent"] };
        File.Delete(Path.Combine(_folder, "map.json"));
        var update = await catalog.Rescan();
        Assert.Equal(["gallup-map"], update.Withdrawn);
        Assert.Null(catalog.Current("gallup-map"));
        Assert.Equal(["gallup-pen"], catalog.Experiments.Select(e => e.Id));
        Assert.Equal("gallup-map", catalog.ExperimentOf(session)!.Id);
    }

    [Fact]
    public void An_unreadable_folder_is_the_one_error_that_stops_loading()
    {
        var missing = Path.Combine(_folder, "nothing-here");
        var error = Assert.Throws<ExperimentLoadException>(() => ExperimentCatalog.Load(missing, _store));
        Assert.Contains("experiments folder not found", error.Message);
    }

    [Fact]
    public async Task What_identifies_is_what_identifies_in_any_version()
    {
        var identifying = new IdentifyingData([]);
        Write("keyboard.json", Shipped("gallup-pen-keyboard"));
        var catalog = ExperimentCatalog.Load(_folder, _store, identifying: identifying);
        Assert.False(identifying.IsIdentifyingAnswer("gallup-pen-keyboard", "about-you.age"));

        var changed = Shipped("gallup-pen-keyboard");
        var questions = changed["steps"]!.AsArray().First(s => (string)s!["id"]! == "about-you")!["questions"]!.AsArray();
        questions.First(q => (string)q!["id"]! == "age")!["identifying"] = true;
        Write("keyboard.json", changed);
        await catalog.Rescan();
        Assert.True(identifying.IsIdentifyingAnswer("gallup-pen-keyboard", "about-you.age"));

        // Back to the first content: the age of sessions of the second version still counts as identifying.
        Write("keyboard.json", Shipped("gallup-pen-keyboard"));
        await catalog.Rescan();
        Assert.True(identifying.IsIdentifyingAnswer("gallup-pen-keyboard", "about-you.age"));
        Assert.True(identifying.IsIdentifyingAnswer("gallup-pen-keyboard", "about-you.firstName"));
    }

    [Fact]
    public void A_session_from_before_versions_belongs_to_the_earliest_version()
    {
        Write("pen.json", Shipped("gallup-pen"));
        var catalog = Load();
        var history = catalog.History("gallup-pen")!;
        var legacy = new Session { Id = "P-OLD", ExperimentId = "gallup-pen" };
        Assert.Equal(history.Versions[0].Hash, history.HashOf(legacy));
        Assert.Equal(history.Versions[0], history.VersionOf(legacy));
    }
}
