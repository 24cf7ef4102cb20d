using System.Net;

namespace PbsPocketIdWizard.Core.Tests.Simulators.Pbs;

/// <summary>
/// What changes between PBS versions (real-source-findings.md): the ticket cookie names read (3.3.4), the push-sync
/// roles (3.3), the realm `default` flag and `/config/access/pam|pbs` (3.3.7), `audiences` (4.2.1).
/// </summary>
public sealed class PbsVersionProfileTests
{
    private static HttpContent RealmForm(params (string, string)[] extra) =>
        PbsTestHost.Form(new[] { ("realm", "PocketID"), ("issuer-url", "https://id.example.com"), ("client-id", "client-1") }.Concat(extra).ToArray());

    [Theory]
    [InlineData("3.2.4", HttpStatusCode.Unauthorized)]
    [InlineData("3.3.3", HttpStatusCode.Unauthorized)]
    [InlineData("3.3.4", HttpStatusCode.OK)]
    [InlineData("4.2.3", HttpStatusCode.OK)]
    public async Task Get_WithHostPrefixedCookie_IsReadFrom334Only(string version, HttpStatusCode expected)
    {
        await using var pbs = await PbsTestHost.StartAsync(o => o.Version = version);
        var auth = await pbs.LoginAsync() with { Csrf = null };

        var prefixed = await pbs.GetAsync("/api2/json/access/users", auth with { CookieName = "__Host-PBSAuthCookie" });
        var plain = await pbs.GetAsync("/api2/json/access/users", auth with { CookieName = "PBSAuthCookie" });

        Assert.Equal(expected, prefixed.Status);
        Assert.Equal(HttpStatusCode.OK, plain.Status);
    }

    [Theory]
    [InlineData("3.3.3", "PBSAuthCookie=;")]
    [InlineData("4.2.3", "__Host-PBSAuthCookie=;")]
    public async Task Get_WithoutCredentials_ClearsTheCookieThisVersionReads(string version, string cleared)
    {
        await using var pbs = await PbsTestHost.StartAsync(o => o.Version = version);

        var response = await pbs.GetAsync("/api2/json/access/users");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Contains(response.SetCookies, c => c.StartsWith(cleared, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("3.2.4", false)]
    [InlineData("3.3.3", true)]
    [InlineData("4.2.3", true)]
    public async Task Roles_PushSyncRoles_ExistFrom33(string version, bool expected)
    {
        await using var pbs = await PbsTestHost.StartAsync(o => o.Version = version);
        var auth = await pbs.LoginAsync();

        var roles = await pbs.GetAsync("/api2/json/access/roles", auth);
        var grant = await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl",
            PbsTestHost.Form(("path", "/remote"), ("auth-id", "root@pam"), ("role", "RemoteDatastoreAdmin")), auth);

        var ids = roles.Data!.AsArray().Select(r => r!["roleid"]!.GetValue<string>()).ToList();
        Assert.Equal(expected, ids.Contains("RemoteSyncPushOperator"));
        Assert.Equal(expected, ids.Contains("RemoteDatastorePowerUser"));
        Assert.Equal(expected, ids.Contains("RemoteDatastoreAdmin"));
        Assert.Equal(expected ? HttpStatusCode.OK : HttpStatusCode.BadRequest, grant.Status);
    }

    [Fact]
    public async Task Profile333_DefaultFlagAndBuiltinRealmPaths_DoNotExist()
    {
        await using var pbs = await PbsTestHost.StartAsync(o => o.Version = "3.3.3");
        var auth = await pbs.LoginAsync();

        var create = await pbs.SendAsync(HttpMethod.Post, "/api2/json/config/access/openid", RealmForm(("default", "1")), auth);
        var pam = await pbs.SendAsync(HttpMethod.Put, "/api2/json/config/access/pam", PbsTestHost.Form(("comment", "x")), auth);

        Assert.Equal(HttpStatusCode.BadRequest, create.Status);
        Assert.Equal("parameter verification failed - 'default': schema does not allow additional properties.", create.Body);
        Assert.Equal(HttpStatusCode.NotFound, pam.Status);
    }

    [Fact]
    public async Task Profile337_PamPutWithStaleDigest_IsRefused_AndWithCurrentDigestClearsDefault()
    {
        await using var pbs = await PbsTestHost.StartAsync(o => o.Version = "3.3.7");
        var auth = await pbs.LoginAsync();
        var pam = await pbs.GetAsync("/api2/json/config/access/pam", auth);
        var digest = pam.Json!["digest"]!.GetValue<string>();

        var stale = await pbs.SendAsync(HttpMethod.Put, "/api2/json/config/access/pam", PbsTestHost.Form(("digest", new string('0', 64))), auth);
        var current = await pbs.SendAsync(HttpMethod.Put, "/api2/json/config/access/pam", PbsTestHost.Form(("digest", digest)), auth);
        var after = await pbs.GetAsync("/api2/json/config/access/pam", auth);

        Assert.True(pam.Data!["default"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.BadRequest, stale.Status);
        Assert.Equal("detected modified configuration - file changed by other user? Try again.", stale.Body);
        Assert.Equal(HttpStatusCode.OK, current.Status);
        Assert.Null(after.Data!["default"]);
    }

    [Theory]
    [InlineData("4.2.0", HttpStatusCode.BadRequest)]
    [InlineData("4.2.1", HttpStatusCode.OK)]
    public async Task CreateRealm_WithAudiences_AcceptedFrom421(string version, HttpStatusCode expected)
    {
        await using var pbs = await PbsTestHost.StartAsync(o => o.Version = version);
        var auth = await pbs.LoginAsync();

        var create = await pbs.SendAsync(HttpMethod.Post, "/api2/json/config/access/openid",
            RealmForm(("audiences", "other-api"), ("prompt", "login"), ("acr-values", "urn:a urn:b")), auth);

        Assert.Equal(expected, create.Status);
    }

    [Fact]
    public async Task CreateRealm_PromptAcrAndAudiences_AreStoredAndReturned()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();

        await pbs.SendAsync(HttpMethod.Post, "/api2/json/config/access/openid",
            RealmForm(("audiences", "other-api"), ("prompt", "login"), ("acr-values", "urn:a urn:b")), auth);
        var realm = await pbs.GetAsync("/api2/json/config/access/openid/PocketID", auth);

        Assert.Equal("login", realm.Data!["prompt"]!.GetValue<string>());
        Assert.Equal("urn:a urn:b", realm.Data["acr-values"]!.GetValue<string>());
        Assert.Equal("other-api", realm.Data["audiences"]!.GetValue<string>());
    }
}
