namespace SelfRef.Fault.Tests.Support;

/// <summary>The build the fault tests start the server (and the benchmark's child) from: the one they were built in.</summary>
internal static class BuildConfiguration
{
#if DEBUG
    public const string Name = "Debug";
#else
    public const string Name = "Release";
#endif
}
