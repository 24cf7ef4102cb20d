using PbsPocketIdWizard.Core.PocketId.Models;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Steps;

public sealed class IssuerEndpointsTests
{
    private static PocketIdDiscovery Discovery(string issuer, string internalBase) => new()
    {
        Issuer = issuer,
        AuthorizationEndpoint = issuer + "/authorize",
        TokenEndpoint = internalBase + "/api/oidc/token",
        UserInfoEndpoint = internalBase + "/api/oidc/userinfo",
        JwksUri = internalBase + "/.well-known/jwks.json",
    };

    [Fact]
    public void PlanNote_EndpointsOnTheIssuersOrigin_SaysNothing() =>
        Assert.Empty(IssuerEndpoints.PlanNote(Discovery("https://id.example.com", "https://id.example.com")));

    [Fact]
    public void PlanNote_EndpointsOnAnInternalAddress_WarnsThatPbsMustReachThemToo()
    {
        var note = Assert.Single(IssuerEndpoints.PlanNote(Discovery("https://id.example.com", "http://pocket-id:1411")));

        Assert.Equal(ChangeKind.NoChange, note.Kind);
        Assert.Contains("token http://pocket-id:1411/api/oidc/token", note.Description, StringComparison.Ordinal);
        Assert.Contains("userinfo http://pocket-id:1411/api/oidc/userinfo", note.Description, StringComparison.Ordinal);
        Assert.Contains("keys (JWKS) http://pocket-id:1411/.well-known/jwks.json", note.Description, StringComparison.Ordinal);
        Assert.Contains("PBS must also reach these addresses", note.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void ElsewhereThanIssuer_OtherPortOnly_Counts() =>
        Assert.Equal(3, IssuerEndpoints.ElsewhereThanIssuer(Discovery("https://id.example.com", "https://id.example.com:8443")).Count);
}
