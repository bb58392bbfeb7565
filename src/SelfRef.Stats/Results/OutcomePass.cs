using SelfRef.Stats.Figures;
using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Report;

namespace SelfRef.Stats.Results;

/// <summary>
/// The report's one pass over the outcome rows as they come: each row counted as <see cref="TidyOutcomes"/> says
/// (kept or left out at once), tallied (<see cref="OutcomeTally"/>), its experiment version noted, and then let go,
/// so that a table read from a file (a million rows) is never held in memory; only the map figure's rows are kept.
/// </summary>
internal sealed class OutcomePass
{
    private readonly TidyOutcomes.Builder _tidy;
    private readonly OutcomeTally.Builder _tally;
    // The versions named in the rows (PooledVersion.FromRows): participants per version, versions in order of first appearance.
    private readonly Dictionary<string, HashSet<int>>? _versions;
    private readonly List<string> _versionOrder = [];
    private readonly List<OutcomeRow>? _mapRows;

    /// <param name="keepRows">Keep the rows as counted (<see cref="TidyOutcomes.Rows"/>); a file read once does not.</param>
    /// <param name="nameVersions">Name the versions of the experiment file from the rows (when the options do not).</param>
    /// <param name="keepMapRows">Keep the rows the map of first targets draws (<see cref="MapRows"/>).</param>
    public OutcomePass(ReportOptions options, bool keepRows, bool nameVersions = false, bool keepMapRows = false)
    {
        _tidy = new TidyOutcomes.Builder(keepRows);
        _tally = new OutcomeTally.Builder(ReplicationResults.ChanceColumns(options));
        _versions = nameVersions && options.Versions is null ? new(StringComparer.Ordinal) : null;
        _mapRows = keepMapRows ? [] : null;
    }

    /// <summary>The counted rows with a first target on the map, in row order (with keepMapRows).</summary>
    public IReadOnlyList<OutcomeRow> MapRows => _mapRows ?? [];

    public void Add(OutcomeRow row)
    {
        var counted = _tidy.Add(row, out var participant);
        if (_versions is not null && row.Version.Length > 0)
        {
            if (!_versions.TryGetValue(row.Version, out var participants))
            {
                _versions[row.Version] = participants = [];
                _versionOrder.Add(row.Version);
            }
            participants.Add(participant);
        }
        if (counted is null) return;
        _tally.Add(counted, participant);
        if (_mapRows is not null && FirstTargetMapFigure.IsPoint(counted)) _mapRows.Add(counted);
    }

    /// <summary>The results, and the options with the versions named from the rows (when asked for and not given).</summary>
    /// <param name="given">The rows added, when they are a list (see <see cref="TidyOutcomes.Builder.Build"/>).</param>
    public (ReplicationResults Results, ReportOptions Options) Finish(ReportOptions options, IReadOnlyList<OutcomeRow>? given = null)
    {
        if (_versions is not null)
            options = options with { Versions = _versionOrder.Select(v => new PooledVersion(v, null, _versions[v].Count, [])).ToList() };
        var tidy = _tidy.Build(given);
        var tally = _tally.Build(ReplicationResults.TaskOrder(_tally.TaskNames), tidy.ParticipantCount);
        return (ReplicationResults.From(tidy, tally, options), options);
    }
}
