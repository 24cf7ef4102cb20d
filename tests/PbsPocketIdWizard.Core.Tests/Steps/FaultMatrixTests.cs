using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Simulators.Faults;
using PbsPocketIdWizard.Simulators.PocketId;

namespace PbsPocketIdWizard.Core.Tests.Steps;

/// <summary>
/// Every mutating call of a run × {500, connection dropped, hang past the client timeout, killed right after sending}:
/// the step fails once, and applying it again converges to the same final state with no duplicate client, realm,
/// user or ACL, and a client secret in PBS that really works (a full sign-in round trip proves it).
/// </summary>
public sealed class FaultMatrixTests
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];

    /// <summary>Action name → which simulator, verb and path (with {client} standing for the run's client id).</summary>
    private static readonly Dictionary<string, (bool Pbs, string Method, string Path)> Actions = new()
    {
        // Pocket ID ≤ 2.13 (single secret, replaced on each call, pocket-id-api.md §6.2).
        ["CreateLegacySecretV213"] = (false, "POST", "/api/oidc/clients/{client}/secret"),
        ["CreateOidcClient"] = (false, "POST", "/api/oidc/clients"),
        ["UploadLogo"] = (false, "POST", "/api/oidc/clients/{client}/logo"),
        ["SetAllowedGroups"] = (false, "PUT", "/api/oidc/clients/{client}/allowed-user-groups"),
        ["CreateClientSecret"] = (false, "POST", "/api/oidc/clients/{client}/secrets"),
        ["CreateRealm"] = (true, "POST", "/api2/json/config/access/openid"),
        ["PreCreateUser"] = (true, "POST", "/api2/json/access/users"),
        ["SetRealmScopes"] = (true, "PUT", "/api2/json/config/access/openid/PocketID"),
        ["GrantAcl"] = (true, "PUT", "/api2/json/access/acl"),
    };

    private static readonly string[] Faults = ["Http500", "ConnectionDropped", "HangPastTimeout", "KilledAfterSending"];

    public static TheoryData<string, string> Matrix()
    {
        var data = new TheoryData<string, string>();
        foreach (var action in Actions.Keys)
        {
            foreach (var fault in Faults)
            {
                data.Add(action, fault);
            }
        }

        return data;
    }

    private static FaultRule Rule(string method, string path, string fault) => fault switch
    {
        "Http500" => new FaultRule { Method = method, Path = path, Status = 500 },
        "ConnectionDropped" => new FaultRule { Method = method, Path = path, Drop = true },
        "HangPastTimeout" => new FaultRule { Method = method, Path = path, DelayMs = 2500 },
        "KilledAfterSending" => new FaultRule { Method = method, Path = path, DropAfter = true },
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, null),
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Apply_AfterFault_ReRunConvergesWithoutDuplicatesOrLostSecret(string action, string fault)
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile
        {
            RequestTimeout = TimeSpan.FromSeconds(1),
            PocketIdVersion = action.EndsWith("V213", StringComparison.Ordinal) ? "2.13.0" : "2.14.0",
        });
        var state = host.NewState();
        state.Client.LogoFileName = "pbs.png";
        state.Client.LogoContent = Png;
        state.Client.AllowedGroups = ["pbs-admins"];
        state.FirstSignIn.PreCreateUsers = ["alice"];
        state.Permissions.Grants = [new PermissionGrantInput { User = "alice", Path = "/", Role = "Admin" }];

        var (onPbs, method, path) = Actions[action];
        var plan = onPbs ? host.PbsFaults : host.PocketIdFaults;
        plan.Add(Rule(method, path.Replace("{client}", OidcClientStep.ClientIdFor(state), StringComparison.Ordinal), fault));

        var failures = 0;
        foreach (var step in host.Steps)
        {
            var (_, outcome) = await host.RunStepAsync(step, state);
            if (!outcome.Succeeded)
            {
                failures++;
                // The admin presses "Apply" again: same step, same inputs.
                await host.RunStepOkAsync(step, state);
            }
        }

        // The fault was hit and the step failed once; a logo that did arrive is recognised within the same Apply.
        Assert.Empty(plan.Armed());
        Assert.Equal(action == "UploadLogo" && fault == "KilledAfterSending" ? 0 : 1, failures);
        await AssertConvergedAsync(host, state);
    }

    private static async Task AssertConvergedAsync(SimulatorHost host, WizardState state)
    {
        var client = Assert.Single(host.PocketId.Clients);
        Assert.Equal(state.Results.ClientId, client.Id);
        Assert.Equal(["https://pbs.example.com:8007"], client.CallbackUrls);
        Assert.NotNull(client.LightLogo);
        Assert.True(client.IsGroupRestricted);
        Assert.Equal([PocketIdSimulatorState.PbsAdminsGroupId], client.AllowedGroupIds);

        var realm = Assert.Single(host.Pbs.Realms, r => r.Type == "openid");
        Assert.Equal("PocketID", realm.Name);
        Assert.Equal(client.Id, realm.Properties["client-id"]);
        Assert.Equal("openid profile email groups", realm.Properties["scopes"]);
        Assert.Single(host.Pbs.Users, u => u.UserId == "alice@PocketID");
        Assert.Single(host.Pbs.Acls, a => a.AuthId == "alice@PocketID");
        Assert.All(state.Results.Verification, v => Assert.True(v.Passed, $"{v.Check}: {v.Detail}"));

        // The secret PBS holds works: PBS redeems a real authorization code with it.
        Assert.Equal("alice@PocketID", await host.SignInThroughPbsAsync("PocketID"));
    }
}
