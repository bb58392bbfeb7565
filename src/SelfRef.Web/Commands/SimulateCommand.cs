using System.CommandLine;
using SelfRef.Core.Sessions;
using System.Globalization;
using SelfRef.Core.Experiments;
using SelfRef.Core.Gazetteer;
using SelfRef.Core.Storage;
using SelfRef.Core.Tasks;
using SelfRef.Simulation;
using SelfRef.Simulation.Participants;
using SelfRef.Simulation.Power;
using SelfRef.Stats.Estimators;
using SelfRef.Stats.Report;
using SelfRef.Stats.Results;
using SelfRef.Web.Hosting;
using SelfRef.Web.Researcher;
using Spectre.Console;

namespace SelfRef.Web.Commands;

/// <summary>
/// `simulate --experiment ID --participants N [--concurrency C] [--seed S] [--self TASK=P,…]
/// [--url URL | --db FILE] [--out DIR]`: a simulated study through the real participant link and
/// hub, then its analysis, every task of the experiment beside its true probability.
/// `simulate --power`: Monte Carlo power of the exact binomial test beside the exact power.
/// </summary>
public static class SimulateCommand
{
    private static readonly Behaviour Defaults = new();

    private static readonly Option<string> Experiment = VerbOptions.Text("--experiment", "ID", "The experiment the simulated participants take part in");
    private static readonly Option<int> Participants = VerbOptions.Integer("--participants", "How many simulated participants", 100);
    private static readonly Option<int> Concurrency = VerbOptions.Integer("--concurrency", "How many run at once", 8);
    private static readonly Option<int> Seed = VerbOptions.Integer("--seed", "Fixes every draw: the same seed gives the same participants and events", 1);
    private static readonly Option<IReadOnlyList<(TaskType Task, double Probability)>> Self = new("--self")
    {
        HelpName = "TASK=P,…",
        Description = "True probability that the first action in a task is self-referential, per task type ("
                      + string.Join(", ", StepTypes.Tasks.Select(t => $"{t.Name}={Defaults.SelfReference(t).ToString(CultureInfo.InvariantCulture)}"))
                      + " unless given); repeatable, e.g. --self pen=0.8,map=0.6",
        CustomParser = result => result.Tokens.SelectMany(token => token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(pair => TaskProbability(result, pair)).ToList(),
    };
    private static readonly Option<double> DropOut = VerbOptions.Number("--drop-out", "Probability of leaving during any one step", Defaults.DropOut);
    private static readonly Option<double> Decline = VerbOptions.Number("--decline", "Probability of declining consent", Defaults.Decline);
    private static readonly Option<double> CoderAgreement = VerbOptions.Number("--coder-agreement", "Probability that both simulated coders give the true code", Defaults.CoderAgreement);
    private static readonly Option<Uri> Url = new("--url")
    {
        HelpName = "URL",
        Description = "A running server on this machine to simulate against, instead of starting one",
        CustomParser = result => Uri.TryCreate(result.Tokens[0].Value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" ? url : NotAUrl(result),
    };
    private static readonly Option<string> Database = VerbOptions.Text("--db", "FILE", "The database of the server it starts (default a new file in the temp folder, kept and printed); not the configured database");
    private static readonly Option<string> Out = VerbOptions.Text("--out", "DIR", "Also write the report there");
    private static readonly Option<bool> PowerFlag = VerbOptions.Flag("--power", "Instead: Monte Carlo power of the exact binomial test beside the exact power (no server)");
    // Task types with a reference study: --reference may name one instead of a number.
    private static readonly IReadOnlyList<TaskType> Referenced = StepTypes.Tasks.Where(t => t.ReferenceProportion is not null).ToList();

    private static readonly Option<double> Reference = new("--reference")
    {
        HelpName = "TASK|P",
        Description = "--power: the reference proportion, a task type's ("
                      + string.Join(", ", Referenced.Select(t => $"{t.Name} {t.ReferenceProportion!.Value.ToString(CultureInfo.InvariantCulture)}"))
                      + ") or a number",
        DefaultValueFactory = _ => Referenced[0].ReferenceProportion!.Value,
        CustomParser = result => StepTypes.Task(result.Tokens[0].Value)?.ReferenceProportion ?? ReferenceNumber(result),
    };
    private static readonly Option<IReadOnlyList<double>> Proportions = VerbOptions.Numbers("--proportion", "P,…", "--power: the true proportions [default: 0.9]");
    private static readonly Option<IReadOnlyList<double>> Sizes = VerbOptions.Numbers("--n", "N,…", "--power: the sample sizes [default: 100,200,500]");
    private static readonly Option<int> Studies = VerbOptions.Integer("--studies", "--power: simulated studies per proportion and size", 2000);
    private static readonly Option<double> Alpha = VerbOptions.Number("--alpha", "--power: the significance level", 0.05);

    public static Verb Verb { get; } = new(
        new Command("simulate", "Run a study with simulated participants through the real participant link and hub, then analyse it; or, with --power, estimate the power of the binomial test.")
        {
            Experiment, Participants, Concurrency, Seed, Self, DropOut, Decline, CoderAgreement, Url, Database, Out,
            SettingOption.Experiments, SettingOption.Gazetteer, SettingOption.Environment,
            PowerFlag, Reference, Proportions, Sizes, Studies, Alpha,
        },
        Run);

    private static Uri? NotAUrl(System.CommandLine.Parsing.ArgumentResult result)
    {
        result.AddError($"--url needs an address such as http://127.0.0.1:5080, was '{result.Tokens[0].Value}'");
        return null;
    }

    private static double ReferenceNumber(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)) return value;
        result.AddError($"--reference needs a task type with a reference study ({string.Join(", ", Referenced.Select(t => t.Name))}) or a number such as 0.9, was '{text}'");
        return 0;
    }

    /// <summary>One TASK=P of --self: a task type that exists and a probability.</summary>
    private static (TaskType, double) TaskProbability(System.CommandLine.Parsing.ArgumentResult result, string pair)
    {
        var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || parts[0].Length == 0)
        {
            result.AddError($"--self needs TASK=P such as pen=0.8, was '{pair}'");
            return default;
        }
        if (StepTypes.Task(parts[0]) is not { } task)
        {
            result.AddError($"--self: there is no task type '{parts[0]}' (task types: {string.Join(", ", StepTypes.Tasks.Select(t => t.Name))})");
            return default;
        }
        if (!double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var p) || !(p >= 0 && p <= 1))
        {
            result.AddError($"--self {task.Name}: the probability must be a number between 0 and 1, was '{parts[1]}'");
            return default;
        }
        return (task, p);
    }

    private static int Run(VerbRun run)
    {
        try
        {
            if (run.Get(PowerFlag)) return Power(run);
            if (run.Get(Experiment) is not { } experimentId) return run.Usage("give --experiment ID (and --participants N), or --power");
            return Study(run, experimentId).GetAwaiter().GetResult();
        }
        catch (ArgumentException e)
        {
            // Values the parser cannot judge alone (SimulationOptions.Validate: counts and probabilities in range).
            return run.Usage(e.Message);
        }
        catch (Exception e) when (e is IOException or ExperimentLoadException or InvalidDataException)
        {
            return run.Failed(e.Message);
        }
    }

    private static async Task<int> Study(VerbRun run, string experimentId)
    {
        var behaviour = new Behaviour
        {
            DropOut = run.Get(DropOut),
            Decline = run.Get(Decline),
            CoderAgreement = run.Get(CoderAgreement),
        };
        foreach (var (task, probability) in run.Get(Self) ?? []) behaviour = behaviour.WithSelfReference(task.Name, probability);
        var output = run.Output;
        var url = run.Get(Url);
        var experimentsFolder = run.Settings.ExperimentsPath;
        var gazetteer = GazetteerFile.Shared(GazetteerFile.Locate(run.Configuration[SettingOption.Gazetteer.Key]));
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });

        if (url is not null)
        {
            var remote = await Simulate(console, Options(run, url, experimentId, behaviour), gazetteer);
            Summary(output, remote);
            output.WriteLine($"{remote.Codes.Count / 2} handwritten answers were not coded: against a running server the simulated coders cannot store codes; code them in the researcher's coding view, or simulate with the built-in server.");
            output.WriteLine($"analyse once the server has stopped: dotnet run --project src/SelfRef.Web -- analyze --experiment {experimentId} --db <its database>");
            return remote.Count(SessionEnd.Failed) == 0 && remote.EventsLost == 0 ? 0 : 1;
        }

        var experiment = ExperimentLoader.LoadFolder(experimentsFolder).FirstOrDefault(e => e.Id == experimentId)
            ?? throw new IOException($"no experiment '{experimentId}' in {experimentsFolder}");
        var tasks = experiment.Steps.Select(StepTypes.TaskOf).OfType<TaskType>().Distinct().ToList();
        foreach (var (task, _) in run.Get(Self) ?? [])
            if (!tasks.Contains(task)) output.WriteLine($"note: {experimentId} has no {task.Name} step; --self {task.Name} changes nothing");
        var database = Path.GetFullPath(run.Get(Database)
            ?? Path.Combine(Path.GetTempPath(), $"selfref-simulation-{experimentId}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.db"));
        output.WriteLine($"starting a server on this machine with database {database}");
        SimulationResult result;
        await using (var server = await LocalServer.Start(database, experimentsFolder, TimeSpan.FromSeconds(120)))
            result = await Simulate(console, Options(run, server.BaseUrl, experimentId, behaviour), gazetteer);
        Summary(output, result);

        // The server has stopped: the database is this process's to code and analyse.
        // Through the keys the server encrypted identifiers with: name matching needs the names.
        using (var study = OpenedStudy.Open(database, IdentifierProtection.DefaultKeyFolder(database), experimentsFolder))
        {
            await SimulatedCoders.Save(new SessionService(study.Store, study.Catalog, TimeProvider.System, OfflineTaskServices.Deriver()), experimentId, result.Codes, DateTime.UtcNow);
            var analysis = ExperimentAnalysis.Of(study.Find(experimentId), study.Store);
            output.WriteLine();
            output.WriteLine("analysis (95 % Wilson intervals) against the simulated truth:");
            var recovered = true;
            foreach (var task in tasks)
            {
                var truth = behaviour.SelfReference(task);
                var rows = analysis.Rows.Where(r => r.Task == task.Name && r.SelfReference is not null).ToList();
                if (rows.Count == 0)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {task.Name}: no participant classified; true {truth:P1}"));
                    continue;
                }
                var k = rows.Count(r => r.SelfReference == true);
                var ci = WilsonInterval.Compute(k, rows.Count);
                var inside = ci.Low <= truth && truth <= ci.High;
                recovered &= inside;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {task.Name}: {k}/{rows.Count} = {ci.Estimate:P1} (CI {ci.Low:P1}–{ci.High:P1}); true {truth:P1}: {(inside ? "inside" : "OUTSIDE")} the interval; missing: {analysis.Rows.Count(r => r.Task == task.Name && r.SelfReference is null)}"));
                // The report's test of the task: against its reference, or against each participant's chance.
                double? reference = analysis.Options.References.TryGetValue(task.Name, out var p0) ? p0 : null;
                if (TaskResult.Compute(analysis.Rows, task.Name, reference, analysis.Options.ConfidenceLevel, analysis.Options.ChanceColumns.GetValueOrDefault(task.Name)) is { } tested)
                    output.WriteLine($"    {TaskSummaryLine.Of(tested)}");
            }
            if (run.Get(Out) is { } outDir)
            {
                var report = ReplicationReport.Write(analysis.Rows, analysis.Options, outDir);
                output.WriteLine($"wrote {Path.GetFullPath(report.HtmlPath)}");
            }
            output.WriteLine($"the database is kept: dotnet run --project src/SelfRef.Web -- analyze --experiment {experimentId} --db {database} --out report");
            if (!recovered) output.WriteLine("a true probability lies outside its interval: expected in about 1 run of 20 per task; try another --seed.");
        }
        return result.Count(SessionEnd.Failed) == 0 && result.EventsLost == 0 ? 0 : 1;
    }

    private static SimulationOptions Options(VerbRun run, Uri baseUrl, string experimentId, Behaviour behaviour) => new()
    {
        BaseUrl = baseUrl,
        ExperimentId = experimentId,
        Participants = run.Get(Participants),
        Concurrency = run.Get(Concurrency),
        Seed = run.Get(Seed),
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
    private static int Power(VerbRun run)
    {
        var output = run.Output;
        var reference = run.Get(Reference);
        var proportions = run.Get(Proportions) ?? [0.9];
        var sizes = (run.Get(Sizes) ?? [100, 200, 500]).Select(n => (int)n).ToList();
        var studies = run.Get(Studies);
        var alpha = run.Get(Alpha);
        var seed = run.Get(Seed);
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
}
