using System.Text.Json.Nodes;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Tests;

/// <summary>
/// The runtime settings the browser soak measured its memory with (docs/benchmarks.md): they live
/// in the server's build output and its start, where a change of project file or Program.cs could
/// drop them without any other test noticing.
/// </summary>
public class ServerRuntimeTests
{
    private static JsonNode ConfigProperties()
    {
        // The server's runtime configuration, copied beside the tests with the program they reference.
        var file = Path.Combine(Path.GetDirectoryName(typeof(Program).Assembly.Location)!, "SelfRef.Web.runtimeconfig.json");
        return JsonNode.Parse(File.ReadAllText(file))!["runtimeOptions"]!["configProperties"]!;
    }

    [Fact]
    public void The_server_runs_the_blocking_server_GC_with_DATAS_young_budget_at_half_its_default_share()
    {
        var properties = ConfigProperties();
        Assert.True(properties["System.GC.Server"]!.GetValue<bool>());
        Assert.False(properties["System.GC.Concurrent"]!.GetValue<bool>());
        Assert.Equal(50, properties["System.GC.DGen0GrowthPercent"]!.GetValue<int>());
    }

    [Fact]
    public void The_allocator_takes_the_arena_limit_on_linux()
    {
        // glibc answers 1 when it takes a setting; elsewhere, or with the deployment's own limit, the server changes nothing.
        Assert.Equal(OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is null, NativeHeap.LimitArenas());
    }
}
