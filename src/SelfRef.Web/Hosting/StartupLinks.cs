using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using SelfRef.Core.Experiments;

namespace SelfRef.Web.Hosting;

/// <summary>Prints, once the server listens, the link to send participants for each experiment and the researcher's link.</summary>
public static class StartupLinks
{
    public static void Print(WebApplication app, IReadOnlyList<Experiment> experiments, TextWriter output)
    {
        var options = app.Services.GetRequiredService<IOptions<SelfRefOptions>>().Value;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var baseUrl = (options.PublicUrl ?? addresses?.FirstOrDefault() ?? "http://localhost:5080").TrimEnd('/');
        output.WriteLine();
        output.WriteLine($"SelfRef is serving {experiments.Count} experiment(s) from {options.ExperimentsPath}");
        output.WriteLine($"Database: {options.DatabasePath}");
        output.WriteLine($"Keys:     {options.KeyFolderPath} (back up separately; never hand out with the database)");
        output.WriteLine("Participant links:");
        foreach (var experiment in experiments)
            output.WriteLine($"  {experiment.Id,-22} {baseUrl}/s/{experiment.Id}");
        output.WriteLine($"Researcher: {baseUrl}/researcher");
        output.WriteLine();
    }
}
