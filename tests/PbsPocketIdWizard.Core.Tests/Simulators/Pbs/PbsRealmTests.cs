using System.Net;
using System.Text.Json.Nodes;

namespace PbsPocketIdWizard.Core.Tests.Simulators.Pbs;

/// <summary>pbs-api.md §3 (`/config/access/openid`) and §4 (`/access/domains`).</summary>
public sealed class PbsRealmTests
{
    private static HttpContent CreateForm(string realm = "PocketID", params (string, string)[] extra) =>
        PbsTestHost.Form(new[] { ("realm", realm), ("issuer-url", "https://id.example.com"), ("client-id", "client-1"), ("client-key", "s3cret") }
            .Concat(extra).ToArray());

    [Fact]
    public async Task Create_ThenGet_ReturnsConfigWithDigestAndNoType_Section3_2()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();

        var created = await pbs.SendAsync(HttpMethod.Post, "/api2/json/config/access/openid",
            CreateForm("PocketID", ("autocreate", "1"), ("username-claim", "username")), auth);
        var read = await pbs.GetAsync("/api2/json/config/access/openid/PocketID", auth);

        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Equal("{\"data\":null}", created.Body);
        Assert.Equal(HttpStatusCode.OK, read.Status);
        var data = read.Data!;
        Assert.Equal("PocketID", data["realm"]!.GetValue<string>());
        Assert.Equal("https://id.example.com", data["issuer-url"]!.GetValue<string>());
        Assert.Equal("s3cret", data["client-key"]!.GetValue<string>());
        Assert.True(data["autocreate"]!.GetValue<bool>());
        Assert.Equal("username", data["username-claim"]!.GetValue<string>());
        Assert.Null(data["type"]);
        Assert.Null(data["scopes"]);
        Assert.Matches("^[a-f0-9]{64}$", read.Json!["digest"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_WithStaleDigest_Returns400DetectedModified_Section3_4()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();
        await pbs.SendAsync(HttpMethod.Post, "/api2/json/config/access/openid", CreateForm(), auth);
        var digest = (await pbs.GetAsync("/api2/json/config/access/openid/PocketID", auth)).Json!["digest"]!.GetValue<string>();
        await pbs.SendAsync(HttpMethod.Put, "/api2/json/config/access/openid/PocketID", PbsTestHost.Form(("comment", "changed")), auth);

        var stale = await pbs.SendAsync(HttpMethod.Put, "/api2/json/config/access/openid/PocketID",
            PbsTestHost.Form(("comment", "mine"), ("digest", digest)), auth);

        Assert.Equal(HttpStatusCode.BadRequest, stale.Status);
        Assert.Equal("detected modified configuration - file changed by other user? Try again.", stale.Body);
    }

    [Fact]
    public async Task Update_WithCurrentDigestAndDeleteList_Applies_Section3_2()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();
        await pbs.SendAsync(HttpMethod.Post, "/api2/json/config/access/openid", CreateForm("PocketID", ("comment", "c"), ("prompt", "login")), auth);
        var digest = (await pbs.GetAsync("/api2/json/config/access/openid/PocketID", auth)).Json!["digest"]!.GetValue<string>();

        var update = await pbs.SendAsync(HttpMethod.Put, "/api2/json/config/access/openid/PocketID",
            PbsTestHost.Form(("delete", "comment"), ("delete", "prompt"), ("scopes", "email profile groups"), ("digest", digest)), auth);
        var read = await pbs.GetAsync("/api2/json/config/access/openid/PocketID", auth);

        Assert.Equal(HttpStatusCode.OK, update.Status);
        Assert.Null(read.Data!["comment"]);
        Assert.Null(read.Data["prompt"]);
        Assert.Equal("email profile groups", read.Data["scopes"]!.GetValue<string>());
        Assert.NotEqual(digest, read.Json!["digest"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_CommaJoinedDelete_IsRejectedAsOneEnumValue_Section1()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();
        await pbs.SendAsync(HttpMethod.Post, "/api2/json/config/access/openid", CreateForm(), auth);

        var response = await pbs.SendAsync(HttpMethod.Put, "/api2/json/config/access/openid/PocketID",
            PbsTestHost.Form(("delete", "comment,prompt")), auth);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("parameter verification failed - 'delete': value 'comment,prompt' is not defined in the enumeration.", response.Body);
    }

    [Fact]
    public async Task Update_UsernameClaim_IsRefused_Section3_2()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();
        await pbs.SendAsync(HttpMethod.Post, "/api2/json/config/access/openid", CreateForm(), auth);

        var response = await pbs.SendAsync(HttpMethod.Put, "/api2/json/config/access/openid/PocketID",
            PbsTestHost.Form(("username-claim", "email")), auth);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("parameter verification failed - 'username-claim': schema does not allow additional properties.", response.Body);
    }

    [Fact]
    public async Task Update_WithoutDefaultTrue_ClearsDefaultFlag_Section3_3()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();
        await pbs.SendAsync(HttpMethod.Post, "/api2/json/config/access/openid", CreateForm("PocketID", ("default", "true")), auth);
        var before = await pbs.GetAsync("/api2/json/access/domains");

        await pbs.SendAsync(HttpMethod.Put, "/api2/json/config/access/openid/PocketID", PbsTestHost.Form(("comment", "x")), auth);
        var after = await pbs.GetAsync("/api2/json/access/domains");

        Assert.True(Realm(before, "PocketID")["default"]!.GetValue<bool>());
        Assert.Null(Realm(before, "pam")["default"]); // create with default=true took it from pam
        Assert.Null(Realm(after, "PocketID")["default"]);
        Assert.Equal("x", pbs.State.Realms.Single(r => r.Name == "PocketID").Properties["comment"]);
    }

    private static JsonNode Realm(PbsResponse domains, string name) =>
        domains.Data!.AsArray().Single(r => r!["realm"]!.GetValue<string>() == name)!;

    [Theory]
    [InlineData("p", "value must be at least 2 characters long")]
    [InlineData("-bad", "value does not match the regex pattern")]
    [InlineData("has space", "value does not match the regex pattern")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", "value may only be 32 characters long")]
    public async Task Create_BadRealmName_Returns400_Section3_2(string name, string reason)
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();

        var response = await pbs.SendAsync(HttpMethod.Post, "/api2/json/config/access/openid", CreateForm(name), auth);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal($"parameter verification failed - 'realm': {reason}", response.Body);
    }

    [Theory]
    [InlineData("pam")]
    [InlineData("pbs")]
    [InlineData("PocketID")]
    public async Task Create_DuplicateNameAcrossTypes_Returns400_Section3_3(string name)
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();
        await pbs.SendAsync(HttpMethod.Post, "/api2/json/config/access/openid", CreateForm("PocketID"), auth);

        var response = await pbs.SendAsync(HttpMethod.Post, "/api2/json/config/access/openid", CreateForm(name), auth);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal($"parameter verification failed - 'realm': realm '{name}' already exists.", response.Body);
    }

    [Fact]
    public async Task Create_MissingRequired_ListsEachParameter_Section1()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();

        var response = await pbs.SendAsync(HttpMethod.Post, "/api2/json/config/access/openid", PbsTestHost.Form(("realm", "PocketID")), auth);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.StartsWith("parameter verification failed:\n- '", response.Body, StringComparison.Ordinal);
        Assert.Contains("- 'issuer-url': parameter is missing and it is not optional.", response.Body, StringComparison.Ordinal);
        Assert.Contains("- 'client-id': parameter is missing and it is not optional.", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_BadScopeItem_Returns400_Section3_2()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();

        var response = await pbs.SendAsync(HttpMethod.Post, "/api2/json/config/access/openid", CreateForm("PocketID", ("scopes", "email pro/file")), auth);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.StartsWith("parameter verification failed - 'scopes':", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_UnknownOrWrongType_Returns400_Delete_Returns404_Section3_3()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();

        var unknown = await pbs.GetAsync("/api2/json/config/access/openid/nope", auth);
        var wrongType = await pbs.GetAsync("/api2/json/config/access/openid/pam", auth);
        var delete = await pbs.SendAsync(HttpMethod.Delete, "/api2/json/config/access/openid/nope", null, auth);

        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Equal("no such openid 'nope'", unknown.Body);
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.Status);
        Assert.Equal("got unexpected type 'pam' for openid 'pam'", wrongType.Body);
        Assert.Equal(HttpStatusCode.NotFound, delete.Status);
        Assert.Equal("realm 'nope' does not exist.", delete.Body);
    }

    [Fact]
    public async Task Delete_ExistingRealm_RemovesIt_Section3_1()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();
        await pbs.SendAsync(HttpMethod.Post, "/api2/json/config/access/openid", CreateForm(), auth);

        var delete = await pbs.SendAsync(HttpMethod.Delete, "/api2/json/config/access/openid/PocketID", null, auth);

        Assert.Equal(HttpStatusCode.OK, delete.Status);
        Assert.DoesNotContain(pbs.State.Realms, r => r.Name == "PocketID");
    }

    [Fact]
    public async Task Version32_RejectsDefaultFlag_AndHardCodesPamPbs_Section0_Section4()
    {
        await using var pbs = await PbsTestHost.StartAsync(o => o.Version = "3.2.4");
        var auth = await pbs.LoginAsync();

        var create = await pbs.SendAsync(HttpMethod.Post, "/api2/json/config/access/openid", CreateForm("PocketID", ("default", "1")), auth);
        var domains = await pbs.GetAsync("/api2/json/access/domains");
        var version = await pbs.GetAsync("/api2/json/version", auth);

        Assert.Equal(HttpStatusCode.BadRequest, create.Status);
        Assert.Equal("parameter verification failed - 'default': schema does not allow additional properties.", create.Body);
        var names = domains.Data!.AsArray().Select(r => r!["realm"]!.GetValue<string>()).ToList();
        Assert.Equal(["pam", "pbs"], names);
        Assert.True(Realm(domains, "pam")["default"]!.GetValue<bool>());
        Assert.Equal("3.2", version.Data!["version"]!.GetValue<string>());
        var dup = await pbs.SendAsync(HttpMethod.Post, "/api2/json/config/access/openid", CreateForm("pbs"), auth);
        Assert.Equal("parameter verification failed - 'realm': realm 'pbs' already exists.", dup.Body);
    }

    [Fact]
    public async Task Domains_IsWorldReadable_WithTypeAndDefault_Section4()
    {
        await using var pbs = await PbsTestHost.StartAsync();

        var response = await pbs.GetAsync("/api2/json/access/domains");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("pam", Realm(response, "pam")["type"]!.GetValue<string>());
        Assert.True(Realm(response, "pam")["default"]!.GetValue<bool>());
        Assert.Equal("pbs", Realm(response, "pbs")["type"]!.GetValue<string>());
        Assert.Null(Realm(response, "pbs")["default"]);
        Assert.Matches("^[a-f0-9]{64}$", response.Json!["digest"]!.GetValue<string>());
    }

    [Fact]
    public async Task RealmConfig_WithoutRealmAllocate_Returns403_Section2_4()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var secret = pbs.State.AddApiToken("root@pam", "audit");
        pbs.State.SetAcl("/", "root@pam!audit", "Audit");
        var token = PbsAuth.FromToken("root@pam!audit", secret);

        var list = await pbs.GetAsync("/api2/json/config/access/openid", token);
        var create = await pbs.SendAsync(HttpMethod.Post, "/api2/json/config/access/openid", CreateForm(), token);

        Assert.Equal(HttpStatusCode.Forbidden, list.Status);
        Assert.Equal(HttpStatusCode.Forbidden, create.Status);
        Assert.Equal("permission check failed", create.Body);
    }
}
