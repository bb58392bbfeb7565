using SelfRef.Core.Sessions;
using System.Globalization;
using SelfRef.Core.Experiments;
using SelfRef.Core.Gazetteer;
using SelfRef.Core.Storage;
using SelfRef.Simulation;
using SelfRef.Simulation.Participants;
using SelfRef.Simulation.Power;
using SelfRef.Stats.Estimators;
using SelfRef.Stats.Report;
using SelfRef.Web.Hosting;
using SelfRef.Web.Researcher;
using Spectre.Console;

namespace SelfRef.Web.Commands;

/// <summary>
/// `simulate --experiment ID --participants N [--concurrency C] [--seed S] [--self-name P] [--self-home P]
/// [--url URL | --db FILE] [--out DIR]`: a simulated study through the real participant link and
/// hub, then its analysis. `simulate --power`: Monte Carlo power of the exact binomial test
/// beside the exact power.
/// </summary>
public static class SimulateCommand
{
    public static int Run(CommandLine command, TextWriter output, TextWriter error)
    {
        try
        {
            return command.Flag("--power") ? Power(command, output) : Study(command, output, error).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or ExperimentLoadException or InvalidDataException)
        {
            error.WriteLine($"simulate: {e.Message}");
            return 2;
        }
    }

    private static async Task<int> Study(CommandLine command, TextWriter output, TextWriter error)
    {
        var experimentId = command.Option("--experiment") ?? throw new ArgumentException("give --experiment ID (and --participants N)");
        var defaults = new Behaviour();
        var behaviour = new Behaviour
        {
            SelfName = Number(command, "--self-name", defaults.SelfName),
            SelfHome = Number(command, "--self-home", defaults.SelfHome),
            DropOut = Number(command, "--drop-out", defaults.DropOut),
            Decline = Number(command, "--decline", defaults.Decline),
            CoderAgreement = Number(command, "--coder-agreement", defaults.CoderAgreement),
        };
        var url = command.Option("--url");
        var experimentsFolder = Path.GetFullPath(command.Option("--experiments") ?? "experiments");
        var gazetteer = GazetteerFile.Shared(GazetteerFile.Locate(command.Option("--gazetteer")));
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });

        if (url is not null)
        {
            var remote = await Simulate(console, Options(command, new Uri(url), experimentId, behaviour), gazetteer);
            Summary(output, remote);
            output.WriteLine($"{remote.Codes.Count / 2} handwritten answers were not coded: against a running server the simulated coders cannot store codes; code them in the researcher's coding view, or simulate with the built-in server.");
            output.WriteLine($"analyse once the server has stopped: dotnet run --project src/SelfRef.Web -- analyze --experiment {experimentId} --db <its database>");
            return remote.Count(SessionEnd.Failed) == 0 && remote.EventsLost == 0 ? 0 : 1;
        }

        var experiment = ExperimentLoader.LoadFolder(experimentsFolder).FirstOrDefault(e => e.Id == experimentId)
            ?? throw new ArgumentException($"no experiment '{experimentId}' in {experimentsFolder}");
        var database = Path.GetFullPath(command.Option("--db")
            ?? Path.Combine(Path.GetTempPath(), $"selfref-simulation-{experimentId}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.db"));
        output.WriteLine($"starting a server on this machine with database {database}");
        SimulationResult result;
        await using (var server = await LocalServer.Start(database, experimentsFolder, TimeSpan.FromSeconds(120)))
            result = await Simulate(console, Options(command, server.BaseUrl, experimentId, behaviour), gazetteer);
        Summary(output, result);

        // The server has stopped: the database is this process's to code and analyse.
        // Through the keys the server encrypted identifiers with: name matching needs the names.
        using (var store = IdentifierProtection.OpenStore(database, IdentifierProtection.DefaultKeyFolder(database), [experiment]))
        {
            await SimulatedCoders.Save(new SessionService(store, [experiment], TimeProvider.System, OfflineTaskServices.Deriver()), experimentId, result.Codes, DateTime.UtcNow);
            var analysis = ExperimentAnalysis.Of(experiment, store);
            output.WriteLine();
            output.WriteLine("analysis (95 % Wilson intervals) against the simulated truth:");
            var recovered = true;
            foreach (var (task, truth) in new[] { ("pen", behaviour.SelfName), ("map", behaviour.SelfHome) })
            {
                var rows = analysis.Rows.Where(r => r.Task == task && r.SelfReference is not null).ToList();
                if (rows.Count == 0) continue;
                var k = rows.Count(r => r.SelfReference == true);
                var ci = WilsonInterval.Compute(k, rows.Count);
                var inside = ci.Low <= truth && truth <= ci.High;
                recovered &= inside;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {task}: {k}/{rows.Count} = {ci.Estimate:P1} (CI {ci.Low:P1}–{ci.High:P1}); true {truth:P1}: {(inside ? "inside" : "OUTSIDE")} the interval; missing: {analysis.Rows.Count(r => r.Task == task && r.SelfReference is null)}"));
            }
            if (command.Option("--out") is { } outDir)
            {
                var report = ReplicationReport.Write(analysis.Rows, analysis.Options, outDir);
                output.WriteLine($"wrote {Path.GetFullPath(report.HtmlPath)}");
            }
            output.WriteLine($"the database is kept: dotnet run --project src/SelfRef.Web -- analyze --experiment {experimentId} --db {database} --out report");
            if (!recovered) output.WriteLine("a true probability lies outside its interval: expected in about 1 run of 20 per task; try another --seed.");
        }
        return result.Count(SessionEnd.Failed) == 0 && result.EventsLost == 0 ? 0 : 1;
    }

    private static SimulationOptions Options(CommandLine command, Uri baseUrl, string experimentId, Behaviour behaviour) => new()
    {
        BaseUrl = baseUrl,
        ExperimentId = experimentId,
        Participants = Integer(command, "--participants", 100),
        Concurrency = Integer(command, "--concurrency", 8),
        Seed = Integer(command, "--seed", 1),
        Behaviour = behaviour,
    };

    private static async Task<SimulationResult> Simulate(IAnsiConsole console, SimulationOptions options, Gazetteer gazetteer)
    {
        options.Validate();
        SimulationResult? result = null;
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"{options.Participants} participants", maxValue: options.Participants);
                result = await Simulator.RunAsync(options with { Progress = p => task.Value = p.Finished }, gazetteer);
            });
        return result!;
    }

    private static void Summary(TextWriter output, SimulationResult r)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.Options.Participants} simulated participants of {r.Options.ExperimentId} (seed {r.Options.Seed}) in {r.Elapsed.TotalSeconds:0.0} s: {r.Count(SessionEnd.Completed)} completed, {r.Count(SessionEnd.Declined)} declined, {r.Count(SessionEnd.DroppedOut)} dropped out, {r.Count(SessionEnd.Failed)} failed"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"events: {r.EventsProduced:N0} produced, {r.EventsSent:N0} sent, {r.EventsLost:N0} lost; {r.Retries} resends"));
        var dropped = r.Sessions.Where(s => s.End == SessionEnd.DroppedOut).GroupBy(s => s.LastStep).OrderBy(g => g.Key, StringComparer.Ordinal);
        if (dropped.Any()) output.WriteLine("dropped out during: " + string.Join(", ", dropped.Select(g => $"{g.Key} {g.Count()}")));
        foreach (var (message, count) in r.Errors) output.WriteLine($"problem ({count}×): {message}");
    }

    /// <summary>Monte Carlo power of the exact binomial test at each true proportion and n, beside the exact power.</summary>
    private static int Power(CommandLine command, TextWriter output)
    {
        var reference = command.Option("--reference") switch
        {
            null or "pen" => ReportOptions.GallupReferences["pen"],
            "map" => ReportOptions.GallupReferences["map"],
            var text => Parse(text, "--reference"),
        };
        var proportions = List(command, "--proportion", "0.9").Select(p => Parse(p, "--proportion")).ToList();
        var sizes = List(command, "--n", "100,200,500").Select(n => (int)Parse(n, "--n")).ToList();
        var studies = Integer(command, "--studies", 2000);
        var alpha = Number(command, "--alpha", 0.05);
        var seed = Integer(command, "--seed", 1);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"power of the exact binomial test against p0 = {reference} (alpha {alpha}), {studies:N0} simulated studies each (seed {seed})"));
        output.WriteLine("  true p      n   Monte Carlo power (95 % CI)   exact power");
        foreach (var p in proportions)
            foreach (var n in sizes)
            {
                var mc = MonteCarloPower.Estimate(p, reference, n, alpha, studies, seed, (k, size) => ExactBinomialTest.Compute(k, size, reference).PValue <= alpha);
                var ci = WilsonInterval.Compute(mc.Rejections, mc.Studies);
                var exact = ExactBinomialPower.PowerAt(n, reference, p, alpha);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {p,6:0.###} {n,6}   {mc.Power,6:0.000} ({ci.Low:0.000}–{ci.High:0.000})        {exact,6:0.000}"));
            }
        return 0;
    }

    private static IEnumerable<string> List(CommandLine command, string name, string fallback) =>
        (command.Option(name) ?? fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static double Number(CommandLine command, string name, double fallback) =>
        command.Option(name) is { } text ? Parse(text, name) : fallback;

    private static int Integer(CommandLine command, string name, int fallback)
    {
        if (command.Option(name) is not { } text) return fallback;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"{name} needs a whole number, was '{text}'");
    }

    private static double Parse(string text, string name) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new ArgumentException($"{name} needs a number such as 0.9, was '{text}'");
}
