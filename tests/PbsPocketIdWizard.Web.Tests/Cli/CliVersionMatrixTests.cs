using System.Text.Json;
using System.Text.Json.Nodes;
using PbsPocketIdWizard.Web.Cli;
using PbsPocketIdWizard.Web.Tests.Support;

namespace PbsPocketIdWizard.Web.Tests.Cli;

/// <summary>
/// The command line's whole sequence (plan, apply with a real sign-in, apply again, plan, undo) against the simulators
/// set to the server versions the real-source check read: PBS before the new ticket cookie name (3.2.4), before the
/// default-realm flag (3.3.3) and current (4.2.3), each with Pocket ID's `/secret` (2.13) and `/secrets` (2.14) API.
/// </summary>
public sealed class CliVersionMatrixTests
{
    [Theory]
    [InlineData("3.2.4", "2.13.0")]
    [InlineData("3.2.4", "2.14.0")]
    [InlineData("3.3.3", "2.13.0")]
    [InlineData("3.3.3", "2.14.0")]
    [InlineData("4.2.3", "2.13.0")]
    [InlineData("4.2.3", "2.14.0")]
    public async Task Cli_FullSequenceOnServerVersion_PlansAppliesSignsInReappliesAndUndoes(string pbsVersion, string pocketIdVersion)
    {
        await using var cli = await SimulatorCli.StartAsync(pbsVersion: pbsVersion, pocketIdVersion: pocketIdVersion);
        var sims = cli.Sims;
        var hasDefaultFlag = Version.Parse(pbsVersion) >= new Version(3, 3, 7);
        string? PamDefault() => sims.PbsState.Realms.Single(r => r.Name == "pam").Properties.GetValueOrDefault("default");
        var pamDefaultBefore = PamDefault();
        var hasAudiences = Version.Parse(pbsVersion) >= new Version(4, 2, 1);
        // The realm's advanced sign-in options too: audiences exist only from PBS 4.2.1.
        var answers = JsonNode.Parse(await File.ReadAllTextAsync(cli.AnswersPath))!;
        answers["realm"]!["prompt"] = "login";
        answers["realm"]!["acrValues"] = "urn:probe:mfa";
        answers["realm"]!["audiences"] = "backup-api";
        await File.WriteAllTextAsync(cli.AnswersPath, answers.ToJsonString());

        var plan = await cli.RunWithAnswersAsync("plan", "--json");
        Assert.True(plan.Exit == CliExitCodes.Done, plan.Out + plan.Err);
        using (var doc = JsonDocument.Parse(plan.Out))
        {
            var changes = doc.RootElement.GetProperty("changes").EnumerateArray().ToList();
            Assert.Contains("Create", changes.Select(c => c.GetProperty("kind").GetString()));
            Assert.Equal(!hasAudiences, changes.Any(c => c.GetProperty("resource").GetString() == "PBS realm extra audiences"));
        }

        var (first, signIn) = await cli.ApplyWithSignInAsync();
        Assert.True(first.Exit == CliExitCodes.Done, first.Out + first.Err);
        Assert.True(signIn?.Succeeded, $"sign-in: {signIn?.Stage} {signIn?.Status} {signIn?.Error}");
        Assert.Contains("new user: alice@PocketID", first.Out);
        Assert.Contains(sims.PbsState.Acls, a => a is { Path: "/", AuthId: "alice@PocketID", Role: "Admin" });
        var realm = sims.PbsState.Realms.Single(r => r.Name == "PocketID");
        // Before 3.3.7 PBS has no default-realm flag: the wizard never sends it and says so in the plan.
        Assert.Equal(hasDefaultFlag, realm.Properties.ContainsKey("default"));
        Assert.Equal(("login", "urn:probe:mfa"), (realm.Properties["prompt"], realm.Properties["acr-values"]));
        Assert.Equal(hasAudiences, realm.Properties.ContainsKey("audiences"));
        var client = Assert.Single(sims.PocketIdState.Clients);
        Assert.True(client.PkceEnabled);
        var secretCount = client.Secrets.Count;

        var second = await cli.ApplyAsync(30);
        Assert.True(second.Exit == CliExitCodes.Done, second.Out + second.Err);
        Assert.Contains("No change: everything was already in place.", second.Out);
        Assert.DoesNotContain("+ Create:", second.Out);
        Assert.DoesNotContain("~ Update:", second.Out);
        Assert.Equal(secretCount, Assert.Single(sims.PocketIdState.Clients).Secrets.Count);

        var replan = await cli.RunWithAnswersAsync("plan", "--json");
        Assert.True(replan.Exit == CliExitCodes.Done, replan.Out + replan.Err);
        using (var doc = JsonDocument.Parse(replan.Out))
        {
            Assert.All(doc.RootElement.GetProperty("changes").EnumerateArray(), c => Assert.True(c.GetProperty("kind").GetString() == "NoChange", c.ToString()));
        }

        var undo = await cli.RunWithAnswersAsync("undo", "--data-dir", cli.DataDir, "--yes");
        Assert.True(undo.Exit == CliExitCodes.Done, undo.Out + undo.Err);
        Assert.DoesNotContain(sims.PbsState.Realms, r => r.Name == "PocketID");
        Assert.DoesNotContain(sims.PbsState.Acls, a => a.AuthId == "alice@PocketID");
        Assert.Empty(sims.PocketIdState.Clients);
        // Undo gives pam back the default flag the realm took (only where the flag exists); elsewhere pam is untouched.
        Assert.Equal(pamDefaultBefore, PamDefault());
    }
}
