using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.Pbs.Models;
using PbsPocketIdWizard.Core.PocketId.Models;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Steps;

/// <summary>The rules that recognise and repair a setup made by hand from the how-to.</summary>
public sealed class AdoptionRulesTests
{
    private static readonly PbsAddress Pbs = PbsAddress.Parse("https://pbs.example.com:8007");

    [Theory]
    [InlineData("https://pbs.example.com", true)]
    [InlineData("https://PBS.example.com:8007/callback", true)]
    [InlineData("https://pbs.example.com:8007", true)]
    [InlineData("https://backup.example.com", false)]
    [InlineData("not a url", false)]
    public void PointsAtPbs_CallbackForThisHostWithAnyPortOrPath_IsRecognised(string callback, bool expected) =>
        Assert.Equal(expected, ClientAdoption.PointsAtPbs(callback, Pbs));

    [Fact]
    public void RepairedCallbacks_HowToCallbackWithoutPortAndAProxy_ReplacesOnlyThePbsOne()
    {
        var repaired = ClientAdoption.RepairedCallbacks(["https://pbs.example.com", "https://other.example.com/cb"], ["https://pbs.example.com:8007"], Pbs);

        Assert.Equal(["https://other.example.com/cb", "https://pbs.example.com:8007"], repaired);
    }

    [Fact]
    public void RepairedCallbacks_ExtraCallbackOnThePbsHostIsWanted_IsKept()
    {
        var repaired = ClientAdoption.RepairedCallbacks(["https://pbs.example.com"], ["https://pbs.example.com:8007", "https://pbs.example.com"], Pbs);

        Assert.Equal(["https://pbs.example.com", "https://pbs.example.com:8007"], repaired);
    }

    [Fact]
    public void Findings_CallbackWithoutPortAndPkceOff_ExplainsBothInPlainWords()
    {
        var client = new PocketIdOidcClient { Id = "c1", Name = "Proxmox Backup Server", CallbackUrls = ["https://pbs.example.com/login"], PkceEnabled = false };

        var findings = ClientAdoption.Findings(client, ["https://pbs.example.com:8007"], Pbs);

        Assert.Equal(2, findings.Count);
        Assert.StartsWith("callback https://pbs.example.com/login → https://pbs.example.com:8007 (PBS returns to its own address without a path", findings[0], StringComparison.Ordinal);
        Assert.StartsWith("turn PKCE on", findings[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Findings_RepairedClient_HasNone()
    {
        var client = new PocketIdOidcClient { Id = "c1", Name = "Proxmox Backup Server", CallbackUrls = ["https://pbs.example.com:8007"], PkceEnabled = true };

        Assert.Empty(ClientAdoption.Findings(client, ["https://pbs.example.com:8007"], Pbs));
    }

    [Theory]
    [InlineData("preferred_username", "username")]
    [InlineData("username", "username")]
    [InlineData(null, "subject")]
    [InlineData("sub", "subject")]
    [InlineData("email", "email")]
    public void ClaimChoice_RealmClaim_IsNamedAsTheWizardOffersIt(string? claim, string expected) =>
        Assert.Equal(expected, RealmFindings.ClaimChoice(claim));

    [Fact]
    public void UsernameClaimConflict_RealmWithEmailAnswersWantUsername_OffersBothWaysOutWithoutInternalReferences()
    {
        var state = new WizardState { RunId = Guid.NewGuid() };
        var realm = new PbsOpenIdRealm { Realm = "PocketID", IssuerUrl = "https://id.example.com", ClientId = "c1", UsernameClaim = "email" };

        var conflict = RealmFindings.UsernameClaimConflict(state, realm);

        Assert.NotNull(conflict);
        Assert.Contains("choose the username claim 'email'", conflict.Message, StringComparison.Ordinal);
        Assert.Contains("choose another realm name", conflict.Message, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\.md\b|§", conflict.Message);
    }

    [Fact]
    public void UsernameClaimConflict_PreferredUsernameAndAnswersWantUsername_IsNoConflict()
    {
        var state = new WizardState { RunId = Guid.NewGuid() };
        var realm = new PbsOpenIdRealm { Realm = "PocketID", IssuerUrl = "https://id.example.com", ClientId = "c1", UsernameClaim = "preferred_username" };

        Assert.Null(RealmFindings.UsernameClaimConflict(state, realm));
    }
}
