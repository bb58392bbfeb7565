using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Configuration;
using SelfRef.Core.Events;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage.Postgres;
using SelfRef.Tests.Support;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Tests;

/// <summary>
/// The server with --store postgres (SelfRef:Store, SelfRef:ConnectionString) on a database of the
/// test run's PostgreSQL cluster: a participant goes from start through batches to withdrawal, a
/// bystander's data reads back, also after the server restarted.
/// </summary>
public class PostgresServerTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private SelfRefFactory Server() => new()
    {
        Settings = { ["SelfRef:Store"] = "postgres", ["SelfRef:ConnectionString"] = database.ConnectionString },
    };

    private static ClientEvent Event(double t, string type, string data) => new(t, type, JsonDocument.Parse(data).RootElement.Clone());

    [Fact]
    public async Task A_participant_starts_sends_batches_and_withdraws_and_a_bystander_reads_back_after_a_restart()
    {
        string bystanderId;
        await using (var server = Server())
        {
            Assert.IsType<PostgresStore>(server.Store);
            var sessions = server.Services.GetRequiredService<SessionService>();

            async Task<string> Typed(string name)
            {
                var token = await server.Start("gallup-pen-keyboard", "?PROLIFIC_PID=PID" + name);
                await server.Advance(token, "consent");
                await server.Advance(token, "intro");
                await using var hub = await server.Hub(token);
                Assert.Equal(2, await hub.Append(token, new EventBatch(1, "pen", [Event(0, "step.onset", "{}"), Event(300, "text.input", $$"""{"text":"{{name}}"}""")])));
                // A resend after a lost acknowledgement stores nothing twice; the next batch follows on.
                Assert.Equal(2, await hub.Append(token, new EventBatch(1, "pen", [Event(0, "step.onset", "{}"), Event(300, "text.input", $$"""{"text":"{{name}}"}""")])));
                Assert.Equal(3, await hub.Append(token, new EventBatch(2, "pen", [Event(300, "text.input", $$"""{"text":"{{name}}"}"""), Event(500, "text.input", $$"""{"text":"{{name}}!"}""")])));
                return token;
            }

            var leaving = await Typed("Ottilie");
            var staying = await Typed("Bertram");
            await server.Advance(staying, "pen");
            await server.Advance(staying, "about-you", new { firstName = "Bertram", surname = "Gelsenkirchen", age = "30", handedness = "left" });
            var left = sessions.Find(leaving)!;
            bystanderId = sessions.Find(staying)!.Id;
            Assert.Equal([1L, 2, 3], server.Store.Events(left.Id).SelectMany(b => b.Events).Select(e => e.N));

            await using var hub = await server.Hub(leaving);
            var response = await server.Browser().PostAsync($"/api/p/{leaving}/withdraw", null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(server.Store.FindSession(left.Id));
            Assert.Empty(server.Store.Events(left.Id));
            var refused = await Assert.ThrowsAsync<HubException>(() => hub.Append(leaving, new EventBatch(4, "pen", [Event(600, "text.input", """{"text":"x"}""")])));
            Assert.Contains("unknown session", refused.Message);
            Assert.Single(server.Store.Deletions());
            Assert.Equal(HttpStatusCode.OK, (await server.Browser().GetAsync("/healthz")).StatusCode);
        }

        await using var restarted = Server();
        var bystander = restarted.Store.FindSession(bystanderId)!;
        Assert.Equal("Bertram", bystander.Answers["about-you.firstName"]);
        Assert.Equal(["step.onset", "text.input", "text.input"], restarted.Store.Events(bystanderId).SelectMany(b => b.Events).Select(e => e.Type));
        Assert.Single(restarted.Store.Deletions());
    }

    [Fact]
    public async Task The_verbs_read_and_write_the_PostgreSQL_database_while_a_server_uses_it()
    {
        var onPostgres = new[] { "--store", "postgres", "--connection-string", database.ConnectionString };
        await using var server = Server();
        var token = await server.Start("gallup-pen-keyboard");
        var id = server.Services.GetRequiredService<SessionService>().Find(token)!.Id;

        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, CommandLine.Run(["account", "add", "verbal", "--password-stdin", .. onPostgres], new StringReader("a-long-password-1234\n"), output, error));
        Assert.Equal("", error.ToString());
        Assert.NotNull(server.Store.FindAccount("verbal"));

        var folder = Path.Combine(Path.GetTempPath(), $"selfref-pg-export-{Guid.NewGuid():N}");
        try
        {
            Assert.Equal(0, CommandLine.Run(["export", "--experiment", "gallup-pen-keyboard", "--format", "jsonl", "--out", folder, "--experiments", server.ExperimentsFolder, .. onPostgres],
                TextReader.Null, new StringWriter(), error));
            Assert.Contains(Directory.GetFiles(folder, "*", SearchOption.AllDirectories), file => File.ReadAllText(file).Contains(id, StringComparison.Ordinal));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_wrong_store_setting_is_one_line_naming_it()
    {
        Assert.Equal("configuration: SelfRef:Store: must be litedb or postgres, not 'mongo'", Problem(new() { ["SelfRef:Store"] = "mongo" }));
        Assert.StartsWith("configuration: SelfRef:ConnectionString: is required with SelfRef:Store=postgres", Problem(new() { ["SelfRef:Store"] = "postgres" }));
        Assert.StartsWith("configuration: SelfRef:ConnectionString: is not a PostgreSQL connection string", Problem(new() { ["SelfRef:Store"] = "postgres", ["SelfRef:ConnectionString"] = "Hots=x" }));
        Assert.Equal("", Problem(new() { ["SelfRef:Store"] = "Postgres", ["SelfRef:ConnectionString"] = "Host=db;Database=selfref" }));
    }

    private static string Problem(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var error = new StringWriter();
        SelfRefHost.Settings(configuration, error);
        return error.ToString().Trim();
    }
}
