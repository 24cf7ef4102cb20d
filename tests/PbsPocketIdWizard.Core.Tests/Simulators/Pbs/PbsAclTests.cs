using System.Net;

namespace PbsPocketIdWizard.Core.Tests.Simulators.Pbs;

/// <summary>pbs-api.md §6: PUT/GET /access/acl, path grammar, role enum, users and groups; §6.3 resolution.</summary>
public sealed class PbsAclTests
{
    private static async Task<(PbsTestHost Pbs, PbsAuth Auth)> StartWithAliceAsync()
    {
        var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();
        var created = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/users", PbsTestHost.Form(("userid", "alice@pbs"), ("email", "alice@example.com")), auth);
        Assert.Equal(HttpStatusCode.OK, created.Status);
        return (pbs, auth);
    }

    private static HttpContent Acl(string path, string role, string authId = "alice@pbs", params (string, string)[] extra) =>
        PbsTestHost.Form(new[] { ("path", path), ("role", role), ("auth-id", authId) }.Concat(extra).ToArray());

    [Fact]
    public async Task Put_AdminOnRoot_IsListedWithSnakeCaseKeys_Section6_1()
    {
        var (pbs, auth) = await StartWithAliceAsync();
        await using var _ = pbs;

        var put = await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl", Acl("/", "Admin"), auth);
        var list = await pbs.GetAsync("/api2/json/access/acl", auth);

        Assert.Equal(HttpStatusCode.OK, put.Status);
        var entry = Assert.Single(list.Data!.AsArray());
        Assert.Equal("/", entry!["path"]!.GetValue<string>());
        Assert.Equal("alice@pbs", entry["ugid"]!.GetValue<string>());
        Assert.Equal("user", entry["ugid_type"]!.GetValue<string>());
        Assert.True(entry["propagate"]!.GetValue<bool>()); // default true
        Assert.Equal("Admin", entry["roleid"]!.GetValue<string>());
        Assert.Matches("^[a-f0-9]{64}$", list.Json!["digest"]!.GetValue<string>());
    }

    [Fact]
    public async Task Put_RoleAdministrator_IsRefusedWithEnumMessage_Section6_4()
    {
        var (pbs, auth) = await StartWithAliceAsync();
        await using var _ = pbs;

        var response = await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl", Acl("/", "Administrator"), auth);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("parameter verification failed - 'role': value 'Administrator' is not defined in the enumeration.", response.Body);
        Assert.Empty(pbs.State.Acls);
    }

    [Theory]
    [InlineData("/datastore/backups/")]
    [InlineData("datastore")]
    [InlineData("/datastore/{store}")]
    [InlineData("/datastore/my store")]
    public async Task Put_PathFailingFormatRegex_Returns400_Section6_3(string path)
    {
        var (pbs, auth) = await StartWithAliceAsync();
        await using var _ = pbs;

        var response = await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl", Acl(path, "DatastoreBackup"), auth);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("parameter verification failed - 'path': value does not match the regex pattern", response.Body);
    }

    [Theory]
    [InlineData("/vms/100")]
    [InlineData("/access/foo")]
    [InlineData("/system/unknown")]
    [InlineData("/datastore/s/a/b/c/d/e/f/g/h")]
    public async Task Put_PathOutsideGrammar_Returns400InvalidAclPath_Section6_3(string path)
    {
        var (pbs, auth) = await StartWithAliceAsync();
        await using var _ = pbs;

        var response = await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl", Acl(path, "Audit"), auth);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal($"invalid acl path '{path}'.", response.Body);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/access/openid/PocketID")]
    [InlineData("/datastore/offsite/dev")]
    [InlineData("/datastore/not-checked-for-existence")]
    [InlineData("/system/network/interfaces/eth0")]
    [InlineData("/tape/pool/p1")]
    [InlineData("/remote/r1/store/ns")]
    public async Task Put_PathInGrammar_IsAccepted_Section6_3(string path)
    {
        var (pbs, auth) = await StartWithAliceAsync();
        await using var _ = pbs;

        var response = await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl", Acl(path, "Audit"), auth);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Contains(pbs.State.Acls, a => a.Path == path && a.AuthId == "alice@pbs");
    }

    [Fact]
    public async Task Put_UnknownUserOrToken_Returns400_Section6_2()
    {
        var (pbs, auth) = await StartWithAliceAsync();
        await using var _ = pbs;

        var user = await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl", Acl("/", "Admin", "alice@PocketID"), auth);
        var token = await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl", Acl("/", "Admin", "alice@pbs!nope"), auth);

        Assert.Equal(HttpStatusCode.BadRequest, user.Status);
        Assert.Equal("no such user.", user.Body);
        Assert.Equal(HttpStatusCode.BadRequest, token.Status);
        Assert.Equal("no such API token.", token.Body);
    }

    [Fact]
    public async Task Put_Group_IsRefused_Section3_5()
    {
        var (pbs, auth) = await StartWithAliceAsync();
        await using var _ = pbs;

        var response = await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl",
            PbsTestHost.Form(("path", "/"), ("role", "Admin"), ("group", "admins")), auth);
        var neither = await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl", PbsTestHost.Form(("path", "/"), ("role", "Admin")), auth);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("parameter 'group' - groups are currently not supported.", response.Body);
        Assert.Equal("missing 'userid' or 'group' parameter.", neither.Body);
    }

    [Fact]
    public async Task Put_Delete_RemovesEntry_AndDeletingUnknownUserIsAllowed_Section6_2()
    {
        var (pbs, auth) = await StartWithAliceAsync();
        await using var _ = pbs;
        await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl", Acl("/datastore/backups", "DatastoreBackup"), auth);

        var delete = await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl", Acl("/datastore/backups", "DatastoreBackup", "alice@pbs", ("delete", "1")), auth);
        var deleteUnknown = await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl", Acl("/x/y", "Admin", "ghost@pbs", ("delete", "1")), auth);

        Assert.Equal(HttpStatusCode.OK, delete.Status);
        Assert.Equal(HttpStatusCode.OK, deleteUnknown.Status);
        Assert.Empty(pbs.State.Acls);
    }

    [Fact]
    public async Task Put_NoAccess_WipesOtherRolesAtPath_AndOtherRoleRemovesNoAccess_Section6_2()
    {
        var (pbs, auth) = await StartWithAliceAsync();
        await using var _ = pbs;
        await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl", Acl("/datastore/backups", "DatastoreBackup"), auth);
        await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl", Acl("/datastore/backups", "DatastoreAudit"), auth);
        Assert.Equal(2, pbs.State.Acls.Count);

        await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl", Acl("/datastore/backups", "NoAccess"), auth);
        Assert.Equal("NoAccess", Assert.Single(pbs.State.Acls).Role);

        await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl", Acl("/datastore/backups", "DatastoreReader"), auth);
        Assert.Equal("DatastoreReader", Assert.Single(pbs.State.Acls).Role);
    }

    [Fact]
    public async Task Put_StaleDigest_Returns400_Section3_4()
    {
        var (pbs, auth) = await StartWithAliceAsync();
        await using var _ = pbs;
        var digest = (await pbs.GetAsync("/api2/json/access/acl", auth)).Json!["digest"]!.GetValue<string>();
        await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl", Acl("/", "Audit"), auth);

        var response = await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl", Acl("/", "Admin", "alice@pbs", ("digest", digest)), auth);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("detected modified configuration - file changed by other user? Try again.", response.Body);
    }

    [Fact]
    public async Task Permissions_ReflectAclAndPropagation_Section6_4()
    {
        var (pbs, auth) = await StartWithAliceAsync();
        await using var _ = pbs;
        await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl", Acl("/datastore", "DatastoreBackup", "alice@pbs", ("propagate", "0")), auth);
        await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl", Acl("/datastore/offsite", "DatastoreAudit"), auth);

        var atDatastore = await pbs.GetAsync("/api2/json/access/permissions?auth-id=alice@pbs&path=/datastore", auth);
        var atBackups = await pbs.GetAsync("/api2/json/access/permissions?auth-id=alice@pbs&path=/datastore/backups", auth);
        var atOffsiteDev = await pbs.GetAsync("/api2/json/access/permissions?auth-id=alice@pbs&path=/datastore/offsite/dev", auth);

        Assert.False(atDatastore.Data!["/datastore"]!["Datastore.Backup"]!.GetValue<bool>());
        Assert.Empty(atBackups.Data!["/datastore/backups"]!.AsObject()); // propagate=0 does not reach below
        Assert.True(atOffsiteDev.Data!["/datastore/offsite/dev"]!["Datastore.Audit"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Unprivileged_User_CannotSetAclForOthers_Section6_2()
    {
        var (pbs, auth) = await StartWithAliceAsync();
        await using var _ = pbs;
        await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/users/alice@pbs", PbsTestHost.Form(("password", "alicepass1")), auth);
        var alice = await pbs.LoginAsync("alice@pbs", "alicepass1");

        var response = await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl", Acl("/", "Admin", "root@pam"), alice);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("Unprivileged users can only set ACL items for API tokens.", response.Body);
    }

    [Fact]
    public async Task Roles_ListsTheEighteenBuiltinRoles_Section6_4()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();

        var response = await pbs.GetAsync("/api2/json/access/roles", auth);

        var roles = response.Data!.AsArray();
        Assert.Equal(18, roles.Count);
        var admin = roles.Single(r => r!["roleid"]!.GetValue<string>() == "Admin")!;
        Assert.Equal("Administrator", admin["comment"]!.GetValue<string>());
        Assert.Equal(23, admin["privs"]!.AsArray().Count);
        Assert.Equal("Sys.Audit", admin["privs"]![0]!.GetValue<string>());
        Assert.DoesNotContain(roles, r => r!["roleid"]!.GetValue<string>() == "Administrator");
        var backup = roles.Single(r => r!["roleid"]!.GetValue<string>() == "DatastorePowerUser")!;
        Assert.Equal(["Datastore.Backup", "Datastore.Prune"], backup["privs"]!.AsArray().Select(p => p!.GetValue<string>()));
    }

    [Fact]
    public async Task Users_CreateInUnknownRealm_And_Duplicate_Return400_Section5_2()
    {
        var (pbs, auth) = await StartWithAliceAsync();
        await using var _ = pbs;

        var unknownRealm = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/users", PbsTestHost.Form(("userid", "bob@nowhere")), auth);
        var duplicate = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/users", PbsTestHost.Form(("userid", "alice@pbs")), auth);
        var list = await pbs.GetAsync("/api2/json/access/users", auth);
        var delete = await pbs.SendAsync(HttpMethod.Delete, "/api2/json/access/users/alice@pbs", null, auth);
        var deleteAgain = await pbs.SendAsync(HttpMethod.Delete, "/api2/json/access/users/alice@pbs", null, auth);

        Assert.Equal("unknown realm 'nowhere'", unknownRealm.Body);
        Assert.Equal("user 'alice@pbs' already exists.", duplicate.Body);
        Assert.Equal(2, list.Data!.AsArray().Count);
        Assert.Equal("Superuser", list.Data.AsArray().Single(u => u!["userid"]!.GetValue<string>() == "root@pam")!["comment"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, delete.Status);
        Assert.Equal(HttpStatusCode.NotFound, deleteAgain.Status);
        Assert.Equal("user 'alice@pbs' does not exist.", deleteAgain.Body);
    }

    [Fact]
    public async Task Users_PrecreateInOpenIdRealmWithPassword_Returns501ButUserExists_Section5_2()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();
        await pbs.SendAsync(HttpMethod.Post, "/api2/json/config/access/openid",
            PbsTestHost.Form(("realm", "PocketID"), ("issuer-url", "https://id.example.com"), ("client-id", "c")), auth);

        var response = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/users",
            PbsTestHost.Form(("userid", "alice@PocketID"), ("password", "longenough")), auth);

        Assert.Equal(HttpStatusCode.NotImplemented, response.Status);
        Assert.Equal("storing passwords is not implemented for OpenID realms", response.Body);
        Assert.Contains(pbs.State.Users, u => u.UserId == "alice@PocketID");
    }

    [Fact]
    public async Task Version32_HasNoPushSyncRoles_Section6_4()
    {
        await using var pbs = await PbsTestHost.StartAsync(o => o.Version = "3.2.4");
        var auth = await pbs.LoginAsync();

        var roles = await pbs.GetAsync("/api2/json/access/roles", auth);
        var put = await pbs.SendAsync(HttpMethod.Put, "/api2/json/access/acl", Acl("/remote", "RemoteSyncPushOperator", "root@pam"), auth);

        Assert.Equal(15, roles.Data!.AsArray().Count);
        Assert.Equal("parameter verification failed - 'role': value 'RemoteSyncPushOperator' is not defined in the enumeration.", put.Body);
        // the push-sync privileges came with those roles in 3.3, so Admin does not list them before
        var admin = roles.Data!.AsArray().Single(r => r!["roleid"]!.GetValue<string>() == "Admin")!;
        Assert.DoesNotContain(admin["privs"]!.AsArray(), p => p!.GetValue<string>().StartsWith("Remote.Datastore", StringComparison.Ordinal));
    }
}
