using System.Text.Json.Nodes;
using SelfRef.Tests.Support;
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
    public async Task A_starting_server_limits_the_allocator_arenas_on_glibc()
    {
        // Only the server's start calls LimitArenas, so the flag says that Program.cs still does;
        // elsewhere than glibc, or with the deployment's own limit, the server changes nothing.
        await using var server = new SelfRefFactory();
        using var client = server.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(NativeHeap.OnGlibc && !NativeHeap.DeploymentSetsLimit(), NativeHeap.Applied);
    }
}
