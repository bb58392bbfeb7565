using SelfRef.Core.Coding;
using SelfRef.Stats.Outcomes;

namespace SelfRef.Stats.Results;

/// <summary>
/// How a task's answers were coded by human coders, as its outcome rows record it: the coders per answer
/// (from the match detail the derivation writes, "coded by 2: …"), and the answers without an agreed code.
/// Only tasks with at least one row that records coding are listed.
/// </summary>
/// <param name="CodersPerAnswer">Number of coders → answers coded by that many.</param>
/// <param name="Disagreed">Answers whose coders did not agree ("coders disagree"): not classified.</param>
/// <param name="Unreadable">Answers coded unreadable: not classified.</param>
/// <param name="NotCoded">Answers waiting for a coder ("not coded").</param>
public sealed record TaskCoding(string Task, IReadOnlyDictionary<int, int> CodersPerAnswer, int Disagreed, int Unreadable, int NotCoded)
{
    public int Coded => CodersPerAnswer.Values.Sum();

    public static IReadOnlyList<TaskCoding> Compute(IReadOnlyList<OutcomeRow> rows, IReadOnlyList<string> tasks) => From(OutcomeTally.Of(rows, tasks));

    /// <summary>From the tally: the coders recorded in each row's match detail, the unclassified rows per missing reason.</summary>
    internal static IReadOnlyList<TaskCoding> From(OutcomeTally tally) =>
        tally.Tasks.Select(task =>
            {
                var t = tally.Task(task);
                int Missing(string reason) => t.Missing.GetValueOrDefault(reason);
                return new TaskCoding(task, new Dictionary<int, int>(t.CodersPerAnswer), Missing(CodeConsensus.Disagree), Missing(CodeConsensus.Unreadable), Missing(CodeConsensus.NotCoded));
            })
            .Where(c => c.Coded + c.Disagreed + c.Unreadable + c.NotCoded > 0)
            .ToList();
}
