using System.Text.Json;
using PbsPocketIdWizard.Core.Exports;
using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Exports;

public sealed class ExportBuilderTests
{
    private const string ApiKey = "pid-key-Hx81Qa";
    private const string Password = "pbs-pass-77Zt";
    private const string ClientSecret = "client-secret-93kdLq";

    private static WizardState KnownState()
    {
        var state = new WizardState { StartedAt = new DateTimeOffset(2026, 11, 28, 18, 0, 0, TimeSpan.Zero) };
        state.PocketId.Url = "https://id.example.com/";
        state.PocketId.ApiKey = new Secret(ApiKey);
        state.Pbs.Url = "https://pbs.example.com:8007";
        state.Pbs.Password = new Secret(Password);
        state.Realm.Name = "PocketID";
        state.Realm.Default = true;
        state.Realm.Comment = "Pocket ID (set up by the wizard)";
        state.Permissions.Grants.Add(new PermissionGrantInput { User = "alice", Path = "/", Role = "Admin" });
        state.Permissions.Grants.Add(new PermissionGrantInput { User = "bob@PocketID", Path = "/datastore/store1", Role = "DatastoreBackup", Propagate = false });
        state.Results.Issuer = "https://id.example.com";
        state.Results.ClientId = "3c2f9a";
        state.Results.ClientSecret = new Secret(ClientSecret);
        state.Results.PocketIdVersion = "2.14.0";
        state.Journal.Add(new JournalEntry(state.StartedAt, WizardStepId.OidcClient, "create", ResourceKind.PocketIdClient, "3c2f9a", JournalOutcome.Done));
        state.Results.Verification.Add(new VerificationItem("Realm exists", true, "PocketID"));
        return state;
    }

    [Fact]
    public void PbsCommands_KnownState_PrintsExactProxmoxBackupManagerCommands()
    {
        var lines = ExportBuilder.PbsCommands(KnownState()).Split(Environment.NewLine).Where(l => !l.StartsWith('#') && l.Length > 0);

        Assert.Equal(
        [
            "proxmox-backup-manager openid create PocketID --issuer-url https://id.example.com --client-id 3c2f9a --client-key '<client-secret>' --username-claim username --autocreate 1 --default 1 --comment 'Pocket ID (set up by the wizard)'",
            "proxmox-backup-manager openid update PocketID --scopes 'openid profile email groups' --default 1",
            "proxmox-backup-manager acl update / Admin --auth-id alice@PocketID",
            "proxmox-backup-manager acl update /datastore/store1 DatastoreBackup --auth-id bob@PocketID --propagate 0",
        ], lines);
    }

    [Fact]
    public void PbsCommands_NoDefaultNoScopesPreCreatedUser_LeavesOutWhatWasNotAsked()
    {
        var state = KnownState();
        state.Realm.Default = false;
        state.Realm.Autocreate = false;
        state.Realm.Comment = null;
        state.Permissions.SetScopes = false;
        state.Permissions.Grants.Clear();
        state.FirstSignIn.PreCreateUsers.Add("carol");

        var lines = ExportBuilder.PbsCommands(state).Split(Environment.NewLine).Where(l => !l.StartsWith('#') && l.Length > 0);

        Assert.Equal(
        [
            "proxmox-backup-manager openid create PocketID --issuer-url https://id.example.com --client-id 3c2f9a --client-key '<client-secret>' --username-claim username",
            "proxmox-backup-manager user create carol@PocketID",
        ], lines);
    }

    [Fact]
    public void PocketIdCalls_KnownState_PrintsExactCurlLinesWithKeyVariable()
    {
        var lines = ExportBuilder.PocketIdCalls(KnownState()).Split(Environment.NewLine).Where(l => l.StartsWith("curl", StringComparison.Ordinal));

        Assert.Equal(
        [
            """curl -fsS -X POST https://id.example.com/api/oidc/clients -H "X-API-Key: $POCKET_ID_API_KEY" -H 'Content-Type: application/json' -d '{"id":"3c2f9a","name":"Proxmox Backup Server","callbackURLs":["https://pbs.example.com:8007"],"logoutCallbackURLs":[],"isPublic":false,"pkceEnabled":true,"isGroupRestricted":false,"launchURL":"https://pbs.example.com:8007"}'""",
            "curl -fsS -X POST https://id.example.com/api/oidc/clients/3c2f9a/secrets -H \"X-API-Key: $POCKET_ID_API_KEY\"",
        ], lines);
    }

    [Fact]
    public void PocketIdCalls_KnownClient_CreateBodyCarriesTheIdTheLaterCallsUse()
    {
        var lines = ExportBuilder.PocketIdCalls(KnownState()).Split(Environment.NewLine).ToList();

        var create = lines.FindIndex(l => l.StartsWith("curl", StringComparison.Ordinal));
        Assert.Contains("\"id\":\"3c2f9a\"", lines[create]);
        Assert.Contains("/api/oidc/clients/3c2f9a/secrets", lines[create + 2]);
        Assert.Contains("with the id 3c2f9a", lines[create - 1]);
    }

    [Fact]
    public void PocketIdCalls_OldVersionLogoAndGroups_UsesSingularSecretUploadAndGroupRestriction()
    {
        var state = KnownState();
        state.Results.PocketIdVersion = "2.13.1";
        state.Client.LogoFileName = "pbs logo.png";
        state.Client.AllowedGroups.Add("admins");

        var lines = ExportBuilder.PocketIdCalls(state).Split(Environment.NewLine).Where(l => l.StartsWith("curl", StringComparison.Ordinal)).ToList();

        Assert.Contains("\"isGroupRestricted\":true", lines[0]);
        Assert.Equal("curl -fsS -X POST https://id.example.com/api/oidc/clients/3c2f9a/secret -H \"X-API-Key: $POCKET_ID_API_KEY\"", lines[1]);
        Assert.Equal("""curl -fsS -X POST 'https://id.example.com/api/oidc/clients/3c2f9a/logo?light=true' -H "X-API-Key: $POCKET_ID_API_KEY" -F 'file=@pbs logo.png'""", lines[2]);
        Assert.Equal("""curl -fsS -X PUT https://id.example.com/api/oidc/clients/3c2f9a/allowed-user-groups -H "X-API-Key: $POCKET_ID_API_KEY" -H 'Content-Type: application/json' -d '{"userGroupIds":["<id of group admins>"]}'""", lines[3]);
    }

    [Fact]
    public void Exports_BeforeAnythingWasCreated_UsePlaceholdersAndDerivedCallback()
    {
        var state = new WizardState();
        state.PocketId.Url = "https://id.example.com";
        state.Pbs.Url = "https://pbs.example.com";
        state.Client.ExtraCallbackUrls.Add("https://backup.example.com");

        var script = ExportBuilder.CliScript(state);

        Assert.Contains("\"callbackURLs\":[\"https://pbs.example.com:8007\",\"https://backup.example.com\"]", script);
        Assert.Contains("--client-id '<client-id>'", script);
        Assert.Contains("https://id.example.com/api/oidc/clients/<client-id>/secrets", script);
        Assert.Contains("-d '{\"id\":\"<client-id>\",\"name\"", script);
        Assert.DoesNotContain("its id is in the answer", script);
    }

    [Theory]
    [InlineData("alice@PocketID", "alice@PocketID")]
    [InlineData("root@pam!wizard", "'root@pam!wizard'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("", "''")]
    public void Quote_Value_IsShellSafe(string value, string expected) => Assert.Equal(expected, ExportBuilder.Quote(value));

    [Fact]
    public void JsonReport_KnownState_HasInputsResultsJournalVerificationButNoSecrets()
    {
        var json = ExportBuilder.JsonReport(KnownState());

        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("https://pbs.example.com:8007", root.GetProperty("inputs").GetProperty("pbs").GetProperty("url").GetString());
        Assert.False(root.GetProperty("inputs").GetProperty("pbs").TryGetProperty("password", out _));
        Assert.False(root.GetProperty("inputs").GetProperty("pocketId").TryGetProperty("apiKey", out _));
        Assert.Equal("3c2f9a", root.GetProperty("results").GetProperty("clientId").GetString());
        Assert.False(root.GetProperty("results").TryGetProperty("clientSecret", out _));
        Assert.False(root.GetProperty("results").TryGetProperty("verification", out _));
        Assert.Equal("PocketIdClient", root.GetProperty("journal")[0].GetProperty("resource").GetString());
        Assert.Equal("3c2f9a", root.GetProperty("journal")[0].GetProperty("resourceId").GetString());
        Assert.StartsWith("Pocket ID OIDC client 3c2f9a", root.GetProperty("journal")[0].GetProperty("description").GetString());
        Assert.True(root.GetProperty("verification")[0].GetProperty("passed").GetBoolean());
        Assert.Equal("Admin", root.GetProperty("inputs").GetProperty("permissions").GetProperty("grants")[0].GetProperty("role").GetString());
    }

    [Fact]
    public void AllExports_KnownStateWithSecrets_ContainNoSecretText()
    {
        var state = KnownState();
        var everything = ExportBuilder.CliScript(state) + ExportBuilder.JsonReport(state);

        foreach (var secret in new[] { ApiKey, Password, ClientSecret })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }

        Assert.Contains("$POCKET_ID_API_KEY", everything, StringComparison.Ordinal);
        Assert.Contains("<client-secret>", everything, StringComparison.Ordinal);
    }
}
