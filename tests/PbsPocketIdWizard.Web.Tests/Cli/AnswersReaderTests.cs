using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Cli;

namespace PbsPocketIdWizard.Web.Tests.Cli;

public sealed class AnswersReaderTests
{
    private const string Valid = """
        {
          // comments and trailing commas are allowed
          "pocketId": { "url": "https://id.example.com", "apiKey": "pid-key-12345" },
          "pbs": { "url": "https://pbs.example.com:8007", "username": "root@pam", "password": "pw-12345",
                   "fingerprint": "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99" },
          "client": { "name": "Proxmox Backup Server", "extraCallbackUrls": ["https://backup.example.com"], "allowedGroups": ["admins"] },
          "realm": { "name": "PocketID", "default": true, "autocreate": true, "usernameClaim": "username",
                     "scopes": "openid profile email groups", "comment": "via wizard" },
          "permissions": [ { "user": "alice", "path": "/", "role": "Admin", "propagate": true },
                           { "user": "bob@PocketID", "path": "/datastore/store1/ns1", "role": "DatastoreBackup", "propagate": false } ],
        }
        """;

    private static (ValidAnswers? Answers, IReadOnlyList<string> Errors) Parse(string json, Dictionary<string, string>? env = null, bool requireSecrets = true) =>
        AnswersReader.Parse(json, Path.GetTempPath(), name => env?.GetValueOrDefault(name), requireSecrets, EngineSteps.All);

    [Fact]
    public void Parse_ValidFile_AppliesEveryAnswerToState()
    {
        var (answers, errors) = Parse(Valid);

        Assert.Empty(errors);
        var state = new WizardState();
        answers!.ApplyTo(state, "123456");
        Assert.Equal("https://id.example.com", state.PocketId.Url);
        Assert.Equal("pid-key-12345", state.PocketId.ApiKey?.Reveal());
        Assert.Equal("pw-12345", state.Pbs.Password?.Reveal());
        Assert.Null(state.Pbs.ApiToken);
        Assert.Equal("123456", state.Pbs.TotpCode);
        Assert.Equal(["https://backup.example.com"], state.Client.ExtraCallbackUrls);
        Assert.Equal(["admins"], state.Client.AllowedGroups);
        Assert.True(state.Realm.Default);
        Assert.Equal("via wizard", state.Realm.Comment);
        Assert.Equal(["alice@PocketID", "bob@PocketID"], state.Permissions.Grants.Select(g => g.User));
        Assert.False(state.Permissions.Grants[1].Propagate);
        Assert.Equal(["alice@PocketID", "bob@PocketID"], state.FirstSignIn.SelectedUsers);
    }

    [Fact]
    public void Parse_MinimalFileSecretsFromEnvironment_UsesDefaultsAndEnvironment()
    {
        var json = """{ "pocketId": { "url": "http://id.lan:1411" }, "pbs": { "url": "https://pbs.lan:8007" }, "permissions": [{ "user": "alice", "path": "/", "role": "Audit" }] }""";
        var env = new Dictionary<string, string>
        {
            [AnswersReader.ApiKeyVariable] = "env-key-value",
            [AnswersReader.ApiTokenVariable] = "root@pam!wizard:env-token-secret",
        };

        var (answers, errors) = Parse(json, env);

        Assert.Empty(errors);
        var state = new WizardState();
        answers!.ApplyTo(state, null);
        Assert.Equal("env-key-value", state.PocketId.ApiKey?.Reveal());
        Assert.Equal("root@pam!wizard:env-token-secret", state.Pbs.ApiToken?.Reveal());
        Assert.Equal("PocketID", state.Realm.Name);
        Assert.Equal("Proxmox Backup Server", state.Client.Name);
        Assert.Equal("username", state.Realm.UsernameClaim);
        Assert.True(state.Realm.Autocreate);
        Assert.Equal("alice@PocketID", Assert.Single(state.Permissions.Grants).User);
    }

    [Fact]
    public void Parse_NoSecretsAnywhere_ReportsBothMissingUnlessNotRequired()
    {
        var json = """{ "pocketId": { "url": "https://id.example.com" }, "pbs": { "url": "https://pbs.example.com" }, "permissions": [{ "user": "a", "path": "/", "role": "Admin" }] }""";

        var (_, errors) = Parse(json);
        var (exportAnswers, exportErrors) = Parse(json, requireSecrets: false);

        Assert.Equal(2, errors.Count);
        Assert.StartsWith("pocketId.apiKey: missing", errors[0]);
        Assert.StartsWith("pbs.password: missing", errors[1]);
        Assert.Empty(exportErrors);
        Assert.NotNull(exportAnswers);
    }

    [Fact]
    public void Parse_MalformedJson_ReportsLineAndPosition()
    {
        var json = "{\n  \"pocketId\": { \"url\": \"https://id.example.com\" \n  \"pbs\": {}\n}";

        var (answers, errors) = Parse(json);

        Assert.Null(answers);
        var error = Assert.Single(errors);
        Assert.StartsWith("answers: invalid JSON at line 3, position 3", error);
    }

    [Fact]
    public void Parse_NoPermissions_IsRejected()
    {
        var (_, errors) = Parse("""{ "pocketId": { "url": "https://id", "apiKey": "k-1234" }, "pbs": { "url": "https://pbs:8007", "password": "p-1234" }, "permissions": [] }""");

        Assert.StartsWith("permissions: add at least one", Assert.Single(errors));
    }

    [Fact]
    public void Parse_UnknownSetting_NamesItsPath()
    {
        var (_, errors) = Parse("""{ "realm": { "nmae": "x" } }""");

        Assert.StartsWith("realm.nmae: unknown setting at line 1", Assert.Single(errors));
    }

    [Fact]
    public void Parse_WrongType_NamesFieldAndExpectedType()
    {
        var (_, errors) = Parse("""{ "realm": { "default": "yes" } }""");

        Assert.StartsWith("realm.default: wrong type", Assert.Single(errors));
        Assert.Contains("true or false", errors[0]);
    }

    [Fact]
    public void Parse_EveryFieldWrong_ListsEveryErrorAtOnce()
    {
        var json = """
            {
              "pocketId": { "url": "ftp://id.example.com" },
              "pbs": { "url": "http://pbs.example.com:8007", "username": "root", "apiToken": "not-a-token-SECRETVALUE", "fingerprint": "aa:bb" },
              "client": { "name": "", "logo": "missing.bmp", "extraCallbackUrls": ["not a url"], "allowedGroups": [" "] },
              "realm": { "name": "x", "usernameClaim": "nickname", "scopes": "openid pro/file", "comment": "two\nlines" },
              "permissions": [ { "user": "al ice", "path": "/vms/100", "role": "Administrator" },
                               { "user": "bob", "path": "/datastore/", "role": "PVEAdmin" } ]
            }
            """;

        var (answers, errors) = Parse(json);

        Assert.Null(answers);
        var fields = errors.Select(e => e[..e.IndexOf(':')]).ToList();
        // In the file's order; the file's own checks (secrets, scopes) before the steps' verdicts within a section. With an
        // API token the user name is not used, so the step does not judge it (as in the web form); with the realm name
        // refused, the permissions' users (name@realm) are not judged yet.
        Assert.Equal(
        [
            "pocketId.apiKey", "pocketId.url", "pbs.url", "pbs.apiToken", "pbs.fingerprint", "client.name", "client.extraCallbackUrls",
            "client.logo", "client.allowedGroups", "realm.scopes", "realm.name", "realm.usernameClaim", "realm.comment",
            "permissions[0].path", "permissions[0].role", "permissions[1].path", "permissions[1].role",
        ], fields);
        Assert.Contains(errors, e => e.Contains("The PBS role id is Admin", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("SECRETVALUE", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://id.example.com/app")]
    [InlineData("https://user:pw@id.example.com")]
    [InlineData("https://id.example.com?x=1")]
    [InlineData("id.example.com")]
    public void Parse_PocketIdUrlNotBareOrigin_IsRejected(string url)
    {
        var (_, errors) = Parse($$"""{ "pocketId": { "url": "{{url}}", "apiKey": "k-1234" }, "pbs": { "url": "https://pbs:8007", "password": "p-1234" }, "permissions": [{ "user": "a", "path": "/", "role": "Admin" }] }""");

        Assert.StartsWith("pocketId.url: ", Assert.Single(errors));
    }

    [Fact]
    public void Parse_BadUserWithGoodRealm_IsJudgedByThePermissionsStep()
    {
        var (_, errors) = Parse("""{ "pocketId": { "url": "https://id", "apiKey": "k-1234" }, "pbs": { "url": "https://pbs:8007", "password": "p-1234" }, "permissions": [{ "user": "al ice", "path": "/", "role": "Admin" }] }""");

        Assert.Equal("permissions[0].user: 'al ice' is not a PBS user id: a name without spaces, ':' or '/', optionally with @realm.", Assert.Single(errors));
    }

    [Theory]
    [InlineData("pam")]
    [InlineData("pbs")]
    [InlineData("-bad")]
    [InlineData("a234567890123456789012345678901234")]
    public void Parse_BadRealmName_IsRejected(string name)
    {
        var (_, errors) = Parse($$"""{ "pocketId": { "url": "https://id", "apiKey": "k-1234" }, "pbs": { "url": "https://pbs:8007", "password": "p-1234" }, "realm": { "name": "{{name}}" }, "permissions": [{ "user": "a", "path": "/", "role": "Admin" }] }""");

        Assert.StartsWith("realm.name: ", Assert.Single(errors));
    }

    [Fact]
    public void Parse_LogoFile_LoadsBytesRelativeToAnswersDirectory()
    {
        var dir = Directory.CreateTempSubdirectory("answers-logo");
        try
        {
            File.WriteAllBytes(Path.Combine(dir.FullName, "logo.png"), [1, 2, 3]);
            var json = """{ "pocketId": { "url": "https://id", "apiKey": "k-1234" }, "pbs": { "url": "https://pbs:8007", "password": "p-1234" }, "client": { "logo": "logo.png" }, "permissions": [{ "user": "a", "path": "/", "role": "Admin" }] }""";

            var (answers, errors) = AnswersReader.Parse(json, dir.FullName, _ => null, requireSecrets: true, EngineSteps.All);

            Assert.Empty(errors);
            var state = new WizardState();
            answers!.ApplyTo(state, null);
            Assert.Equal("logo.png", state.Client.LogoFileName);
            Assert.Equal([1, 2, 3], state.Client.LogoContent);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Parse_DarkLogoFile_LoadsBytesAndAnUnknownTypeIsNamedByItsKey()
    {
        var dir = Directory.CreateTempSubdirectory("answers-dark-logo");
        try
        {
            File.WriteAllBytes(Path.Combine(dir.FullName, "dark.svg"), [4, 5, 6]);
            File.WriteAllBytes(Path.Combine(dir.FullName, "dark.bmp"), [7]);
            string Json(string darkLogo) => $$"""{ "pocketId": { "url": "https://id", "apiKey": "k-1234" }, "pbs": { "url": "https://pbs:8007", "password": "p-1234" }, "client": { "darkLogo": "{{darkLogo}}" }, "permissions": [{ "user": "a", "path": "/", "role": "Admin" }] }""";

            var (answers, errors) = AnswersReader.Parse(Json("dark.svg"), dir.FullName, _ => null, requireSecrets: true, EngineSteps.All);
            var (_, refused) = AnswersReader.Parse(Json("dark.bmp"), dir.FullName, _ => null, requireSecrets: true, EngineSteps.All);

            Assert.Empty(errors);
            var state = new WizardState();
            answers!.ApplyTo(state, null);
            Assert.Equal("dark.svg", state.Client.DarkLogoFileName);
            Assert.Equal([4, 5, 6], state.Client.DarkLogoContent);
            Assert.Null(state.Client.LogoFileName);
            Assert.Equal(["client.darkLogo: The dark-mode logo must be a PNG, SVG, JPG, WEBP, ICO, GIF or AVIF file."], refused);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
