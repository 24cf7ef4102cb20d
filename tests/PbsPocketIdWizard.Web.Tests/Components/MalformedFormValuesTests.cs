using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PbsPocketIdWizard.Core;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Components.Wizard;
using PbsPocketIdWizard.Web.Prefill;
using PbsPocketIdWizard.Web.Configuration;
using PbsPocketIdWizard.Core.Security;

namespace PbsPocketIdWizard.Web.Tests.Components;

/// <summary>
/// Bad input never crashes the web form: each malformed value typed into a step gets a message at its field (what the
/// views show through <see cref="WizardViewModel.ErrorFor"/>), and no action error. The engine and its steps are the
/// real ones; every case is refused before any server is called.
/// </summary>
public sealed class MalformedFormValuesTests
{
    private static readonly string Long = new('x', 10_000);

    /// <summary>(a name for the case, the step, the field that must carry the message, the value typed).</summary>
    public static TheoryData<string, WizardStepId, string, Action<WizardState>> MalformedValues => new()
    {
        { "Pocket ID address with user info", WizardStepId.PocketIdConnection, "Url", s => s.PocketId.Url = "https://admin:hunter2@id.example.com" },
        { "Pocket ID file: URL", WizardStepId.PocketIdConnection, "Url", s => s.PocketId.Url = "file:///etc/passwd" },
        { "Pocket ID address with NUL", WizardStepId.PocketIdConnection, "Url", s => s.PocketId.Url = "https://id.example.com\0.evil.example" },
        { "Pocket ID huge port", WizardStepId.PocketIdConnection, "Url", s => s.PocketId.Url = "https://id.example.com:99999999999" },
        { "Pocket ID address with a path", WizardStepId.PocketIdConnection, "Url", s => s.PocketId.Url = "https://id.example.com/app" },
        { "PBS address with user info", WizardStepId.PbsConnection, "Url", s => s.Pbs.Url = "https://root:secret@pbs.example.com:8007" },
        { "PBS plain http", WizardStepId.PbsConnection, "Url", s => s.Pbs.Url = "http://pbs.example.com:8007" },
        { "PBS file: URL", WizardStepId.PbsConnection, "Url", s => s.Pbs.Url = "file:///etc/proxmox-backup" },
        { "PBS address with NUL", WizardStepId.PbsConnection, "Url", s => s.Pbs.Url = "pbs.example.com\0" },
        { "PBS huge port", WizardStepId.PbsConnection, "Url", s => s.Pbs.Url = "https://pbs.example.com:4294967296" },
        { "PBS user with NUL", WizardStepId.PbsConnection, "Username", s => s.Pbs.Username = "root\0@pam" },
        { "PBS user over-long", WizardStepId.PbsConnection, "Username", s => s.Pbs.Username = Long + "@pam" },
        { "PBS fingerprint not hex", WizardStepId.PbsConnection, "Fingerprint", s => s.Pbs.Fingerprint = "zz:zz" },
        { "TOTP code with letters", WizardStepId.PbsConnection, "TotpCode", s => s.Pbs.TotpCode = "12a456" },
        { "client name over-long", WizardStepId.OidcClient, "Name", s => s.Client.Name = Long },
        { "client name with NUL", WizardStepId.OidcClient, "Name", s => s.Client.Name = "Proxmox\0Backup" },
        { "logo of another type", WizardStepId.OidcClient, "LogoFileName", s => (s.Client.LogoFileName, s.Client.LogoContent) = ("logo.exe", [1]) },
        { "logo too large", WizardStepId.OidcClient, "LogoFileName", s => (s.Client.LogoFileName, s.Client.LogoContent) = ("logo.png", new byte[3 * 1024 * 1024]) },
        { "callback URL with user info", WizardStepId.OidcClient, "ExtraCallbackUrls", s => s.Client.ExtraCallbackUrls.Add("https://user:pw@proxy.example.com") },
        { "callback file: URL", WizardStepId.OidcClient, "ExtraCallbackUrls", s => s.Client.ExtraCallbackUrls.Add("file:///etc/passwd") },
        { "group name with NUL", WizardStepId.OidcClient, "AllowedGroups", s => s.Client.AllowedGroups.Add("ad\0mins") },
        { "realm name over-long", WizardStepId.PbsRealm, "Name", s => s.Realm.Name = Long },
        { "realm name with NUL", WizardStepId.PbsRealm, "Name", s => s.Realm.Name = "Pocket\0ID" },
        { "realm comment with NUL", WizardStepId.PbsRealm, "Comment", s => s.Realm.Comment = "one\0two" },
        { "realm comment over-long", WizardStepId.PbsRealm, "Comment", s => s.Realm.Comment = Long },
        { "permission path with NUL", WizardStepId.Permissions, "Grants[0].Path", s => s.Permissions.Grants[0].Path = "/datastore/\0" },
        { "permission path over-long", WizardStepId.Permissions, "Grants[0].Path", s => s.Permissions.Grants[0].Path = "/datastore/" + Long },
        { "permission role over-long", WizardStepId.Permissions, "Grants[0].Role", s => s.Permissions.Grants[0].Role = Long },
        { "permission user with NUL", WizardStepId.Permissions, "Grants[0].User", s => s.Permissions.Grants[0].User = "al\0ice" },
        { "permission user over-long", WizardStepId.Permissions, "Grants[0].User", s => s.Permissions.Grants[0].User = Long },
    };

    [Theory]
    [MemberData(nameof(MalformedValues))]
    public async Task PressPrimary_MalformedValue_MessageAtTheFieldAndNoActionError(string value, WizardStepId step, string field, Action<WizardState> type)
    {
        await using var services = Services();
        await using var scope = services.CreateAsyncScope();
        var vm = scope.ServiceProvider.GetRequiredService<WizardViewModel>();
        await vm.InitializeAsync();
        FillValid(vm.State);
        type(vm.State);
        vm.State.CurrentStep = step;

        await vm.TestAsync(); // what the step's primary button runs first: validate, then (never reached here) the servers

        Assert.False(string.IsNullOrEmpty(vm.ErrorFor(step, field)), $"{value}: no message at {field}");
        Assert.Null(vm.LastError);
        Assert.Equal(StepStatus.Failed, vm.StatusOf(step));
    }

    private static void FillValid(WizardState state)
    {
        state.PocketId.Url = "https://id.example.com";
        state.PocketId.ApiKey = new Secret("pid-api-key-J4n9Xr");
        state.Pbs.Url = "https://pbs.example.com:8007";
        state.Pbs.Password = new Secret("pbs-password-Vb82Lm");
        state.Permissions.Grants.Add(new PermissionGrantInput { User = "alice", Path = "/", Role = "Admin" });
    }

    /// <summary>The web wizard's engine and view model in live mode, over an in-memory store.</summary>
    private static ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWizardCore();
        services.AddWizardSession();
        services.AddSingleton<IWizardStateStore, InMemoryWizardStateStore>();
        services.AddSingleton(Options.Create(new WizardOptions { Mode = WizardMode.Live }));
        services.AddSingleton<DemoSimulators>();
        services.AddSingleton<WizardPrefill>();
        services.AddScoped<WizardViewModel>();
        return services.BuildServiceProvider();
    }
}
