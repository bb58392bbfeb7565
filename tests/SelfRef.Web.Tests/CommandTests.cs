using SelfRef.Tests.Support;
using SelfRef.Web.Commands;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Tests;

public class CommandTests
{
    private static string Experiments => Path.Combine(SelfRefFactory.RepositoryRoot, "experiments");

    [Fact]
    public void Validate_accepts_the_shipped_experiments()
    {
        var output = new StringWriter();
        var files = Directory.GetFiles(Experiments, "gallup-*.json");
        Assert.Equal(0, ValidateCommand.Run(CommandLine.Parse(["validate", .. files]), output, new StringWriter()));
        Assert.Equal(3, output.ToString().Split('\n').Count(l => l.StartsWith("ok ")));
    }

    [Fact]
    public void Validate_names_file_path_and_reason_and_exits_non_zero()
    {
        var broken = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.json");
        File.WriteAllText(broken, File.ReadAllText(Path.Combine(Experiments, "gallup-pen.json")).Replace("\"firstWordGapMs\": 1000", "\"firstWordGapMs\": \"long\""));
        try
        {
            var error = new StringWriter();
            Assert.Equal(1, ValidateCommand.Run(CommandLine.Parse(["validate", broken]), new StringWriter(), error));
            Assert.Contains($"{broken}: $.steps[2].firstWordGapMs: \"long\" is of the wrong type", error.ToString());
        }
        finally { File.Delete(broken); }
    }

    [Theory]
    [InlineData(new[] { "validate", "a.json", "--experiments", "x" }, "validate", "a.json")]
    [InlineData(new[] { "--db", "other.db" }, "serve", null)]
    [InlineData(new string[0], "serve", null)]
    [InlineData(new[] { "serve", "--urls", "http://127.0.0.1:6000" }, "serve", null)]
    public void The_verb_and_files_are_read_from_the_command_line(string[] args, string verb, string? file)
    {
        var command = CommandLine.Parse(args);
        Assert.Equal(verb, command.Verb);
        Assert.Equal(file, command.Files.FirstOrDefault());
    }
}
