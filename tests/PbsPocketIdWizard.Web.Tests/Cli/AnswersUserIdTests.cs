using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Cli;

namespace PbsPocketIdWizard.Web.Tests.Cli;

/// <summary>The answers file and the steps read a permission's user with one rule (PbsRules.ToUserId).</summary>
public sealed class AnswersUserIdTests
{
    private static ValidAnswers Parse(string users)
    {
        var json = $$"""
            { "pocketId": { "url": "https://id.example.com", "apiKey": "pid-key-12345" },
              "pbs": { "url": "https://pbs.example.com:8007", "username": "root@pam", "password": "pw-12345" },
              "permissions": [ {{users}} ] }
            """;
        var (answers, errors) = AnswersReader.Parse(json, Path.GetTempPath(), _ => null, requireSecrets: true, EngineSteps.All);
        Assert.Empty(errors);
        return answers!;
    }

    [Fact]
    public void ApplyTo_UserOfAnotherRealm_IsGrantedAsItselfAndNotAwaited()
    {
        var answers = Parse("""
            { "user": "alice", "path": "/", "role": "Admin" },
            { "user": "bob@pbs", "path": "/datastore/store1", "role": "DatastoreBackup" },
            { "user": "carol@example.com", "path": "/", "role": "Audit" }
            """);
        var state = new WizardState();

        answers.ApplyTo(state, null);

        Assert.Equal(["alice@PocketID", "bob@pbs", "carol@example.com@PocketID"], state.Permissions.Grants.Select(g => g.User));
        // Only users of the run's realm sign in through Pocket ID; bob@pbs is PBS's own user.
        Assert.Equal(["alice@PocketID", "carol@example.com@PocketID"], answers.PermissionUsers);
        Assert.Equal(answers.PermissionUsers, state.FirstSignIn.SelectedUsers);
    }

    [Fact]
    public void ApplyTo_Grants_AreTheUsersTheStepGrants()
    {
        var answers = Parse("""{ "user": "bob@pbs", "path": "/", "role": "Admin" }, { "user": "dave", "path": "/", "role": "Admin" }""");
        var state = new WizardState();

        answers.ApplyTo(state, null);

        // What the permissions step would grant, judged by its own validation, is what the file named.
        Assert.Empty(new PermissionsStep(null!, null!).Validate(state));
        Assert.Equal(["bob@pbs", "dave@PocketID"], state.Permissions.Grants.Select(g => g.User));
    }
}
