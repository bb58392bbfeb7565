namespace SelfRef.Stats.Estimators;

/// <summary>What an exact attempt gave: the p-value, or that it ran out of its work budget.</summary>
/// <param name="Work">Steps taken: subtrees and tables evaluated, bisection and summation steps.</param>
/// <param name="SkippedBound">
/// Upper bound on the probability of the tables left out as negligible, relative to p (the
/// exact p lies in [PValue, PValue × (1 + SkippedBound)]).
/// </param>
internal readonly record struct ExactAttempt(bool Completed, double PValue, long Work, double SkippedBound)
{
    public static ExactAttempt Exhausted(long work) => new(false, double.NaN, work, double.NaN);
}

/// <summary>Thrown inside an exact sum when it reaches its work budget; caught where the attempt started.</summary>
internal sealed class FisherBudgetExhausted : Exception;
