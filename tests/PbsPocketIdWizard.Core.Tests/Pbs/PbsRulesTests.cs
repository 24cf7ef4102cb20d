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
        var result = PbsRules.AclPathProblem(path);
        if (problem is null)
        {
            Assert.Null(result);
        }
        else
        {
            Assert.Contains(problem, result, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("alice", "alice@PocketID")]
    [InlineData("alice@PocketID", "alice@PocketID")]
    [InlineData("root@pam", "root@pam")]
    [InlineData("alice@example.com", "alice@example.com@PocketID")]
    public void ToUserId_AppendsTheRealmToANamePart(string user, string expected) => Assert.Equal(expected, PbsRules.ToUserId(user, "PocketID"));

    [Theory]
    [InlineData("alice@PocketID", true)]
    [InlineData("alice@example.com@PocketID", true)]
    [InlineData("al ice@PocketID", false)]
    [InlineData("a/b@PocketID", false)]
    [InlineData("alice", false)]
    public void IsValidUserId_FollowsPbsRules(string id, bool valid) => Assert.Equal(valid, PbsRules.IsValidUserId(id));
}
