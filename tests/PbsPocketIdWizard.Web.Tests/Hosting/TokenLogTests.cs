using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using PbsPocketIdWizard.Web.Hosting;
using PbsPocketIdWizard.Web.Tests.Support;

namespace PbsPocketIdWizard.Web.Tests.Hosting;

/// <summary>The app as its own process, as `docker logs` sees it: a configured token never reaches the output.</summary>
public sealed partial class TokenLogTests
{
    private const string Token = "configured-token-never-logged-93ad0e";

    [Fact]
    public async Task Start_WithConfiguredToken_OutputNamesItsSourceButNeverContainsIt()
    {
        using var data = new TempDirectory();
        var output = new StringBuilder();
        var web = typeof(WizardWebHost).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { web, "--urls=http://127.0.0.1:0", "--environment=Development" },
            WorkingDirectory = Path.GetDirectoryName(web)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["Wizard__AccessToken"] = Token,
                ["Wizard__Mode"] = "Live",
                ["Wizard__DataDirectory"] = data.Path,
            },
        };
        using var process = Process.Start(start)!;
        var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Collect(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            if (OpenLine().Match(line) is { Success: true } open)
            {
                address.TrySetResult(new Uri(open.Groups[1].Value));
            }
        }

        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var baseAddress = await address.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseAddress };
            using var signIn = await client.GetAsync($"/?token={Token}");
            using var form = await client.PostAsync("/sign-in", new FormUrlEncodedContent([new KeyValuePair<string, string>("token", Token)]));
            using var wrong = await client.GetAsync("/?token=not-it");
            Assert.Equal(HttpStatusCode.Found, signIn.StatusCode);
            Assert.Equal(HttpStatusCode.Found, form.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var log = output.ToString();
        Assert.Contains("sign in with the access token from Wizard__AccessToken", log, StringComparison.Ordinal);
        Assert.Contains("Wrong access token", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, log, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Open (http://127\.0\.0\.1:\d+/) and sign in")]
    private static partial Regex OpenLine();
}
