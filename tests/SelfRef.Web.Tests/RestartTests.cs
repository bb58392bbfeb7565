using SelfRef.Tests.Support;

namespace SelfRef.Web.Tests;

public class RestartTests
{
    [Fact]
    public async Task Stopping_the_host_and_starting_another_on_the_same_file_loses_no_acknowledged_event()
    {
        var first = new SelfRefFactory();
        string token;
        long acknowledged = 0;
        try
        {
            token = await first.Start();
            await using (var hub = await first.Hub(token))
            {
                for (var b = 0; b < 50; b++) acknowledged = await hub.Append(token, Participants.Batch(1 + b * 4, 4));
            }
            await first.StopAsync();

            await using var second = new SelfRefFactory(first.DatabasePath);
            Assert.Equal(200, acknowledged);
            var session = second.Services.GetRequiredService<SelfRef.Core.Sessions.SessionService>().Find(token);
            Assert.NotNull(session);
            Assert.Equal(acknowledged, second.Store.DurableSeq(session.Id));
            Assert.Equal(Enumerable.Range(1, 200).Select(n => (long)n), second.Store.Events(session.Id).SelectMany(b => b.Events).Select(e => e.N));
            await using var hubAgain = await second.Hub(token);
            Assert.Equal(200, await hubAgain.InvokeAsync<long>("Durable", token));
        }
        finally
        {
            first.DeleteDatabase();
        }
    }
}
