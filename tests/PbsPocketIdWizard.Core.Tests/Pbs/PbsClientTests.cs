using System.Net;
using System.Text.Json;
using Flurl.Http.Testing;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Pbs.Models;
using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Pbs;

public sealed class PbsClientTests : IDisposable
{
    private const string Base = "https://pbs.example.com:8007/api2/json";
    private const string Ticket = "PBS:root@pam:6650A1B2::c2lnbmF0dXJl";
    private const string Csrf = "6650A1B2:Y3NyZg";

    private readonly HttpTest _http = new();
    private readonly ClientFixture _fixture = new();

    public void Dispose()
    {
        _http.Dispose();
        _fixture.Dispose();
    }

    private static PbsConnectionInput PasswordConnection(string url = "https://pbs.example.com:8007") =>
        new() { Url = url, Username = "root@pam", Password = new Secret("hunter2-secret") };

    private static PbsConnectionInput TokenConnection() =>
        new() { Url = "https://pbs.example.com:8007", ApiToken = new Secret("root@pam!wizard:d63e505a-e3ec-449a-9bc7-1da610d4ccde") };

    private static string TicketJson(string ticket = Ticket, string csrf = Csrf) =>
        $$"""{"data":{"username":"root@pam","ticket":{{JsonSerializer.Serialize(ticket)}},"CSRFPreventionToken":"{{csrf}}"},"status":200,"success":true}""";

    [Fact]
    public async Task Ping_WithHostOnlyAddress_UsesPort8007AndSendsNoCredentials()
    {
        _http.RespondWith("""{"data":{"pong":true}}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection("pbs.example.com"));

        var ping = await client.PingAsync(CancellationToken.None);

        Assert.True(ping.Pong);
        _http.ShouldHaveCalled($"{Base}/ping").WithVerb(HttpMethod.Get).WithoutHeader("Cookie").WithoutHeader("Authorization").Times(1);
    }

    [Fact]
    public async Task AnyCall_WithApiToken_SendsColonFormTokenHeaderAndNoCsrfOnWrites()
    {
        // pbs-api.md §2.3: PBSAPIToken=<user>@<realm>!<name>:<secret>, colon between id and secret.
        _http.RespondWith("""{"data":{"version":"4.2","release":"3","repoid":"abc"}}""")
            .RespondWith("""{"data":null}""");
        var client = _fixture.Factory.CreatePbs(TokenConnection());

        var version = await client.GetVersionAsync(CancellationToken.None);
        await client.DeleteOpenIdRealmAsync("PocketID", CancellationToken.None);

        Assert.Equal("4.2.3", version.Full);
        _http.ShouldHaveCalled($"{Base}/version")
            .WithHeader("Authorization", "PBSAPIToken=root@pam!wizard:d63e505a-e3ec-449a-9bc7-1da610d4ccde");
        _http.ShouldHaveCalled($"{Base}/config/access/openid/PocketID").WithVerb(HttpMethod.Delete)
            .WithoutHeader(PbsClient.CsrfHeaderName).WithoutHeader("Cookie");
        _http.ShouldNotHaveCalled($"{Base}/access/ticket");
    }

    [Fact]
    public async Task FirstAuthenticatedCall_WithPassword_LogsInWithFormAndSendsCookieWithoutCsrfOnGet()
    {
        _http.RespondWith(TicketJson()).RespondWith("""{"data":{"version":"4.2","release":"3"}}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        await client.GetVersionAsync(CancellationToken.None);

        _http.ShouldHaveCalled($"{Base}/access/ticket").WithVerb(HttpMethod.Post)
            .WithContentType("application/x-www-form-urlencoded")
            .WithRequestUrlEncoded(new { username = "root@pam", password = "hunter2-secret" });
        _http.ShouldHaveCalled($"{Base}/version").WithVerb(HttpMethod.Get)
            .WithHeader("Cookie", $"{PbsClient.TicketCookieName}={Uri.EscapeDataString(Ticket)}")
            .WithoutHeader(PbsClient.CsrfHeaderName);
    }

    [Fact]
    public async Task Write_WithTicketSession_SendsCsrfHeaderAndCookie()
    {
        _http.RespondWith(TicketJson()).RespondWith("""{"data":null}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        await client.UpdateAclAsync(new PbsAclUpdate { Path = "/", Role = "Admin", AuthId = "alice@PocketID", Propagate = true }, CancellationToken.None);

        _http.ShouldHaveCalled($"{Base}/access/acl").WithVerb(HttpMethod.Put)
            .WithHeader(PbsClient.CsrfHeaderName, Csrf)
            .WithHeader("Cookie", $"{PbsClient.TicketCookieName}=*");
    }

    [Fact]
    public async Task Login_WhenTotpChallengeAndNoCode_ReportsSecondFactorRequiredThenAnswersWithCode()
    {
        // pbs-api.md §2.2: a "PBS:!tfa!" partial ticket, then tfa-challenge + password "totp:<code>".
        const string challenge = "PBS:!tfa!{\"totp\"%3Atrue}:6650A1B2::c2ln";
        _http.RespondWith(TicketJson(challenge, "invalid")).RespondWith(TicketJson());
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        var first = await client.LoginAsync(null, CancellationToken.None);
        var second = await client.LoginAsync("123456", CancellationToken.None);

        Assert.Equal(PbsLoginResult.SecondFactorRequired, first);
        Assert.Equal(PbsLoginResult.SignedIn, second);
        _http.ShouldHaveCalled($"{Base}/access/ticket").Times(2);
        _http.ShouldHaveCalled($"{Base}/access/ticket")
            .WithRequestUrlEncoded(new Dictionary<string, string> { ["username"] = "root@pam", ["password"] = "totp:123456", ["tfa-challenge"] = challenge })
            .Times(1);
    }

    [Fact]
    public async Task Login_WhenAlreadySignedIn_KeepsTheSessionAndSpendsNoSecondCode()
    {
        const string challenge = "PBS:!tfa!{\"totp\"%3Atrue}:6650A1B2::c2ln";
        _http.RespondWith(TicketJson(challenge, "invalid")).RespondWith(TicketJson());
        var client = _fixture.Factory.CreatePbs(PasswordConnection());
        await client.LoginAsync("123456", CancellationToken.None);

        var again = await _fixture.Factory.CreatePbs(PasswordConnection()).LoginAsync("123456", CancellationToken.None);

        Assert.Equal(PbsLoginResult.SignedIn, again);
        _http.ShouldHaveCalled($"{Base}/access/ticket").Times(2);
    }

    [Fact]
    public async Task Login_WithOtherPassword_StartsANewSession()
    {
        _http.RespondWith(TicketJson()).RespondWith("permission check failed.", 401);
        await _fixture.Factory.CreatePbs(PasswordConnection()).LoginAsync(null, CancellationToken.None);
        var changed = PasswordConnection();
        changed.Password = new Secret("another-password");

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => _fixture.Factory.CreatePbs(changed).LoginAsync(null, CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
    }

    [Fact]
    public async Task AuthenticatedCall_WhenTfaUserHasNoTicket_ThrowsSecondFactorRequired()
    {
        _http.RespondWith(TicketJson("PBS:!tfa!{\"totp\"%3Atrue}:6650A1B2::c2ln", "invalid"));
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        var ex = await Assert.ThrowsAsync<PbsSecondFactorRequiredException>(() => client.GetVersionAsync(CancellationToken.None));

        Assert.Equal("root@pam", ex.UserId);
    }

    [Fact]
    public async Task Session_IsSharedPerConnection_SoASecondClientReusesTheTicket()
    {
        _http.RespondWith(TicketJson()).RespondWith("""{"data":{"version":"4.2","release":"3"}}""")
            .RespondWith("""{"data":{"version":"4.2","release":"3"}}""");

        await _fixture.Factory.CreatePbs(PasswordConnection()).GetVersionAsync(CancellationToken.None);
        await _fixture.Factory.CreatePbs(PasswordConnection()).GetVersionAsync(CancellationToken.None);

        _http.ShouldHaveCalled($"{Base}/access/ticket").Times(1);
        _http.ShouldHaveCalled($"{Base}/version").Times(2);
    }

    [Fact]
    public async Task Session_OlderThanRenewThreshold_IsRenewedWithTheOldTicketAsPassword()
    {
        const string renewed = "PBS:root@pam:6650B000::bmV3";
        _http.RespondWith(TicketJson()).RespondWith("""{"data":{"version":"4.2","release":"3"}}""")
            .RespondWith(TicketJson(renewed, "6650B000:bmV3")).RespondWith("""{"data":{"version":"4.2","release":"3"}}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection());
        await client.GetVersionAsync(CancellationToken.None);

        _fixture.Time.Advance(TimeSpan.FromMinutes(95));
        await client.GetVersionAsync(CancellationToken.None);

        // pbs-api.md §2.1: refresh = POST /access/ticket with password = the still-valid ticket.
        _http.ShouldHaveCalled($"{Base}/access/ticket")
            .WithRequestUrlEncoded(new Dictionary<string, string> { ["username"] = "root@pam", ["password"] = Ticket }).Times(1);
        Assert.Equal($"{PbsClient.TicketCookieName}={Uri.EscapeDataString(renewed)}",
            _http.CallLog[^1].HttpRequestMessage.Headers.GetValues("Cookie").Single());
    }

    [Fact]
    public async Task Session_YoungerThanRenewThreshold_IsNotRenewed()
    {
        _http.RespondWith(TicketJson()).RespondWith("""{"data":{"version":"4.2"}}""").RespondWith("""{"data":{"version":"4.2"}}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection());
        await client.GetVersionAsync(CancellationToken.None);

        _fixture.Time.Advance(TimeSpan.FromMinutes(80));
        await client.GetVersionAsync(CancellationToken.None);

        _http.ShouldHaveCalled($"{Base}/access/ticket").Times(1);
    }

    [Fact]
    public async Task Session_PastTwoHours_LogsInAgainWithThePassword()
    {
        _http.RespondWith(TicketJson()).RespondWith("""{"data":{"version":"4.2"}}""")
            .RespondWith(TicketJson()).RespondWith("""{"data":{"version":"4.2"}}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection());
        await client.GetVersionAsync(CancellationToken.None);

        _fixture.Time.Advance(TimeSpan.FromHours(2.5));
        await client.GetVersionAsync(CancellationToken.None);

        _http.ShouldHaveCalled($"{Base}/access/ticket")
            .WithRequestUrlEncoded(new Dictionary<string, string> { ["username"] = "root@pam", ["password"] = "hunter2-secret" }).Times(2);
    }

    [Fact]
    public async Task CreateOpenIdRealm_SendsKebabCaseJsonWithRealBooleansAndNoNulls()
    {
        _http.RespondWith(TicketJson()).RespondWith("""{"data":null}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        await client.CreateOpenIdRealmAsync(new PbsOpenIdRealm
        {
            Realm = "PocketID",
            IssuerUrl = "https://id.example.com",
            ClientId = "pbs-1",
            ClientKey = "s3cr3t",
            Autocreate = true,
            UsernameClaim = "username",
            Default = false,
        }, CancellationToken.None);

        var call = _http.CallLog.Single(c => c.Request.Url.Path.EndsWith("/config/access/openid", StringComparison.Ordinal));
        Assert.Equal(HttpMethod.Post, call.HttpRequestMessage.Method);
        using var body = JsonDocument.Parse(call.RequestBody);
        var names = body.RootElement.EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["autocreate", "client-id", "client-key", "default", "issuer-url", "realm", "username-claim"], names);
        Assert.Equal(JsonValueKind.True, body.RootElement.GetProperty("autocreate").ValueKind);
        Assert.Equal(JsonValueKind.False, body.RootElement.GetProperty("default").ValueKind);
    }

    [Fact]
    public async Task UpdateOpenIdRealm_SendsDeleteAsJsonArrayDigestAndDefault()
    {
        _http.RespondWith(TicketJson()).RespondWith("""{"data":null}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        await client.UpdateOpenIdRealmAsync("PocketID", new PbsOpenIdRealmUpdate
        {
            Scopes = "openid profile email groups",
            Default = true,
            Delete = ["comment", "prompt"],
            Digest = new string('a', 64),
        }, CancellationToken.None);

        _http.ShouldHaveCalled($"{Base}/config/access/openid/PocketID").WithVerb(HttpMethod.Put)
            .WithRequestBody($$"""{"scopes":"openid profile email groups","default":true,"delete":["comment","prompt"],"digest":"{{new string('a', 64)}}"}""");
    }

    [Fact]
    public async Task GetOpenIdRealm_ReturnsConfigAndTopLevelDigest()
    {
        _http.RespondWith(TicketJson()).RespondWith(
            """{"data":{"realm":"PocketID","issuer-url":"https://id.example.com","client-id":"c1","client-key":"k","autocreate":true,"username-claim":"username","default":true},"digest":"9f2c"}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        var result = await client.GetOpenIdRealmAsync("PocketID", CancellationToken.None);

        Assert.Equal("9f2c", result.Digest);
        Assert.Equal("https://id.example.com", result.Value.IssuerUrl);
        Assert.Equal("username", result.Value.UsernameClaim);
        Assert.True(result.Value.Default);
    }

    [Fact]
    public async Task GetAcl_SendsPathAndExactAndReadsSnakeCaseKeys()
    {
        _http.RespondWith(TicketJson()).RespondWith(
            """{"data":[{"path":"/datastore/store1","ugid":"alice@PocketID","ugid_type":"user","propagate":true,"roleid":"DatastoreBackup"}],"digest":"d1"}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        var acl = await client.GetAclAsync("/datastore/store1", exact: true, CancellationToken.None);

        var entry = Assert.Single(acl.Value);
        Assert.Equal("alice@PocketID", entry.UgId);
        Assert.Equal("user", entry.UgIdType);
        Assert.Equal("DatastoreBackup", entry.RoleId);
        _http.ShouldHaveCalled($"{Base}/access/acl").WithQueryParam("path", "/datastore/store1").WithQueryParam("exact", "true");
    }

    [Fact]
    public async Task UpdateAcl_Delete_SendsAuthIdAndBooleanDelete()
    {
        _http.RespondWith(TicketJson()).RespondWith("""{"data":null}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        await client.UpdateAclAsync(new PbsAclUpdate { Path = "/", Role = "Admin", AuthId = "alice@PocketID", Delete = true }, CancellationToken.None);

        _http.ShouldHaveCalled($"{Base}/access/acl").WithVerb(HttpMethod.Put)
            .WithRequestBody("""{"path":"/","role":"Admin","auth-id":"alice@PocketID","delete":true}""");
    }

    [Fact]
    public async Task UserCalls_EncodeTheUserIdAsOnePathSegment()
    {
        _http.RespondWith(TicketJson()).RespondWith("""{"data":{"userid":"alice@example.com@PocketID"}}""").RespondWith("""{"data":null}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        var user = await client.GetUserAsync("alice@example.com@PocketID", CancellationToken.None);
        await client.DeleteUserAsync("alice@example.com@PocketID", CancellationToken.None);

        Assert.Equal("PocketID", user.Realm);
        _http.ShouldHaveCalled($"{Base}/access/users/alice%40example.com%40PocketID").Times(2);
    }

    [Fact]
    public async Task CreateUser_SendsOnlyTheUserIdForAnOpenIdUser()
    {
        _http.RespondWith(TicketJson()).RespondWith("""{"data":null}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        await client.CreateUserAsync(new PbsUserCreate { UserId = "alice@PocketID" }, CancellationToken.None);

        _http.ShouldHaveCalled($"{Base}/access/users").WithVerb(HttpMethod.Post).WithRequestBody("""{"userid":"alice@PocketID"}""");
    }

    [Fact]
    public async Task GetPermissions_SendsPathAndParsesPrivilegeMap()
    {
        _http.RespondWith(TicketJson()).RespondWith("""{"data":{"/access/domains":{"Realm.Allocate":true,"Sys.Audit":true}}}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        var permissions = await client.GetPermissionsAsync("/access/domains", null, CancellationToken.None);

        Assert.True(permissions["/access/domains"]["Realm.Allocate"]);
        _http.ShouldHaveCalled($"{Base}/access/permissions").WithQueryParam("path", "/access/domains").WithoutQueryParam("auth-id");
    }

    [Fact]
    public async Task AuthUrl_PostsRealmAndRedirectUrlWithoutAuth()
    {
        _http.RespondWith("""{"data":"https://id.example.com/authorize?client_id=c1"}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        var url = await client.GetOpenIdAuthUrlAsync("PocketID", "https://pbs.example.com:8007", CancellationToken.None);

        Assert.StartsWith("https://id.example.com/authorize", url, StringComparison.Ordinal);
        _http.ShouldHaveCalled($"{Base}/access/openid/auth-url").WithVerb(HttpMethod.Post)
            .WithRequestBody("""{"realm":"PocketID","redirect-url":"https://pbs.example.com:8007"}""").WithoutHeader("Cookie");
    }

    [Fact]
    public async Task NodeStatus_ReadsCertificateFingerprint()
    {
        _http.RespondWith(TicketJson()).RespondWith("""{"data":{"uptime":5,"info":{"fingerprint":"aa:bb"}}}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        var status = await client.GetNodeStatusAsync("localhost", CancellationToken.None);

        Assert.Equal("aa:bb", status.Info?.Fingerprint);
    }

    [Fact]
    public async Task Roles_ReadRoleIdPrivilegesAndComment()
    {
        _http.RespondWith(TicketJson()).RespondWith("""{"data":[{"roleid":"Admin","privs":["Sys.Audit","Sys.Modify"],"comment":"Administrator"}]}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        var role = Assert.Single(await client.ListRolesAsync(CancellationToken.None));

        Assert.Equal(("Admin", "Administrator"), (role.RoleId, role.Comment));
        Assert.Equal(["Sys.Audit", "Sys.Modify"], role.Privileges);
        _http.ShouldHaveCalled($"{Base}/access/roles").WithVerb(HttpMethod.Get);
    }

    [Fact]
    public async Task Datastores_AndNamespaces_ReadKebabCaseKeys()
    {
        _http.RespondWith(TicketJson())
            .RespondWith("""{"data":[{"store":"store1","comment":null,"mount-status":"nonremovable","backend-type":"filesystem"}]}""")
            .RespondWith("""{"data":[{"ns":""},{"ns":"dev/team-a","comment":"Team A"}]}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        var store = Assert.Single(await client.ListDatastoresAsync(CancellationToken.None));
        var namespaces = await client.ListNamespacesAsync("store1", CancellationToken.None);

        Assert.Equal(("store1", "nonremovable", "filesystem"), (store.Store, store.MountStatus, store.BackendType));
        Assert.Equal(["", "dev/team-a"], namespaces.Select(n => n.Namespace));
        _http.ShouldHaveCalled($"{Base}/admin/datastore/store1/namespace").WithVerb(HttpMethod.Get);
    }

    [Fact]
    public async Task Domains_AreReadWithoutCredentials()
    {
        _http.RespondWith("""{"data":[{"realm":"pam","type":"pam","default":true,"comment":"Linux PAM standard authentication"},{"realm":"PocketID","type":"openid"}],"digest":"d"}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        var domains = await client.GetDomainsAsync(CancellationToken.None);

        Assert.Equal(["pam", "PocketID"], domains.Select(d => d.Realm));
        Assert.Equal("openid", domains[1].Type);
        _http.ShouldHaveCalled($"{Base}/access/domains").WithoutHeader("Cookie");
        _http.ShouldNotHaveCalled($"{Base}/access/ticket");
    }

    [Fact]
    public async Task ListOpenIdRealms_ReturnsRealmsAndDigest()
    {
        _http.RespondWith(TicketJson()).RespondWith(
            """{"data":[{"realm":"PocketID","issuer-url":"https://id.example.com","client-id":"c1","scopes":"email profile"}],"digest":"abc"}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        var realms = await client.ListOpenIdRealmsAsync(CancellationToken.None);

        Assert.Equal("abc", realms.Digest);
        Assert.Equal("email profile", Assert.Single(realms.Value).Scopes);
    }

    [Fact]
    public async Task Error_PlainTextBody_BecomesDetailWithStatus()
    {
        // pbs-api.md §1: /api2/json errors are the bare message text.
        _http.RespondWith(TicketJson()).RespondWith("parameter verification failed - 'realm': realm 'PocketID' already exists.", 400);
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => client.CreateOpenIdRealmAsync(
            new PbsOpenIdRealm { Realm = "PocketID", IssuerUrl = "https://id", ClientId = "c" }, CancellationToken.None));

        Assert.Equal(ExternalService.Pbs, ex.Service);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal("parameter verification failed - 'realm': realm 'PocketID' already exists.", ex.Detail);
    }

    [Fact]
    public async Task Error_WrongPassword_Maps401AndNeverLeaksThePassword()
    {
        _http.RespondWith("permission check failed.", 401);
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => client.LoginAsync(null, CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.DoesNotContain("hunter2", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error_Timeout_HasNoStatusAndSaysNoAnswer()
    {
        _http.SimulateTimeout();
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => client.PingAsync(CancellationToken.None));

        Assert.Null(ex.StatusCode);
        Assert.Contains("no answer within", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error_DroppedConnection_HasNoStatusAndSaysConnectionFailed()
    {
        _http.SimulateException(new HttpRequestException("An error occurred while sending the request.", new IOException("The response ended prematurely.")));
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => client.PingAsync(CancellationToken.None));

        Assert.Null(ex.StatusCode);
        Assert.Contains("connection failed", ex.Detail, StringComparison.Ordinal);
        Assert.Contains("ended prematurely", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyBody_IsAnError()
    {
        _http.RespondWith(TicketJson()).RespondWith(string.Empty);
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => client.GetVersionAsync(CancellationToken.None));

        Assert.Contains("empty", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataNull_ForARead_IsAnError()
    {
        _http.RespondWith(TicketJson()).RespondWith("""{"data":null}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        await Assert.ThrowsAsync<ExternalApiException>(() => client.ListUsersAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Write_IsNotRetriedAfterAServerError()
    {
        _http.RespondWith(TicketJson()).RespondWith("boom", 500).RespondWith("""{"data":null}""");
        var client = _fixture.Factory.CreatePbs(PasswordConnection());

        await Assert.ThrowsAsync<ExternalApiException>(() => client.CreateUserAsync(new PbsUserCreate { UserId = "a@PocketID" }, CancellationToken.None));

        _http.ShouldHaveCalled($"{Base}/access/users").WithVerb(HttpMethod.Post).Times(1);
    }
}
