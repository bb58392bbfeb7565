using System.Text.Json;
using System.Text.RegularExpressions;
using SelfRef.Stats.Report;

namespace SelfRef.Stats.Preregistration;

/// <summary>
/// The planned values of a preregistration, kept machine-readable inside the Markdown draft (an HTML comment,
/// invisible when the Markdown is shown) so that the finished report can compare with it: <c>analyze --prereg FILE</c>
/// reads the draft itself (or this JSON alone) and names every deviation.
/// </summary>
/// <param name="Version">The content hash of the experiment file the draft was written from (as the outcome table's version column).</param>
/// <param name="PlannedN">Completed participants planned (the experiment's targetSampleSize).</param>
/// <param name="References">Task → the reference proportion it is tested against; tasks tested against chance are not listed.</param>
/// <param name="Analyses">The analyses as <see cref="PlannedAnalyses"/> names them.</param>
/// <param name="ExclusionReasons">Reasons for which a researcher may exclude a session, declared in advance (prereg --exclusion-reason).</param>
public sealed record PreregistrationPlan(
    string ExperimentId, string Version, DateTimeOffset WrittenAt, string Software,
    int PlannedN, double Alpha, double ConfidenceLevel, double TargetPower,
    IReadOnlyDictionary<string, double> References, IReadOnlyList<string> Conditions,
    IReadOnlyList<string> Analyses, IReadOnlyList<string> ExclusionReasons)
{
    public const string Marker = "selfref-preregistration";

    private static readonly JsonSerializerOptions Json = new(ResultsJson.Options) { WriteIndented = true };

    /// <summary>The block the Markdown draft ends with.</summary>
    public string ToBlock() => $"<!-- {Marker}\n{JsonSerializer.Serialize(this, Json).Replace("--", "-\\u002D")}\n-->\n";

    /// <summary>The plan in a preregistration draft (its embedded block) or in a JSON file of the plan alone.</summary>
    /// <exception cref="InvalidDataException">neither, naming the file.</exception>
    public static PreregistrationPlan Read(string path)
    {
        var text = File.ReadAllText(path);
        var block = Regex.Match(text, $@"<!--\s*{Marker}\s*(?<json>\{{.*\}})\s*-->", RegexOptions.Singleline);
        var json = block.Success ? block.Groups["json"].Value : text.TrimStart().StartsWith('{') ? text : null;
        if (json is null)
            throw new InvalidDataException($"{path} holds no SelfRef preregistration: the draft `prereg` wrote ends with a <!-- {Marker} … --> block; keep it when editing the text");
        try
        {
            return JsonSerializer.Deserialize<PreregistrationPlan>(json, Json) is { ExperimentId.Length: > 0 } plan
                ? plan with { References = plan.References ?? new Dictionary<string, double>(), Conditions = plan.Conditions ?? [], Analyses = plan.Analyses ?? [], ExclusionReasons = plan.ExclusionReasons ?? [] }
                : throw new InvalidDataException($"{path}: the preregistration block names no experiment");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the preregistration block is not valid: {e.Message}");
        }
    }
}
