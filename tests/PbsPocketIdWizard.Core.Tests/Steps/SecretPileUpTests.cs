using Microsoft.Extensions.DependencyInjection;
using PbsPocketIdWizard.Core.Clients;
using PbsPocketIdWizard.Core.PocketId.Models;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Steps;

/// <summary>
/// Pocket ID 2.14+ keeps up to 20 secrets per client: when the wizard hands PBS a new secret for a client that has
/// older ones PBS does not use, it deletes them once PBS holds the new one.
/// </summary>
public sealed class SecretPileUpTests
{
    /// <summary>A client made by hand for this PBS, with <paramref name="secrets"/> secrets that no PBS realm holds.</summary>
    private static async Task<string> ClientMadeByHandAsync(SimulatorHost host, WizardState state, int secrets)
    {
        var pocketId = host.Engine.GetRequiredService<ApiClientFactory>().CreatePocketId(state.PocketId);
        var client = await pocketId.CreateOidcClientAsync(new PocketIdOidcClientWrite
        {
            Name = "Proxmox Backup Server",
            CallbackUrls = [SimulatorHost.PbsOrigin],
            PkceEnabled = true,
        }, CancellationToken.None);
        for (var i = 0; i < secrets; i++)
        {
            await pocketId.CreateClientSecretAsync(client.Id, "2.14.0", CancellationToken.None);
        }

        return client.Id;
    }

    [Fact]
    public async Task PbsRealm_NewSecretForClientWithOlderOnes_DeletesTheOlderOnesOncePbsHoldsTheNew()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = host.NewState();
        var clientId = await ClientMadeByHandAsync(host, state, secrets: 3);
        state.Client.AdoptClientId = clientId;
        await host.RunStepOkAsync(host.Step<PocketIdConnectionStep>(), state);
        await host.RunStepOkAsync(host.Step<PbsConnectionStep>(), state);
        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);
        Assert.Equal(4, host.PocketId.FindClient(clientId)!.Secrets.Count);

        var plan = await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);

        Assert.Contains(plan!.Changes, c => c.Resource == "Pocket ID client secrets" && c.Description.StartsWith("delete 3 older secrets", StringComparison.Ordinal));
        var kept = Assert.Single(host.PocketId.FindClient(clientId)!.Secrets);
        Assert.StartsWith(kept.Prefix, host.Pbs.Realms.Single(r => r.Name == "PocketID").Properties["client-key"], StringComparison.Ordinal);
        Assert.Equal("alice@PocketID", await host.SignInThroughPbsAsync("PocketID"));

        var again = await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);
        Assert.DoesNotContain(again!.Changes, c => c.Resource == "Pocket ID client secrets");
    }

    [Fact]
    public async Task PbsRealm_PbsAlreadyHoldsAnActiveSecret_DeletesNothing()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = host.NewState();
        foreach (var step in host.Steps.Where(s => s.Id <= WizardStepId.PbsRealm))
        {
            await host.RunStepOkAsync(step, state);
        }

        var clientId = state.Results.ClientId!;
        var pocketId = host.Engine.GetRequiredService<ApiClientFactory>().CreatePocketId(state.PocketId);
        await pocketId.CreateClientSecretAsync(clientId, "2.14.0", CancellationToken.None); // another consumer's secret
        var next = host.NewState();
        next.Client.AdoptClientId = clientId;
        foreach (var step in host.Steps.Where(s => s.Id <= WizardStepId.PbsRealm))
        {
            await host.RunStepOkAsync(step, next);
        }

        Assert.Equal(2, host.PocketId.FindClient(clientId)!.Secrets.Count);
    }
}
