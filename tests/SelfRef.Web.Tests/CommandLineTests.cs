using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SelfRef.Tests.Support;
using SelfRef.Web.Commands;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Tests;

/// <summary>The program as a command-line tool: help, mistakes in the arguments, one configuration for serving and every verb.</summary>
public sealed class CommandLineTests : IDisposable
{
    private static string Experiments => Path.Combine(SelfRefFactory.RepositoryRoot, "experiments");

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("selfref-cli-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string InFolder(string name) => Path.Combine(_folder.FullName, name);

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = CommandLine.Run(args, TextReader.Null, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The root (the server) and every verb.</summary>
    public static TheoryData<string> Commands()
    {
        var names = new TheoryData<string> { "", ServeCommand.Name };
        foreach (var verb in CommandLine.Verbs) names.Add(verb.Command.Name);
        return names;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_on_the_root_and_every_verb_prints_usage_and_starts_nothing(string verb)
    {
        var database = InFolder("help.db");
        var schema = InFolder("schema.json");
        var command = verb == "" ? null : CommandLine.Verbs.SingleOrDefault(v => v.Command.Name == verb)?.Command;
        var options = (command?.Options.AsEnumerable() ?? ServeCommand.Options).Where(o => !o.Hidden).Select(o => o.Name).ToList();
        string[] before = verb == "" ? [] : [verb];
        // Arguments that would open the database or write a file, were the verb run.
        string[] opening = options.Contains("--db") ? ["--db", database] : verb == "schema" ? [schema] : [];

        foreach (var help in new[] { "--help", "-h" })
        {
            var (exit, output, error) = Run([.. before, .. opening, help]);
            Assert.True(exit == 0, $"'{verb} {help}' exited with {exit}: {error}");
            Assert.Equal("", error);
            Assert.Contains("Usage:", output);
            foreach (var option in options) Assert.Contains(option, output);
            if (verb == "") foreach (var name in CommandLine.Verbs.Select(v => v.Command.Name)) Assert.Contains(name, output);
            Assert.False(File.Exists(database), $"'{verb} {help}' created the database");
            Assert.False(File.Exists(schema), $"'{verb} {help}' wrote the schema");
            // Program.cs serves only when the command line says so.
            Assert.False(CommandLine.Parse([.. before, help]).Serves, $"'{verb} {help}' would start the server");
        }
    }

    [Theory]
    [InlineData(new[] { "export", "--out", "{folder}/export", "--experimnet", "gallup-pen" }, "export: unknown option '--experimnet'")]
    [InlineData(new[] { "export", "--out", "{folder}/export", "--format", "xlsx" }, "export: unknown --format 'xlsx'; use csv, jsonl, psych-ds")]
    [InlineData(new[] { "export", "--out" }, "export: --out needs a value")]
    [InlineData(new[] { "export", "--experiment", "gallup-pen" }, "export: Option '--out' is required.")]
    [InlineData(new[] { "validate", "--experimnets", "{folder}" }, "validate: unknown option '--experimnets'")]
    [InlineData(new[] { "analyze", "--outcomes" }, "analyze: --outcomes needs a value")]
    [InlineData(new[] { "simulate", "--experiment", "gallup-pen", "--participants", "many" }, "simulate: --participants needs a whole number, was 'many'")]
    [InlineData(new[] { "simulate", "--power", "--alpha", "0,05" }, "simulate: --alpha needs a number such as 0.9, was '0,05'")]
    [InlineData(new[] { "simulate", "--power", "--n", "100,lots" }, "simulate: --n needs a number such as 0.9, was 'lots'")]
    [InlineData(new[] { "simulate", "--experiment", "gallup-pen", "--url", "ftp://127.0.0.1" }, "simulate: --url needs an address such as http://127.0.0.1:5080, was 'ftp://127.0.0.1'")]
    [InlineData(new[] { "simulate", "--experiment", "gallup-pen", "--url", "http://127.0.0.1:9", "--self", "pen=1.5" }, "simulate: --self pen: the probability must be a number between 0 and 1, was '1.5'")]
    [InlineData(new[] { "simulate", "--experiment", "gallup-pen", "--self", "pen=0.8,pne=0.5" }, "simulate: --self: there is no task type 'pne' (task types: {tasks})")]
    [InlineData(new[] { "simulate", "--experiment", "gallup-pen", "--self", "0.8" }, "simulate: --self needs TASK=P such as pen=0.8, was '0.8'")]
    [InlineData(new[] { "simulate", "--experiment", "gallup-pen", "--self-name", "0.8" }, "simulate: unknown option '--self-name'")]
    [InlineData(new[] { "account", "add", "anna", "--db" }, "account: --db needs a value")]
    [InlineData(new[] { "account", "remove", "anna" }, "account: use 'account add NAME [--role owner|researcher|coder|viewer] [--experiment ID]… [--password-stdin] [--reset]' or 'account list'")]
    [InlineData(new[] { "schema", "a.json", "b.json" }, "schema: unexpected argument 'b.json'")]
    [InlineData(new[] { "serve", "--urls" }, "serve: --urls needs a value")]
    [InlineData(new[] { "--port", "8080" }, "unknown option '--port'")]
    [InlineData(new[] { "exprot", "--out", "{folder}/export" }, "unknown verb 'exprot'; the verbs are serve, validate, schema, analyze, export, simulate, account")]
    [InlineData(new[] { "export", "--out", "{folder}/export", "--SelfRef:Database" }, "export: --SelfRef:Database needs a value")]
    [InlineData(new[] { "export", "--out", "{folder}/export", "--SelfRef:SessionQuotaMegabytes=0" }, "configuration: SelfRef:SessionQuotaMegabytes: The field SessionQuotaMegabytes must be between 1 and 4096.")]
    [InlineData(new[] { "export", "--out", "{folder}/export", "--SelfRef:AbandonCheckSeconds=soon" }, "configuration: Failed to convert configuration value 'soon' at 'SelfRef:AbandonCheckSeconds'")]
    public void A_mistake_in_the_arguments_is_one_line_naming_it_and_exit_code_2(string[] args, string said)
    {
        var (exit, output, error) = Run([.. args.Select(a => a.Replace("{folder}", _folder.FullName))]);
        said = said.Replace("{tasks}", string.Join(", ", SelfRef.Core.Experiments.StepTypes.Tasks.Select(t => t.Name)));
        Assert.Equal(2, exit);
        var line = Assert.Single(Lines(error));
        Assert.StartsWith(said, line);
        Assert.Equal("", output);
        // Nothing was written: a typo in --experiment used to export every experiment.
        Assert.False(Directory.Exists(InFolder("export")), "the export was written anyway");
    }

    [Fact]
    public void Appsettings_beside_the_program_reach_a_verb_and_the_command_line_overrides_them()
    {
        // appsettings.{environment}.json is read beside the program like appsettings.json; a name of this test's own keeps parallel tests out of it.
        var environment = "CommandLineTest" + Guid.NewGuid().ToString("N");
        var settingsFile = Path.Combine(AppContext.BaseDirectory, $"appsettings.{environment}.json");
        var configured = InFolder("from-appsettings.db");
        File.WriteAllText(settingsFile, $$"""{ "SelfRef": { "Database": {{System.Text.Json.JsonSerializer.Serialize(configured)}} } }""");
        try
        {
            string[] export = ["export", "--environment", environment, "--experiments", Experiments, "--out", InFolder("export")];
            Assert.Contains($"no database at {configured}", NoDatabase(Run(export)));
            Assert.Contains($"no database at {InFolder("from-db.db")}", NoDatabase(Run([.. export, "--db", InFolder("from-db.db")])));
            Assert.Contains($"no database at {InFolder("from-key.db")}", NoDatabase(Run([.. export, $"--SelfRef:Database={InFolder("from-key.db")}"])));

            // A verb that opens the database opens the configured one.
            var list = Run("account", "list", "--environment", environment);
            Assert.Equal(0, list.Exit);
            Assert.Contains("no accounts yet", list.Output);
            Assert.True(File.Exists(configured), $"account list did not open {configured}");
        }
        finally { File.Delete(settingsFile); }
    }

    private static string NoDatabase((int Exit, string Output, string Error) run)
    {
        Assert.Equal(1, run.Exit);
        return Assert.Single(Lines(run.Error));
    }

    [Fact]
    public async Task An_environment_variable_reaches_a_verb_as_it_reaches_the_server()
    {
        var fromEnvironment = InFolder("from-environment.db");
        string[] export = ["export", "--experiments", Experiments, "--out", InFolder("export")];
        var run = await ThisProgram(export, new() { ["SelfRef__Database"] = fromEnvironment });
        Assert.Equal(1, run.Exit);
        Assert.Equal($"export: no database at {fromEnvironment}; give its path with --db FILE (or the setting SelfRef:Database)", Assert.Single(Lines(run.Error)));

        var overridden = await ThisProgram([.. export, "--db", InFolder("from-db.db")], new() { ["SelfRef__Database"] = fromEnvironment });
        Assert.Contains($"no database at {InFolder("from-db.db")}", Assert.Single(Lines(overridden.Error)));
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_naming_the_address()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var address = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";
        var run = await ThisProgram(["serve", "--urls", address, "--db", InFolder("serve.db"), "--experiments", Experiments],
            new() { ["SelfRef__ResearcherPassword"] = "port-test-" + Guid.NewGuid().ToString("N") });
        Assert.NotEqual(0, run.Exit);
        var line = Assert.Single(Lines(run.Error));
        Assert.Contains(address, line);
        Assert.Contains("already in use", line);
        Assert.DoesNotContain("   at ", run.Output);
    }

    /// <summary>The program in a child process (its own environment; a port it cannot have), until it exits.</summary>
    private static async Task<(int Exit, string Output, string Error)> ThisProgram(string[] args, Dictionary<string, string> environment)
    {
        var info = LocalServer.ThisProgram(args);
        foreach (var (name, value) in environment) info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        // Only catches a hang (a server that did start): the program ends on its own within seconds.
        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try { await process.WaitForExitAsync(hang.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{string.Join(' ', args)}' did not end: {await output}");
        }
        return (process.ExitCode, await output, await error);
    }
}
