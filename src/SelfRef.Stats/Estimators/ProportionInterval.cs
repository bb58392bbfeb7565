namespace SelfRef.Stats.Estimators;

/// <summary>A confidence interval for one proportion k/n.</summary>
public sealed record ProportionInterval(int K, int N, double Estimate, double Low, double High, double Level, string Method);
