using System.Net;
using PbsPocketIdWizard.Simulators.Hosting;
using PbsPocketIdWizard.Web.Cli;

namespace PbsPocketIdWizard.Web.Tests.Cli;

public sealed class SimulatorsCommandTests
{
    [Theory]
    [InlineData("--pbs-port", "abc")]
    [InlineData("--pbs-port", "70000")]
    [InlineData("--bogus", "1")]
    [InlineData("--pbs-version", "four")]
    [InlineData("--pocket-id-port")]
    [InlineData("--pbs-port", "11411")]
    [InlineData("--host", "")]
    public async Task Run_BadArguments_PrintsUsageAndExits2WithoutStarting(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var started = false;

        var exit = await CliCommandLine.InvokeAsync(
            CliActions.Process with
            {
                Simulators = _ =>
                {
                    started = true;
                    return Task.FromResult(0);
                },
            },
            ["simulators", .. args],
            stdout,
            stderr,
            CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.False(started);
        Assert.Contains("PbsPocketIdWizard.Web simulators [options]", stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(stdout.ToString());
    }

    [Fact]
    public async Task Parse_AllOptions_AreTaken()
    {
        SimulatorServersOptions? options = null;

        var exit = await CliCommandLine.InvokeAsync(
            CliActions.Process with
            {
                Simulators = given =>
                {
                    options = given;
                    return Task.FromResult(0);
                },
            },
            ["simulators", "--pbs-port", "18007", "--pocket-id-port=11411", "--pbs-root-password", "pw", "--pocket-id-api-key", "key",
             "--pocket-id-version", "2.13.0", "--pbs-version", "3.2.4", "--host", "0.0.0.0", "--public-host", "pbs.lan"],
            TextWriter.Null, TextWriter.Null, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.NotNull(options);
        Assert.Equal(18007, options.PbsPort);
        Assert.Equal(11411, options.PocketIdPort);
        Assert.Equal("pw", options.PbsRootPassword);
        Assert.Equal("key", options.PocketIdApiKey);
        Assert.Equal("2.13.0", options.PocketIdVersion);
        Assert.Equal("3.2.4", options.PbsVersion);
        Assert.Equal("0.0.0.0", options.Host);
        Assert.Equal("pbs.lan", options.PublicHost);
    }

    [Fact]
    public async Task Run_FreePorts_PrintsUrlsFingerprintAndGeneratedSecrets_UntilStopped()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        HttpStatusCode? ping = null;
        string? fingerprint = null;

        var exit = await SimulatorsCommand.RunAsync(new SimulatorServersOptions { PbsPort = 0, PocketIdPort = 0 }, stdout, stderr, stop.Token, async servers =>
        {
            fingerprint = servers.PbsFingerprint;
            using var pbs = new HttpClient(SignInDriver.PinnedHandler(servers.PbsFingerprint));
            using var response = await pbs.GetAsync(new Uri(servers.PbsUrl, "/api2/json/ping"));
            ping = response.StatusCode;
            await stop.CancelAsync();
        });

        var output = stdout.ToString();
        Assert.Equal(0, exit);
        Assert.Equal(HttpStatusCode.OK, ping);
        Assert.Contains("https://127.0.0.1:", output, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:", output, StringComparison.Ordinal);
        Assert.Contains(fingerprint!, output, StringComparison.Ordinal);
        Assert.Contains("root@pam password", output, StringComparison.Ordinal);
        Assert.Contains("API key", output, StringComparison.Ordinal);
        Assert.Contains("simulators stopped", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_GivenSecrets_AreNotPrinted()
    {
        using var stdout = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var exit = await CliCommandLine.InvokeAsync(
            CliActions.Process with { Simulators = options => SimulatorsCommand.RunAsync(options, stdout, TextWriter.Null, stop.Token, _ => stop.CancelAsync()) },
            ["simulators", "--pbs-port", "0", "--pocket-id-port", "0", "--pbs-root-password", "Sup3rSecretPw", "--pocket-id-api-key", "K3yK3yK3yK3y"],
            stdout, TextWriter.Null, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.DoesNotContain("Sup3rSecretPw", stdout.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("K3yK3yK3yK3y", stdout.ToString(), StringComparison.Ordinal);
    }
}
