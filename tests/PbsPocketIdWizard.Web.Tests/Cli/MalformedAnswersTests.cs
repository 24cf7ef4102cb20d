using System.Text.Json.Nodes;
using PbsPocketIdWizard.Web.Cli;
using PbsPocketIdWizard.Web.Tests.Support;

namespace PbsPocketIdWizard.Web.Tests.Cli;

/// <summary>
/// Bad input never crashes the command line: each malformed answers file gets a field error naming where it is wrong,
/// exit 2 and nothing touched, never an unhandled exception or a stack trace. The engine is the real one; every case is
/// refused before any server is called (the addresses point nowhere reachable).
/// </summary>
public sealed class MalformedAnswersTests : IDisposable
{
    private const string ValidAnswers = """
        {
          "pocketId": { "url": "https://id.example.com", "apiKey": "pid-api-key-J4n9Xr" },
          "pbs": { "url": "https://pbs.example.com:8007", "username": "root@pam", "password": "pbs-password-Vb82Lm" },
          "client": { "name": "Proxmox Backup Server" },
          "realm": { "name": "PocketID" },
          "permissions": [ { "user": "alice", "path": "/", "role": "Admin" } ]
        }
        """;

    private readonly TempDirectory _dir = new();
    private readonly string _answers;

    public MalformedAnswersTests()
    {
        _answers = Path.Combine(_dir.Path, "answers.json");
        Directory.CreateDirectory(Path.Combine(_dir.Path, "folder.png"));
        using (var big = File.Create(Path.Combine(_dir.Path, "big.png")))
        {
            big.SetLength(3 * 1024 * 1024);
        }

        if (OperatingSystem.IsLinux())
        {
            // Files that exist but cannot be read as a logo, also by root: reading /proc/self/mem at offset 0 fails,
            // /dev/zero never ends.
            File.CreateSymbolicLink(Path.Combine(_dir.Path, "unreadable.png"), "/proc/self/mem");
            File.CreateSymbolicLink(Path.Combine(_dir.Path, "endless.png"), "/dev/zero");
        }
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>(where in the file, the JSON value put there, the field the error must name).</summary>
    public static TheoryData<string, string, string> MalformedValues => new()
    {
        // Addresses: user info, file: URLs, plain http for PBS, NUL characters, impossible ports, wrong JSON types.
        { "pocketId.url", "\"https://admin:hunter2@id.example.com\"", "pocketId.url" },
        { "pocketId.url", "\"file:///etc/passwd\"", "pocketId.url" },
        { "pocketId.url", "\"https://id.example.com\\u0000.evil.example\"", "pocketId.url" },
        { "pocketId.url", "\"https://id.example.com:99999999999\"", "pocketId.url" },
        { "pocketId.url", "12345678901234567890123456789", "pocketId.url" },
        { "pocketId.url", "[\"https://id.example.com\"]", "pocketId.url" },
        { "pocketId", "\"https://id.example.com\"", "pocketId" },
        { "pocketId.apiKey", "42", "pocketId.apiKey" },
        { "pbs.url", "\"https://root%40pam:secret@pbs.example.com:8007\"", "pbs.url" },
        { "pbs.url", "\"http://pbs.example.com:8007\"", "pbs.url" },
        { "pbs.url", "\"file:///etc/proxmox-backup\"", "pbs.url" },
        { "pbs.url", "\"https://pbs.example.com:70000\"", "pbs.url" },
        { "pbs.url", "\"pbs.example.com\\u0000\"", "pbs.url" },
        { "pbs.url", "{ \"host\": \"pbs.example.com\" }", "pbs.url" },
        { "pbs.username", "\"root\\u0000@pam\"", "pbs.username" },
        { "pbs.fingerprint", "\"zz:zz\"", "pbs.fingerprint" },
        { "pbs.port", "8007", "pbs.port" },
        // The OIDC client: over-long and NUL names, logo paths that are not readable files, bad callback URLs.
        { "client.name", $"\"{new string('n', 10_000)}\"", "client.name" },
        { "client.name", "\"Proxmox\\u0000Backup\"", "client.name" },
        { "client.logo", "\"logo\\u0000.png\"", "client.logo" },
        { "client.logo", "\"folder.png\"", "client.logo" },
        { "client.logo", "\"missing.png\"", "client.logo" },
        { "client.logo", "\"big.png\"", "client.logo" },
        { "client.logo", $"\"{new string('a', 5_000)}.png\"", "client.logo" },
        { "client.logo", "\"file:///etc/passwd.png\"", "client.logo" },
        { "client.logo", "\"logo.exe\"", "client.logo" },
        { "client.logo", "true", "client.logo" },
        { "client.extraCallbackUrls", "[\"https://user:pw@proxy.example.com\"]", "client.extraCallbackUrls" },
        { "client.extraCallbackUrls", "[\"file:///etc/passwd\"]", "client.extraCallbackUrls" },
        { "client.extraCallbackUrls", "\"https://proxy.example.com\"", "client.extraCallbackUrls" },
        { "client.allowedGroups", "[\"ad\\u0000mins\"]", "client.allowedGroups" },
        // The realm: over-long and NUL names, huge numbers and strings where PBS wants true/false.
        { "realm.name", $"\"{new string('r', 1_000)}\"", "realm.name" },
        { "realm.name", "\"Pocket\\u0000ID\"", "realm.name" },
        { "realm.default", "1e999", "realm.default" },
        { "realm.autocreate", "\"yes\"", "realm.autocreate" },
        { "realm.usernameClaim", "\"nickname\"", "realm.usernameClaim" },
        { "realm.comment", "\"one\\u0000two\"", "realm.comment" },
        { "realm.scopes", "\"openid\\u0000profile\"", "realm.scopes" },
        // Permissions: wrong types, a huge number for a flag, NUL and over-long values.
        { "permissions", "{ \"user\": \"alice\" }", "permissions" },
        { "permissions", "[null]", "permissions[0]" },
        { "permissions[0].propagate", "123456789012345678901234567890", "permissions[0].propagate" },
        { "permissions[0].path", "\"/datastore/\\u0000\"", "permissions[0].path" },
        { "permissions[0].role", $"\"{new string('R', 10_000)}\"", "permissions[0].role" },
        { "permissions[0].user", "\"al\\u0000ice\"", "permissions[0].user" },
    };

    [Theory]
    [MemberData(nameof(MalformedValues))]
    public async Task Plan_MalformedValue_FieldErrorAndExitTwo(string where, string json, string field)
    {
        var answers = JsonNode.Parse(ValidAnswers)!.AsObject();
        Put(answers, where, JsonNode.Parse(json));
        await File.WriteAllTextAsync(_answers, answers.ToJsonString());

        await AssertRefusedAsync(field);
    }

    [LinuxFact]
    public async Task Plan_LogoThatCannotBeRead_FieldErrorAndExitTwo()
    {
        await WriteWithLogoAsync("unreadable.png");

        await AssertRefusedAsync("client.logo");
    }

    [LinuxFact]
    public async Task Plan_LogoThatNeverEnds_FieldErrorAndExitTwo()
    {
        await WriteWithLogoAsync("endless.png");

        await AssertRefusedAsync("client.logo");
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{ \"pbs\": { \"url\": \"https://pbs.example.com\u0000\" } }")]
    [InlineData("{ \"pocketId\": ")]
    public async Task Plan_MalformedFile_AnswersErrorAndExitTwo(string text)
    {
        await File.WriteAllTextAsync(_answers, text);

        await AssertRefusedAsync("answers");
    }

    [Theory]
    [InlineData("folder.png")]
    [InlineData("missing.json")]
    [InlineData("answers\0.json")]
    public async Task Plan_AnswersPathNotAReadableFile_AnswersErrorAndExitTwo(string name)
    {
        var (exit, stdout, stderr) = await PlanAsync(Path.Combine(_dir.Path, name));

        AssertRefused(exit, stdout, stderr, "answers");
    }

    private async Task WriteWithLogoAsync(string logo)
    {
        var answers = JsonNode.Parse(ValidAnswers)!.AsObject();
        Put(answers, "client.logo", JsonValue.Create(logo));
        await File.WriteAllTextAsync(_answers, answers.ToJsonString());
    }

    private async Task AssertRefusedAsync(string field)
    {
        var (exit, stdout, stderr) = await PlanAsync(_answers);
        AssertRefused(exit, stdout, stderr, field);
    }

    private static void AssertRefused(int exit, string stdout, string stderr, string field)
    {
        Assert.True(exit == CliExitCodes.InvalidAnswers, $"exit {exit}; stderr: {stderr}");
        Assert.Empty(stdout);
        Assert.Contains($"  {field}:", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Out, string Err)> PlanAsync(string answersPath)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var console = new CliConsole(stdout, stderr, new StringReader(string.Empty), false, _ => null);
        var runner = new EngineCommandRunner(console);
        var exit = await CliCommandLine.InvokeAsync(
            CliActions.Process with { Engine = command => command(runner, CancellationToken.None) },
            ["plan", "--answers", answersPath], stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Sets a value at "section.key" or "list[0].key" (the answers file's own field names).</summary>
    private static void Put(JsonObject answers, string where, JsonNode? value)
    {
        var parts = where.Split('.');
        JsonNode parent = answers;
        foreach (var part in parts[..^1])
        {
            parent = part.EndsWith(']') ? parent[part[..part.IndexOf('[')]]![int.Parse(part[(part.IndexOf('[') + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)]! : parent[part]!;
        }

        parent.AsObject()[parts[^1]] = value;
    }
}
