using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Hosting;
using PbsPocketIdWizard.Web.Persistence;

namespace PbsPocketIdWizard.Web.Tests.Support;

/// <summary>A temporary data directory and SQLite stores over it, each as a restart or another process would open it.</summary>
public sealed class StoreDirectory(DateTimeOffset start) : IDisposable
{
    private readonly List<ServiceProvider> _providers = [];

    public TempDirectory Directory { get; } = new();

    public FakeTimeProvider Time { get; } = new(start);

    public SqliteWizardStore NewStore()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddWizardPersistence(Directory.Path);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return Assert.IsType<SqliteWizardStore>(provider.GetRequiredService<IWizardStateStore>());
    }

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        Directory.Dispose();
    }
}

/// <summary>A step that validates, plans, applies and verifies without doing anything.</summary>
public sealed class NoOpStep(WizardStepId id) : WizardStep
{
    public override WizardStepId Id { get; } = id;

    public override string Title => Id.ToString();

    public static IReadOnlyList<IWizardStep> All() => Enum.GetValues<WizardStepId>().Select(id => (IWizardStep)new NoOpStep(id)).ToList();
}
