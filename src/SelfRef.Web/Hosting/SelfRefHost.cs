using System.ComponentModel.DataAnnotations;

namespace SelfRef.Web.Hosting;

/// <summary>
/// The one configuration the server and every verb read, set up in one place: appsettings.json
/// (and appsettings.{environment}.json) beside the program, then environment variables
/// (<c>SelfRef__Database=…</c>), then the command line (<c>--db …</c>, <c>--SelfRef:Database=…</c>),
/// the later winning; the SelfRef section bound to <see cref="SelfRefOptions"/> and validated.
/// </summary>
public static class SelfRefHost
{
    /// <param name="settings">The command line's settings as <c>--key=value</c> (<see cref="CommandLine.Settings"/>).</param>
    /// <param name="serving">A verb reads the configuration once: it watches no file (each watcher holds an inotify instance, of which a user has few).</param>
    public static WebApplicationBuilder CreateBuilder(IReadOnlyList<string> settings, bool serving)
    {
        string[] args = serving ? [.. settings] : ["--hostBuilder:reloadConfigOnChange=false", .. settings];
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddOptions<SelfRefOptions>().BindConfiguration(SelfRefOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (serving) builder.Services.LeaveOutAddressInUseTrace();
        return builder;
    }

    /// <summary>The settings, or null after one line on <paramref name="error"/> naming the setting that is wrong.</summary>
    public static SelfRefOptions? Settings(IConfiguration configuration, TextWriter error)
    {
        SelfRefOptions settings;
        try { settings = configuration.GetSection(SelfRefOptions.Section).Get<SelfRefOptions>() ?? new SelfRefOptions(); }
        catch (InvalidOperationException e)
        {
            // The binder names the key and the type: "Failed to convert configuration value 'x' at 'SelfRef:AbandonCheckSeconds' to type 'System.Int32'."
            error.WriteLine($"configuration: {e.Message}");
            return null;
        }
        var problems = new List<ValidationResult>();
        if (Validator.TryValidateObject(settings, new ValidationContext(settings), problems, validateAllProperties: true)) return settings;
        error.WriteLine("configuration: " + string.Join("; ", problems.Select(p =>
            $"{string.Join(", ", p.MemberNames.Select(m => $"{SelfRefOptions.Section}:{m}"))}: {p.ErrorMessage}")));
        return null;
    }
}
