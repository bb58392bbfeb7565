namespace SelfRef.Stats.Estimators;

/// <summary>
/// A running sum with Neumaier's compensation: the total of many terms of very different sizes
/// (a probability mass from its far tail to its mode) is off by a few units in the last place,
/// not by a rounding per term.
/// </summary>
internal struct CompensatedSum
{
    private double _sum, _compensation;

    public readonly double Total => _sum + _compensation;

    /// <summary>Adds x and returns the total so far.</summary>
    public double Add(double x)
    {
        var t = _sum + x;
        _compensation += Math.Abs(_sum) >= Math.Abs(x) ? (_sum - t) + x : (x - t) + _sum;
        _sum = t;
        return _sum + _compensation;
    }
}
