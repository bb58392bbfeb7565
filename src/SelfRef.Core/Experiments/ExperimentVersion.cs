using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SelfRef.Core.Experiments;

/// <summary>
/// One content of an experiment file. Every distinct content the server has served is a version,
/// stored in the database with its text, so a session started on it is shown, derived and
/// exported by it after the file has changed (or after a restart with the changed file).
/// </summary>
public sealed record ExperimentVersion
{
    public string ExperimentId { get; init; } = "";
    /// <summary>SHA-256 of the file's text (UTF-8), lower-case hex: the version's name.</summary>
    public string Hash { get; init; } = "";
    /// <summary>When the server first read this content (UTC).</summary>
    public DateTime SeenAt { get; init; }
    /// <summary>The file it was read from (its name, without folder).</summary>
    public string File { get; init; } = "";
    /// <summary>The file's text, as read.</summary>
    public string Text { get; init; } = "";

    /// <summary>The first 10 hex digits: enough to tell versions apart on a page.</summary>
    public string Short => ShortOf(Hash);

    public static string ShortOf(string hash) => hash.Length > 10 ? hash[..10] : hash;

    public static string HashOf(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The experiment this version's text describes; null when it no longer reads (a later SelfRef changed the format).</summary>
    public Experiment? Read()
    {
        try { return JsonSerializer.Deserialize<Experiment>(Text, ExperimentJson.Options); }
        catch (JsonException) { return null; }
    }

    /// <summary>A version for an experiment given as an object (tests, tools): its text is the experiment written as JSON.</summary>
    public static ExperimentVersion Of(Experiment experiment, DateTime seenAt, string file = "")
    {
        var text = JsonSerializer.Serialize(experiment, ExperimentJson.Options);
        return new ExperimentVersion { ExperimentId = experiment.Id, Hash = HashOf(text), SeenAt = seenAt, File = file, Text = text };
    }

    /// <summary>
    /// What of a version the analysis compares across versions: its task steps (id, type and every
    /// parameter). Two versions with the same signature measure the same way; their outcomes pool.
    /// </summary>
    public static IReadOnlyDictionary<string, string> TaskSteps(Experiment experiment) =>
        experiment.Steps.Where(s => StepTypes.TaskOf(s) is not null)
            .ToDictionary(s => s.Id, s => JsonSerializer.Serialize(s, typeof(Step), ExperimentJson.Options), StringComparer.Ordinal);
}
