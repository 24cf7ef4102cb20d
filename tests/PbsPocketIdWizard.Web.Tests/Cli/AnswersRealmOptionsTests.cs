using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Cli;

namespace PbsPocketIdWizard.Web.Tests.Cli;

/// <summary>The realm's advanced options in the answers file: realm.prompt, realm.acrValues, realm.audiences.</summary>
public sealed class AnswersRealmOptionsTests
{
    private static string File(string realm) => $$"""
        { "pocketId": { "url": "https://id.example.com", "apiKey": "pid-key-12345" },
          "pbs": { "url": "https://pbs.example.com:8007", "password": "pw-12345" },
          "realm": { {{realm}} },
          "permissions": [ { "user": "alice", "path": "/", "role": "Admin" } ] }
        """;

    private static (ValidAnswers? Answers, IReadOnlyList<string> Errors) Parse(string json) =>
        AnswersReader.Parse(json, Path.GetTempPath(), _ => null, true, EngineSteps.All);

    [Fact]
    public void Parse_AdvancedOptions_ReachTheRealmInputs()
    {
        var (answers, errors) = Parse(File("\"prompt\": \" login \", \"acrValues\": \"urn:a urn:b\", \"audiences\": \"backup-api\""));

        Assert.Empty(errors);
        var state = new WizardState();
        answers!.ApplyTo(state, null);
        Assert.Equal("login", state.Realm.Prompt);
        Assert.Equal("urn:a urn:b", state.Realm.AcrValues);
        Assert.Equal("backup-api", state.Realm.Audiences);
    }

    [Fact]
    public void Parse_AdvancedOptionsLeftOut_AreNotSet()
    {
        var (answers, errors) = Parse(File("\"name\": \"PocketID\""));

        Assert.Empty(errors);
        var state = new WizardState();
        answers!.ApplyTo(state, null);
        Assert.Null(state.Realm.Prompt);
        Assert.Null(state.Realm.AcrValues);
        Assert.Null(state.Realm.Audiences);
    }

    [Fact]
    public void Parse_AdvancedOptionsOutsidePbsFormat_NamedByTheirKeys()
    {
        var (_, errors) = Parse(File("\"prompt\": \"log in\", \"acrValues\": \"urn:a#b\", \"audiences\": \"<api>\""));

        Assert.Contains(errors, e => e.StartsWith("realm.prompt: The prompt is one word", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("realm.acrValues: ", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("realm.audiences: ", StringComparison.Ordinal));
    }
}
