using PbsPocketIdWizard.Web.Cli;

namespace PbsPocketIdWizard.Web.Tests.Cli;

/// <summary>The executable's arguments as System.CommandLine parses them: verbs, options, help, exit codes, the web host.</summary>
public sealed class CliCommandLineTests
{
    private readonly List<string> _calls = [];

    /// <summary>Actions that only record what they were given: nothing starts, nothing is touched.</summary>
    private CliActions Recording => new(
        command =>
        {
            _calls.Add("engine");
            return Task.FromResult(0);
        },
        options =>
        {
            _calls.Add($"simulators {options.PbsPort} {options.PocketIdPort}");
            return Task.FromResult(0);
        },
        (health, _) =>
        {
            _calls.Add($"healthcheck {health}");
            return Task.FromResult(true);
        },
        args =>
        {
            _calls.Add("web " + string.Join(' ', args));
            return Task.FromResult(0);
        });

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliCommandLine.InvokeAsync(Recording, args, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData]
    [InlineData("--Wizard:Mode=Live")]
    [InlineData("--urls", "http://127.0.0.1:0", "--Wizard:Mode", "Live")]
    [InlineData("--environment=Development", "--contentRoot=/tmp")]
    public async Task Run_NoVerb_StartsTheWebHostWithTheSameArguments(params string[] args)
    {
        var (exit, stdout, stderr) = await RunAsync(args);

        Assert.Equal(0, exit);
        Assert.Equal(["web " + string.Join(' ', args)], _calls);
        Assert.Empty(stdout);
        Assert.Empty(stderr);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task Run_Help_ListsEveryVerbAndStartsNothing(string help)
    {
        var (exit, stdout, _) = await RunAsync(help);

        Assert.Equal(0, exit);
        Assert.Empty(_calls);
        foreach (var verb in new[] { "plan", "apply", "status", "undo", "export", "simulators", "healthcheck" })
        {
            Assert.Contains($"  {verb} ", stdout, StringComparison.Ordinal);
        }

        Assert.Contains("--Wizard:Mode=Live", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plan", "--answers <FILE> (REQUIRED)", "--json", "--totp <CODE>")]
    [InlineData("apply", "--answers <FILE> (REQUIRED)", "--data-dir <DIR>", "--wait-timeout <SECONDS>", "[default: 900]", "--yes", "--totp <CODE>")]
    [InlineData("status", "--data-dir <DIR>")]
    [InlineData("undo", "--answers <FILE> (REQUIRED)", "--data-dir <DIR>", "--yes")]
    [InlineData("export", "--answers <FILE> (REQUIRED)", "--format <cli|json>", "[default: cli]", "--data-dir <DIR>")]
    [InlineData("simulators", "--pbs-port <N>", "[default: 18007]", "--pocket-id-port <N>", "[default: 11411]", "--pbs-root-password <PW>", "--pocket-id-api-key <KEY>", "--pbs-version <V>", "--pocket-id-version <V>", "--host <ADDRESS>", "--public-host <NAME>")]
    [InlineData("healthcheck", "--url <URL>", "[default: http://127.0.0.1:8080]")]
    public async Task Run_VerbHelp_ShowsItsUsageAndOptions(string verb, params string[] expected)
    {
        var (exit, stdout, stderr) = await RunAsync(verb, "--help");

        Assert.Equal(0, exit);
        Assert.Empty(_calls);
        Assert.Empty(stderr);
        Assert.Contains($"Usage:\n  PbsPocketIdWizard.Web {verb} [options]", stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        foreach (var text in expected)
        {
            Assert.Contains(text, stdout, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("plan")]
    [InlineData("apply", "--yes")]
    [InlineData("undo", "--yes")]
    [InlineData("export", "--format", "json")]
    public async Task Run_VerbWithoutAnswers_ExitsTwoNamingTheOption(params string[] args)
    {
        var (exit, stdout, stderr) = await RunAsync(args);

        Assert.Equal(CliExitCodes.InvalidAnswers, exit);
        Assert.Empty(_calls);
        Assert.Empty(stdout);
        Assert.Contains("Option '--answers' is required.", stderr, StringComparison.Ordinal);
        Assert.Contains($"PbsPocketIdWizard.Web {args[0]} [options]", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--jsn: unknown option", "plan", "--answers", "a.json", "--jsn")]
    [InlineData("--answer: unknown option", "apply", "--answer", "a.json", "--answers", "a.json")]
    [InlineData("--foo: unknown option", "status", "--foo")]
    [InlineData("extra: unexpected argument", "undo", "--answers", "a.json", "extra")]
    [InlineData("--wait-timeout: must be a number of seconds greater than 0", "apply", "--answers", "a.json", "--wait-timeout", "0")]
    [InlineData("--wait-timeout: must be a number of seconds greater than 0", "apply", "--answers", "a.json", "--wait-timeout", "soon")]
    [InlineData("--format: must be cli or json", "export", "--answers", "a.json", "--format", "yaml")]
    [InlineData("Required argument missing for option: '--data-dir'", "status", "--data-dir")]
    [InlineData("--url: 'ftp://x' is not an http(s) address", "healthcheck", "--url", "ftp://x")]
    [InlineData("--bogus: unknown option", "healthcheck", "--bogus")]
    public async Task Run_BadOption_ExitsTwoWithTheReasonAndStartsNothing(string reason, params string[] args)
    {
        var (exit, stdout, stderr) = await RunAsync(args);

        Assert.Equal(CliCommandLine.UsageError, exit);
        Assert.Empty(_calls);
        Assert.Empty(stdout);
        Assert.Contains(reason, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plan", "--answers", "a.json", "--json", "--totp", "123456")]
    [InlineData("apply", "--answers=a.json", "--data-dir", "d", "--wait-timeout", "0.5", "--yes", "--totp", "1")]
    [InlineData("status")]
    [InlineData("status", "--data-dir=d")]
    [InlineData("undo", "--answers", "a.json", "--data-dir", "d", "--yes", "--totp", "1")]
    [InlineData("apply", "--answers", "a.json", "--yes", "--recovery-key", "3f2a-9c41-0b7d-e865")]
    [InlineData("export", "--answers", "a.json", "--format", "cli", "--data-dir", "d")]
    [InlineData("export", "--answers", "a.json")]
    public async Task Run_VerbWithValidOptions_RunsTheEngineOnce(params string[] args)
    {
        var (exit, _, stderr) = await RunAsync(args);

        Assert.Equal(0, exit);
        Assert.Empty(stderr);
        Assert.Equal(["engine"], _calls);
    }

    [Fact]
    public async Task Run_Simulators_DefaultsToTheDocumentedPorts()
    {
        Assert.Equal(0, (await RunAsync("simulators")).Exit);
        Assert.Equal(0, (await RunAsync("simulators", "--pbs-port", "0", "--pocket-id-port=0")).Exit);

        Assert.Equal(["simulators 18007 11411", "simulators 0 0"], _calls);
    }

    [Fact]
    public async Task Run_Healthcheck_ChecksHealthUnderTheGivenAddress()
    {
        Assert.Equal(0, (await RunAsync("healthcheck")).Exit);
        Assert.Equal(0, (await RunAsync("healthcheck", "--url", "https://wizard.lan:9443/")).Exit);

        Assert.Equal(["healthcheck http://127.0.0.1:8080/health", "healthcheck https://wizard.lan:9443/health"], _calls);
    }

    [Fact]
    public async Task Run_MistypedOption_NamesItButNotTheValueAfterIt()
    {
        var (exit, _, stderr) = await RunAsync("simulators", "--pbs-root-pasword", "Sup3rSecret");

        Assert.Equal(CliCommandLine.UsageError, exit);
        Assert.Contains("--pbs-root-pasword: unknown option", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Sup3rSecret", stderr, StringComparison.Ordinal);
        Assert.Empty(_calls);
    }

    [Fact]
    public async Task Run_ValueStartingWithAt_IsAValueNotAResponseFile()
    {
        Assert.Equal(0, (await RunAsync("simulators", "--pbs-root-password", "@not-a-file")).Exit);

        Assert.Equal(["simulators 18007 11411"], _calls);
    }
}
