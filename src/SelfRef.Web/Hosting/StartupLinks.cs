using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using SelfRef.Core.Experiments;
using SelfRef.Core.Storage;
using SelfRef.Core.Storage.Postgres;

namespace SelfRef.Web.Hosting;

/// <summary>Prints, once the server listens, the link to send participants for each experiment, the files that are wrong, and the researcher's link.</summary>
public static class StartupLinks
{
    public static void Print(WebApplication app, ExperimentCatalog catalog, TextWriter output)
    {
        var options = app.Services.GetRequiredService<IOptions<SelfRefOptions>>().Value;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var baseUrl = (options.PublicUrl ?? addresses?.FirstOrDefault() ?? "http://localhost:5080").TrimEnd('/');
        var experiments = catalog.Experiments;
        output.WriteLine();
        output.WriteLine($"SelfRef is serving {experiments.Count} experiment(s) from {options.ExperimentsPath} (watched: changed files are served without a restart)");
        if (app.Services.GetRequiredService<IStore>() is PostgresStore postgres)
        {
            output.WriteLine($"Database: PostgreSQL {postgres.Database} (the sessions' keys are in its session_keys table)");
            output.WriteLine($"Keys:     {options.KeyFolderPath} (login cookies only)");
        }
        else
        {
            output.WriteLine($"Database: {options.DatabasePath}");
            output.WriteLine($"Keys:     {options.KeyFolderPath} (back up separately; never hand out with the database)");
        }
        output.WriteLine("Participant links:");
        foreach (var experiment in experiments)
            output.WriteLine($"  {experiment.Id,-22} {baseUrl}/s/{experiment.Id}");
        if (catalog.Problems.Count > 0)
        {
            output.WriteLine($"Experiment files with errors ({catalog.Problems.Count}; nothing is served from them until they are fixed):");
            foreach (var problem in catalog.Problems)
                foreach (var error in problem.Errors)
                    output.WriteLine($"  {problem.File}: {error.JsonPath}: {error.Message}");
        }
        output.WriteLine($"Researcher: {baseUrl}/researcher");
        output.WriteLine();
    }
}
