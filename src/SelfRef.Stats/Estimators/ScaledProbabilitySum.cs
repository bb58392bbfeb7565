namespace SelfRef.Stats.Estimators;

/// <summary>
/// A sum of probabilities given as logarithms, kept relative to a moving scale so that exp()
/// neither overflows nor underflows however extreme the margins (10⁻³⁰⁰ and 10⁰ in one sum),
/// with Neumaier's compensation (millions of terms of very different sizes), and beside it a
/// bound on what was left out as negligible.
/// </summary>
internal sealed class ScaledProbabilitySum
{
    private double _sum, _compensation, _leftOut;

    public ScaledProbabilitySum(double initialScale) => Scale = initialScale;

    /// <summary>log of the unit: the sums are multiples of exp(Scale).</summary>
    public double Scale { get; private set; }

    public double Total => _sum + _compensation;

    public double LeftOut => _leftOut;

    /// <summary>Makes exp(logValue − Scale) representable (moves the scale up when needed).</summary>
    public void Rescale(double logValue)
    {
        if (logValue <= Scale + 600) return;
        var shrink = Math.Exp(Scale - logValue);
        _sum *= shrink;
        _compensation *= shrink;
        _leftOut *= shrink;
        Scale = logValue;
    }

    public void Add(double logValue)
    {
        Rescale(logValue);
        AddRelative(Math.Exp(logValue - Scale));
    }

    /// <summary>Adds w × exp(Scale).</summary>
    public void AddRelative(double w)
    {
        var t = _sum + w;
        _compensation += Math.Abs(_sum) >= Math.Abs(w) ? (_sum - t) + w : (w - t) + _sum;
        _sum = t;
    }

    /// <summary>Records a left-out weight exp(logValue), and, when <paramref name="ratio"/> &lt; 1, a geometric run of <paramref name="count"/> further weights shrinking by at least that ratio.</summary>
    public void LeaveOut(double logValue, double ratio = 0, int count = 1)
    {
        Rescale(logValue);
        LeaveOutRelative(Math.Exp(logValue - Scale), ratio, count);
    }

    public void LeaveOutRelative(double w, double ratio = 0, int count = 1) =>
        _leftOut += ratio < 1 ? w / (1 - ratio) : w * count;

    /// <summary>The sum as a probability, given log of the total weight of all tables.</summary>
    public double Probability(double logTotal) => Total <= 0 ? 0 : Math.Min(1, Math.Exp(Math.Log(Total) + Scale - logTotal));

    /// <summary>The left-out bound relative to the sum.</summary>
    public double LeftOutRelative => Total > 0 ? _leftOut / Total : _leftOut > 0 ? double.PositiveInfinity : 0;
}
