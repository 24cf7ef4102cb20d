using Microsoft.AspNetCore.Components.Forms;
using PbsPocketIdWizard.Core.PocketId;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Cli;
using PbsPocketIdWizard.Web.Components.Wizard;

namespace PbsPocketIdWizard.Web.Tests.Cli;

/// <summary>
/// The same value typed into the web form and written into the answers file gets the same verdict and the same message:
/// the web side is the step's Validate on the form's state (and the logo picker's own check), the file side is
/// AnswersReader; only the field's name differs (the form's property, the file's JSON path).
/// </summary>
public sealed class AnswersMatchWebFormTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("answers-verdicts");

    public void Dispose() => _dir.Delete(recursive: true);

    public static TheoryData<string> RealmNames => ["PocketID", "my.realm_1", "pam", "pbs", "a", "-x", ".x", new string('r', 32), new string('r', 33), "Pocket ID"];

    public static TheoryData<string> AclPaths =>
    [
        "/", "/datastore", "/datastore/store1", "/datastore/store1/ns1", "/datastore/store1/a/b/c/d/e/f/g", "/datastore/store1/a/b/c/d/e/f/g/h",
        "/remote/r1/store/ns", "/access/openid/PocketID", "/access/users/alice", "/system/network/interfaces/eth0", "/system/foo",
        "/tape/pool/p1", "/vms/100", "/datastore/", "datastore", "/data store",
    ];

    public static TheoryData<string> Users =>
    [
        "alice", "alice@PocketID", "alice@example.com", "bob@pbs", "root@pam", "a b", "a/b", "a:b", "@PocketID", new string('u', 55), new string('u', 56),
    ];

    public static TheoryData<string> Roles => ["Admin", "Administrator", "admin", "DatastoreBackup", "RemoteSyncPushOperator", "TapeReader", "PVEAdmin", "NoAccess"];

    public static TheoryData<string> ClientNames => ["Proxmox Backup Server", "PB", "P", "  ", new string('n', 50), new string('n', 51), " padded name "];

    public static TheoryData<string, long> Logos => new()
    {
        { "logo.png", 100 },
        { "logo.svg", 0 },
        { "logo.PNG", PocketIdClientRules.MaxLogoBytes },
        { "logo.webp", PocketIdClientRules.MaxLogoBytes + 1 },
        { "logo.jpg", PocketIdClientRules.MaxUploadBytes },
        { "logo.bmp", 100 },
        { "logo", 100 },
    };

    [Theory]
    [MemberData(nameof(RealmNames))]
    public void RealmName_FormAndFile_SameVerdictAndMessage(string name) =>
        AssertSame(WizardStepId.PbsRealm, nameof(RealmInput.Name), state => state.Realm.Name = name, "realm.name", $$"""{ "name": {{Json(name)}} }""", "realm");

    [Theory]
    [MemberData(nameof(AclPaths))]
    public void AclPath_FormAndFile_SameVerdictAndMessage(string path) =>
        AssertSame(WizardStepId.Permissions, PermissionsStep.GrantField(0, "Path"), state => state.Permissions.Grants[0].Path = path, "permissions[0].path", Grant(path: path));

    [Theory]
    [MemberData(nameof(Users))]
    public void User_FormAndFile_SameVerdictAndMessage(string user) =>
        AssertSame(WizardStepId.Permissions, PermissionsStep.GrantField(0, "User"), state => state.Permissions.Grants[0].User = user, "permissions[0].user", Grant(user: user));

    [Theory]
    [MemberData(nameof(Roles))]
    public void Role_FormAndFile_SameVerdictAndMessage(string role) =>
        AssertSame(WizardStepId.Permissions, PermissionsStep.GrantField(0, "Role"), state => state.Permissions.Grants[0].Role = role, "permissions[0].role", Grant(role: role));

    [Theory]
    [MemberData(nameof(ClientNames))]
    public void ClientName_FormAndFile_SameVerdictAndMessage(string name) =>
        AssertSame(WizardStepId.OidcClient, nameof(OidcClientInput.Name), state => state.Client.Name = name, "client.name", $$"""{ "name": {{Json(name)}} }""", "client");

    [Theory]
    [MemberData(nameof(Logos))]
    public async Task Logo_FormAndFile_SameVerdictAndMessage(string fileName, long size)
    {
        File.WriteAllBytes(Path.Combine(_dir.FullName, fileName), new byte[size]);

        // The form: the picker's own check first, then the step's.
        var form = FormState();
        var pickerMessage = await LogoFile.ReadIntoAsync(new ChosenFile(fileName, size), form.Client, CancellationToken.None);
        var formMessages = pickerMessage is not null
            ? [pickerMessage]
            : Messages(EngineSteps.Of(WizardStepId.OidcClient).Validate(form), nameof(OidcClientInput.LogoFileName));

        var (answers, errors) = ReadFile($$"""{ "logo": {{Json(fileName)}} }""", "client");

        Assert.Equal(formMessages, FileMessages(errors, "client.logo"));
        Assert.Equal(formMessages.Count == 0, answers is not null);
    }

    private void AssertSame(WizardStepId step, string formField, Action<WizardState> type, string filePath, string fileValue, string section = "permissions")
    {
        var form = FormState();
        type(form);
        var formMessages = Messages(EngineSteps.Of(step).Validate(form), formField);

        var (answers, errors) = ReadFile(fileValue, section);

        Assert.Equal(formMessages, FileMessages(errors, filePath));
        if (formMessages.Count == 0)
        {
            Assert.NotNull(answers);
        }
    }

    /// <summary>A valid file with one section replaced.</summary>
    private (ValidAnswers? Answers, IReadOnlyList<string> Errors) ReadFile(string sectionValue, string section)
    {
        var sections = new Dictionary<string, string>
        {
            ["pocketId"] = """{ "url": "https://id.example.com", "apiKey": "pid-key-12345" }""",
            ["pbs"] = """{ "url": "https://pbs.example.com:8007", "username": "root@pam", "password": "pw-12345" }""",
            ["permissions"] = Grant(),
        };
        sections[section] = sectionValue;
        var json = "{ " + string.Join(", ", sections.Select(s => $"\"{s.Key}\": {s.Value}")) + " }";
        return AnswersReader.Parse(json, _dir.FullName, _ => null, requireSecrets: true, EngineSteps.All);
    }

    /// <summary>The form's state with the same valid answers the file starts from.</summary>
    private WizardState FormState()
    {
        var (answers, errors) = ReadFile(Grant(), "permissions");
        Assert.Empty(errors);
        var state = new WizardState();
        answers!.ApplyTo(state, null);
        return state;
    }

    private static string Grant(string user = "alice", string path = "/", string role = "Admin") =>
        $$"""[ { "user": {{Json(user)}}, "path": {{Json(path)}}, "role": {{Json(role)}} } ]""";

    private static string Json(string value) => System.Text.Json.JsonSerializer.Serialize(value);

    private static List<string> Messages(IEnumerable<FieldError> errors, string field) =>
        errors.Where(e => e.Field == field).Select(e => e.Message).ToList();

    private static List<string> FileMessages(IEnumerable<string> errors, string path) =>
        errors.Where(e => e.StartsWith(path + ": ", StringComparison.Ordinal)).Select(e => e[(path.Length + 2)..]).ToList();

    /// <summary>A file as the browser hands it to the logo picker.</summary>
    private sealed class ChosenFile(string name, long size) : IBrowserFile
    {
        public string Name => name;

        public DateTimeOffset LastModified => DateTimeOffset.UnixEpoch;

        public long Size => size;

        public string ContentType => "application/octet-stream";

        public Stream OpenReadStream(long maxAllowedSize = 512000, CancellationToken cancellationToken = default) =>
            size > maxAllowedSize ? throw new IOException("larger than allowed") : new MemoryStream(new byte[size]);
    }
}
