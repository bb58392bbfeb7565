using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SelfRef.Core.Storage;

namespace SelfRef.Tests.Support;

/// <summary>
/// A SelfRef server for tests: the repository's shipped experiments (or another folder), its
/// own LiteDB file (test classes run in parallel, and two instances on one file corrupt it),
/// and a known researcher password.
/// </summary>
public sealed class SelfRefFactory : WebApplicationFactory<Program>
{
    public const string ResearcherPassword = "test-password-1234";

    public SelfRefFactory(string? databasePath = null, string? experimentsFolder = null)
    {
        DatabasePath = databasePath ?? Path.Combine(Path.GetTempPath(), $"selfref-test-{Guid.NewGuid():N}.db");
        ExperimentsFolder = experimentsFolder ?? Path.Combine(RepositoryRoot, "experiments");
    }

    public string DatabasePath { get; }
    public string ExperimentsFolder { get; }

    /// <summary>The server's clock, when a test needs to move time (e.g. <see cref="ManualClock"/>).</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>Settings a test gives the server (e.g. "SelfRef:StartsPerAddress"), as if from appsettings.json.</summary>
    public Dictionary<string, string> Settings { get; init; } = [];

    /// <summary>Services a test adds to or replaces in the server's.</summary>
    public Action<IServiceCollection>? ExtraServices { get; init; }

    public static string RepositoryRoot => Repository.Root;

    public IStore Store => Services.GetRequiredService<IStore>();

    /// <summary>The folder of the keys that encrypt identifiers: the default, beside the database.</summary>
    public string KeyFolder => Path.Combine(Path.GetDirectoryName(DatabasePath)!, Path.GetFileNameWithoutExtension(DatabasePath) + "-keys");

    /// <summary>Serves on a real loopback socket (for a browser) and returns its address.</summary>
    public string StartOnKestrel()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return addresses.First().Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1").TrimEnd('/');
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("SelfRef:Database", DatabasePath);
        builder.UseSetting("SelfRef:Experiments", ExperimentsFolder);
        builder.UseSetting("SelfRef:ResearcherPassword", ResearcherPassword);
        builder.UseSetting("urls", "http://127.0.0.1:0");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        if (Time is { } time) builder.ConfigureTestServices(services => services.AddSingleton(time));
        if (ExtraServices is { } extra) builder.ConfigureTestServices(extra);
    }

    /// <summary>
    /// Stops the host and leaves the database file (for restart tests). The program's own
    /// thread disposes its services a moment after the host stops; wait until the store has let
    /// go of the file, as a restarted server would find it.
    /// </summary>
    public async Task StopAsync()
    {
        await base.DisposeAsync();
        for (var waited = 0; ; waited += 50)
        {
            try
            {
                await using var free = new FileStream(DatabasePath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                return;
            }
            catch (IOException) when (waited < 30_000) { await Task.Delay(50); }
        }
    }

    public void DeleteDatabase()
    {
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(DatabasePath)!, Path.GetFileNameWithoutExtension(DatabasePath) + "*"))
            File.Delete(file);
        if (Directory.Exists(KeyFolder)) Directory.Delete(KeyFolder, recursive: true);
    }

    public override async ValueTask DisposeAsync()
    {
        await StopAsync();
        DeleteDatabase();
    }
}
