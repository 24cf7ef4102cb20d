using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Cli;

namespace PbsPocketIdWizard.Web.Tests.Cli;

/// <summary>PBS's second factor for the command line: --totp/--recovery-key or WIZARD_PBS_SECOND_FACTOR, never the file.</summary>
public sealed class AnswersSecondFactorTests
{
    private const string File = """
        { "pocketId": { "url": "https://id.example.com", "apiKey": "pid-key-12345" },
          "pbs": { "url": "https://pbs.example.com:8007", "password": "pw-12345" },
          "permissions": [ { "user": "alice", "path": "/", "role": "Admin" } ] }
        """;

    private static (ValidAnswers? Answers, IReadOnlyList<string> Errors) Parse(string? secondFactor) =>
        AnswersReader.Parse(File, Path.GetTempPath(), name => name == AnswersReader.SecondFactorVariable ? secondFactor : null, true, EngineSteps.All);

    [Fact]
    public void Apply_RecoveryKeyFromTheEnvironment_BecomesTheSecondFactor()
    {
        var (answers, errors) = Parse("3f2a-9c41-0b7d-e865");

        Assert.Empty(errors);
        var state = new WizardState();
        answers!.ApplyTo(state, null);
        Assert.Equal("3f2a-9c41-0b7d-e865", state.Pbs.TotpCode);
    }

    [Fact]
    public void Apply_OptionAndEnvironment_TheOptionWins()
    {
        var (answers, _) = Parse("3f2a-9c41-0b7d-e865");

        var state = new WizardState();
        answers!.ApplyTo(state, "123456");

        Assert.Equal("123456", state.Pbs.TotpCode);
    }

    [Fact]
    public void Parse_MalformedSecondFactorInTheEnvironment_NamesTheVariable()
    {
        var (_, errors) = Parse("not-a-code");

        Assert.Contains(errors, e => e.StartsWith(AnswersReader.SecondFactorVariable + ": Enter the 6-digit code", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_SecondFactorInTheFile_IsAnUnknownSetting()
    {
        var (_, errors) = AnswersReader.Parse(File.Replace("\"password\": \"pw-12345\"", "\"password\": \"pw-12345\", \"recoveryKey\": \"3f2a-9c41-0b7d-e865\"", StringComparison.Ordinal),
            Path.GetTempPath(), _ => null, true, EngineSteps.All);

        Assert.Contains(errors, e => e.Contains("pbs.recoveryKey", StringComparison.Ordinal));
    }
}
