using SelfRef.Core.Experiments;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Commands;

/// <summary>`schema [file]`: writes the experiment JSON Schema generated from the Core records.</summary>
public static class SchemaCommand
{
    public static int Run(CommandLine command, TextWriter output)
    {
        var target = command.Files.FirstOrDefault() ?? Path.Combine("experiments", ExperimentSchema.FileName);
        File.WriteAllText(target, ExperimentSchema.Text);
        output.WriteLine($"wrote {Path.GetFullPath(target)}");
        return 0;
    }
}
