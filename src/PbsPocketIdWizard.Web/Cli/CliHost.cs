using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Core;
using PbsPocketIdWizard.Web.Hosting;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;
using Serilog.Formatting;
using Serilog;

namespace PbsPocketIdWizard.Web.Cli;

/// <summary>
/// The small host behind each engine command: logging to standard error (Serilog), the engine, the session, and the
/// SQLite store (or an in-memory one for commands that must not touch a data directory).
/// </summary>
public static class CliHost
{
    public const string DataDirectoryVariable = "Wizard__DataDirectory";

    public static ServiceProvider Build(CliConsole console, string? dataDirectory, Action<IServiceCollection>? configureServices)
    {
        var serilog = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("System", LogEventLevel.Warning)
            // "No XML encryptor configured" is expected here: the keys live in the data directory, readable by its owner only.
            .MinimumLevel.Override("Microsoft.AspNetCore.DataProtection", LogEventLevel.Error)
            .Destructure.ByTransforming<Secret>(_ => "***")
            .WriteTo.Sink(new TextWriterSink(console.Error, new MessageTemplateTextFormatter("[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}")))
            .CreateLogger();

        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddSerilog(serilog, dispose: true));
        services.AddSingleton(TimeProvider.System);
        services.AddWizardCore();
        services.AddSingleton<WatchForUsers>(sp => sp.GetRequiredService<SignInWatcher>().WatchAsync);
        services.AddWizardSession();
        if (dataDirectory is null)
        {
            services.AddSingleton<IWizardStateStore, InMemoryWizardStateStore>();
        }
        else
        {
            services.AddWizardPersistence(dataDirectory);
        }

        configureServices?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    public static string DefaultDataDirectory(CliConsole console) =>
        console.Environment(DataDirectoryVariable) is { Length: > 0 } path ? path : Persistence.WizardDataDirectory.DefaultPath;

    /// <summary>Writes log events to the command's error writer (Console.Error, or a test's writer).</summary>
    private sealed class TextWriterSink(TextWriter writer, ITextFormatter formatter) : ILogEventSink
    {
        private readonly Lock _lock = new();

        public void Emit(LogEvent logEvent)
        {
            lock (_lock)
            {
                formatter.Format(logEvent, writer);
                writer.Flush();
            }
        }
    }
}
