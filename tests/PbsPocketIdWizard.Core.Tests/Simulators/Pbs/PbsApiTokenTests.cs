using System.Net;

namespace PbsPocketIdWizard.Core.Tests.Simulators.Pbs;

/// <summary>pbs-api.md §2.3: `PBSAPIToken` header forms, privilege separation, root tokens are not superusers.</summary>
public sealed class PbsApiTokenTests
{
    [Theory]
    [InlineData('=')]
    [InlineData(' ')]
    public async Task Token_BothHeaderForms_Authenticate_Section2_3(char separator)
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var secret = pbs.State.AddApiToken("root@pam", "wizard");

        var response = await pbs.GetAsync("/api2/json/version", PbsAuth.FromToken("root@pam!wizard", secret, separator));

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Token_PercentEncodedSecret_IsDecoded_Section2_3()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var secret = pbs.State.AddApiToken("root@pam", "wizard");

        var response = await pbs.GetAsync("/api2/json/version", PbsAuth.FromToken("root@pam!wizard", secret.Replace("-", "%2D", StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Token_WrongSecretOrPveStyleSeparator_Returns401_Section2_3()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var secret = pbs.State.AddApiToken("root@pam", "wizard");

        var wrong = await pbs.GetAsync("/api2/json/version", PbsAuth.FromToken("root@pam!wizard", "d63e505a-e3ec-449a-9bc7-1da610d4ccde"));
        // PVE's `PVEAPIToken=id=secret` shape does not work on PBS.
        var pveStyle = await pbs.GetAsync("/api2/json/version", new PbsAuth(null, null, $"PBSAPIToken=root@pam!wizard={secret}"));

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal("authentication failed", wrong.Body);
        Assert.Equal(HttpStatusCode.Unauthorized, pveStyle.Status);
    }

    [Fact]
    public async Task Token_WithoutAcl_HasNoPrivilegesEvenForRoot_Section2_3()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var secret = pbs.State.AddApiToken("root@pam", "wizard");
        var token = PbsAuth.FromToken("root@pam!wizard", secret);

        var realms = await pbs.GetAsync("/api2/json/config/access/openid", token);
        var nodes = await pbs.GetAsync("/api2/json/nodes", token);

        Assert.Equal(HttpStatusCode.Forbidden, realms.Status);
        Assert.Equal("permission check failed", realms.Body);
        Assert.Equal(HttpStatusCode.Forbidden, nodes.Status);
    }

    [Fact]
    public async Task Token_WithAdminAclOnRoot_CanManageRealms_ButStillNotSuperuser_Section2_3()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var secret = pbs.State.AddApiToken("root@pam", "wizard");
        pbs.State.SetAcl("/", "root@pam!wizard", "Admin");
        var token = PbsAuth.FromToken("root@pam!wizard", secret);

        var realms = await pbs.GetAsync("/api2/json/config/access/openid", token);
        var nodes = await pbs.GetAsync("/api2/json/nodes", token);

        Assert.Equal(HttpStatusCode.OK, realms.Status);
        Assert.Equal(HttpStatusCode.Forbidden, nodes.Status);
    }

    [Fact]
    public async Task Token_NoCsrfNeededForPut_Section2_3()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var secret = pbs.State.AddApiToken("root@pam", "wizard");
        pbs.State.SetAcl("/", "root@pam!wizard", "Admin");

        var response = await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl",
            PbsTestHost.Form(("path", "/datastore/backups"), ("role", "DatastoreBackup"), ("auth-id", "root@pam")),
            PbsAuth.FromToken("root@pam!wizard", secret));

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Token_TokenAclAndedWithOwnerPrivileges_Section2_3()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        pbs.State.AddUser("dave@pbs", "password1");
        var secret = pbs.State.AddApiToken("dave@pbs", "t");
        pbs.State.SetAcl("/", "dave@pbs!t", "Admin"); // the owner has nothing

        var response = await pbs.GetAsync("/api2/json/config/access/openid", PbsAuth.FromToken("dave@pbs!t", secret));

        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
    }

    [Fact]
    public async Task CreateToken_ViaApi_ReturnsIdAndSecretOnce_Section2_3()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();

        var response = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/users/root@pam/token/wizard", PbsTestHost.Form(), auth);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("root@pam!wizard", response.Data!["tokenid"]!.GetValue<string>());
        var secret = response.Data["value"]!.GetValue<string>();
        Assert.True(Guid.TryParse(secret, out _));
        var users = await pbs.GetAsync("/api2/json/access/users?include_tokens=1", auth);
        var root = users.Data!.AsArray().Single(u => u!["userid"]!.GetValue<string>() == "root@pam")!;
        Assert.Equal("root@pam!wizard", root["tokens"]![0]!["tokenid"]!.GetValue<string>());
        Assert.DoesNotContain(secret, users.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CookieWinsOverTokenHeader_Section2_3()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var ticket = await pbs.LoginAsync();
        var secret = pbs.State.AddApiToken("root@pam", "wizard");

        // A token without ACLs could not read /nodes; with the root cookie present the cookie decides.
        var response = await pbs.GetAsync("/api2/json/nodes",
            ticket with { TokenHeader = $"PBSAPIToken=root@pam!wizard:{secret}" });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("localhost", response.Data![0]!["node"]!.GetValue<string>());
    }
}
