namespace SelfRef.Fault.Tests.Support;

/// <summary>The fault tests each load the machine with hundreds of clients: they run one after another, not in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCollection
{
    public const string Name = "faults";
}
