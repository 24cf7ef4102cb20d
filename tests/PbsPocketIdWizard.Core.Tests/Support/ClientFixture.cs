using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PbsPocketIdWizard.Core.Clients;
using PbsPocketIdWizard.Core.Http;

namespace PbsPocketIdWizard.Core.Tests.Support;

/// <summary>A real AddWizardCore() container with a fake clock, for Flurl HttpTest wire tests.</summary>
public sealed class ClientFixture : IDisposable
{
    private readonly ServiceProvider _provider;

    public ClientFixture(Action<WizardHttpOptions>? configure = null)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddWizardCore(configure);
        _provider = services.BuildServiceProvider();
        Factory = _provider.GetRequiredService<ApiClientFactory>();
    }

    public FakeTimeProvider Time { get; }

    public ApiClientFactory Factory { get; }

    public IServiceProvider Services => _provider;

    public void Dispose() => _provider.Dispose();
}
