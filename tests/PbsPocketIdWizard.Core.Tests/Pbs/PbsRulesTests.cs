using System.Text.Json;
using PbsPocketIdWizard.Core.Pbs;

namespace PbsPocketIdWizard.Core.Tests.Pbs;

public sealed class PbsRulesTests
{
    [Theory]
    [InlineData("PocketID", true)]
    [InlineData("pocket-id.lan", true)]
    [InlineData("_x", true)]
    [InlineData("a", false)]
    [InlineData("-bad", false)]
    [InlineData("has space", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", false)]
    public void IsValidRealmName_FollowsSafeIdAnd2To32(string name, bool valid) => Assert.Equal(valid, PbsRules.IsValidRealmName(name));

    [Theory]
    [InlineData("/", null)]
    [InlineData("/datastore/store1", null)]
    [InlineData("/datastore/store1/dev/team-a", null)]
    [InlineData("/remote/r1/store/ns", null)]
    [InlineData("/system/network/interfaces/eth0", null)]
    [InlineData("/access/openid/PocketID", null)]
    [InlineData("/tape/pool/p1", null)]
    [InlineData("/vms/100", "not a PBS permission path")]
    [InlineData("/datastore/", "must start with")]
    [InlineData("/system/bogus", "not a PBS permission path")]
    [InlineData("/datastore/s/1/2/3/4/5/6/7/8", "not a PBS permission path")]
    [InlineData("datastore", "must start with")]
    public void AclPathProblem_FollowsTheGrammar(string path, string? problem)
    {
        AssertProblem(problem, PbsRules.AclPathProblem(path));
    }

    [Theory]
    [InlineData("alice", "alice@PocketID")]
    [InlineData("alice@PocketID", "alice@PocketID")]
    [InlineData("root@pam", "root@pam")]
    [InlineData("alice@example.com", "alice@example.com@PocketID")]
    [InlineData("bob@pbs", "bob@pbs")]
    [InlineData("alice@pocketid", "alice@pocketid")]
    [InlineData("  alice  ", "alice@PocketID")]
    [InlineData("a@b@PocketID", "a@b@PocketID")]
    public void ToUserId_AppendsTheRealmToANamePart(string user, string expected) => Assert.Equal(expected, PbsRules.ToUserId(user, "PocketID"));

    [Theory]
    [InlineData("alice@PocketID", true)]
    [InlineData("alice@example.com@PocketID", true)]
    [InlineData("al ice@PocketID", false)]
    [InlineData("a/b@PocketID", false)]
    [InlineData("alice", false)]
    public void IsValidUserId_FollowsPbsRules(string id, bool valid) => Assert.Equal(valid, PbsRules.IsValidUserId(id));

    [Theory]
    [InlineData("alice@PocketID", "alice", "PocketID")]
    [InlineData("alice@example.com@PocketID", "alice@example.com", "PocketID")]
    [InlineData("root@pam", "root", "pam")]
    public void NameOfAndRealmOf_SplitAtTheLastAt(string id, string name, string realm)
    {
        Assert.Equal(name, PbsRules.NameOf(id));
        Assert.Equal(realm, PbsRules.RealmOf(id));
    }

    [Theory]
    [InlineData("alice@example.com", "PocketID", "alice@example.com@PocketID")]
    [InlineData("bob", "pbs-oidc", "bob@pbs-oidc")]
    public void SignInUserId_ClaimValue_AlwaysAppendsTheRealm(string value, string realm, string expected) =>
        Assert.Equal(expected, PbsRules.SignInUserId(value, realm));

    [Theory]
    [InlineData("alice", null)]
    [InlineData("bob@pbs", null)]
    [InlineData("", "Choose the user")]
    [InlineData("al ice", "not a PBS user id")]
    [InlineData("a:b", "not a PBS user id")]
    [InlineData("a/b", "not a PBS user id")]
    [InlineData("a\u0007b", "not a PBS user id")]
    [InlineData("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz12345", "longer than 64")]
    [InlineData("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz123", null)]
    [InlineData("@admins", "is a group, and PBS has no user groups")]
    [InlineData(" @pbs-admins@PocketID", "is a group, and PBS has no user groups")]
    public void UserProblem_TypedUser_JudgedOnTheUserIdItStandsFor(string user, string? problem)
    {
        AssertProblem(problem, PbsRules.UserProblem(user, "PocketID"));
    }

    [Theory]
    [InlineData("Admin", null, null)]
    [InlineData("RemoteSyncPushOperator", null, null)]
    [InlineData("RemoteSyncPushOperator", "3.3.0", null)]
    [InlineData("RemoteDatastoreAdmin", "4.2.3", null)]
    [InlineData("RemoteDatastoreAdmin", "3.2.4", "exists from PBS 3.3 on")]
    [InlineData("RemoteDatastorePowerUser", "3.2", "exists from PBS 3.3 on")]
    [InlineData("DatastoreBackup", "3.2.4", null)]
    [InlineData("Administrator", null, "role id is Admin")]
    [InlineData("admin", null, "not a PBS role")]
    [InlineData(" Admin", null, "not a PBS role")]
    public void RoleProblem_RoleAndVersion_KnowsWhichPbsHasIt(string role, string? version, string? problem)
    {
        AssertProblem(problem, PbsRules.RoleProblem(role, version));
    }

    [Fact]
    public void Roles_AreTheEighteenOfPbsWithTheThreePushRolesFrom33()
    {
        Assert.Equal(18, PbsRules.Roles.Count);
        Assert.Equal(18, PbsRules.RoleIds.Distinct().Count());
        Assert.Equal(["RemoteSyncPushOperator", "RemoteDatastorePowerUser", "RemoteDatastoreAdmin"],
            PbsRules.Roles.Where(r => r.Since == new Version(3, 3)).Select(r => r.Id));
        Assert.Equal(15, PbsRules.RolesOn("3.2.4").Count);
    }

    [Theory]
    [InlineData("PocketID", null)]
    [InlineData("pam", "built-in pam realm")]
    [InlineData("pbs", "built-in pbs realm")]
    [InlineData("x", "2 to 32 characters")]
    public void RealmNameProblem_Name_RejectsBadAndBuiltInNames(string name, string? problem)
    {
        AssertProblem(problem, PbsRules.RealmNameProblem(name));
    }

    [Theory]
    [InlineData("username", "preferred_username")]
    [InlineData("email", "email")]
    [InlineData("subject", "sub")]
    public void ClaimFor_UsernameClaimSetting_IsTheOidcClaimPbsReads(string setting, string claim) =>
        Assert.Equal(claim, PbsRules.ClaimFor(setting));

    [Theory]
    [InlineData("username", "{\"username\":\"custom\",\"preferred_username\":\"alice\"}", "custom")]
    [InlineData("username", "{\"preferred_username\":\"alice\"}", "alice")]
    [InlineData("username", "{\"username\":7,\"preferred_username\":\"alice\"}", "alice")]
    [InlineData("subject", "{\"subject\":\"s1\",\"sub\":\"uuid\"}", "s1")]
    [InlineData("subject", "{\"sub\":\"uuid\"}", "uuid")]
    [InlineData("", "{\"sub\":\"uuid\",\"preferred_username\":\"alice\"}", "uuid")]
    [InlineData("email", "{\"preferred_username\":\"alice\"}", null)]
    public void SignInName_ClaimSetting_LiteralClaimFirstThenPbsFallback(string setting, string claimsJson, string? expected)
    {
        var claims = PbsRules.SignInClaims(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(claimsJson), null);
        Assert.Equal(expected, PbsRules.SignInName(claims, setting));
    }

    [Fact]
    public void SignInClaims_IdTokenAndUserinfo_IdTokenWinsAndOnlyStringsCount()
    {
        var idToken = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>("{\"preferred_username\":\"from-id\",\"email_verified\":true}");
        var userInfo = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>("{\"preferred_username\":\"from-userinfo\",\"email\":\"a@example.com\"}");

        var claims = PbsRules.SignInClaims(idToken, userInfo);

        Assert.Equal("from-id", claims["preferred_username"]);
        Assert.Equal("a@example.com", claims["email"]);
        Assert.False(claims.ContainsKey("email_verified"));
    }

    [Theory]
    [InlineData("alice", null)]
    [InlineData("alice@example.com", null)]
    [InlineData("back up", "cannot be a PBS user name")]
    [InlineData("a:b", "cannot be a PBS user name")]
    [InlineData("a/b", "cannot be a PBS user name")]
    [InlineData("a\u0007b", "cannot be a PBS user name")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", null)]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "at most 64")]
    public void SignInUserIdProblem_Name_InvalidOrTooLongIsNamed(string name, string? problem) =>
        AssertProblem(problem, PbsRules.SignInUserIdProblem(name, "PocketID"));

    [Theory]
    [InlineData(null, "openid email profile")]
    [InlineData("openid profile email groups", "openid profile email groups")]
    [InlineData("email,profile", "openid email profile")]
    public void SignInScopes_RealmScopes_OpenIdFirstThenTheRealms(string? realmScopes, string expected) =>
        Assert.Equal(expected, PbsRules.SignInScopes(realmScopes));

    [Theory]
    [InlineData("openid profile email groups", true)]
    [InlineData("openid,profile;email", true)]
    [InlineData("", false)]
    [InlineData("open id!", false)]
    public void IsValidScopeList_FollowsPbsSplitting(string scopes, bool valid) => Assert.Equal(valid, PbsRules.IsValidScopeList(scopes));

    /// <summary>A rule's verdict: no problem expected, or one that says the expected words.</summary>
    private static void AssertProblem(string? expected, string? actual)
    {
        if (expected is null)
        {
            Assert.Null(actual);
        }
        else
        {
            Assert.Contains(expected, actual, StringComparison.Ordinal);
        }
    }
}
