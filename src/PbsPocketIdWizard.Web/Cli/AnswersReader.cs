using System.Text.Json;
using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.PocketId;
using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Cli;

/// <summary>
/// Reads and checks an answers file before any server is touched. The file's own concerns are checked here: JSON syntax
/// (line and position), unknown settings, where the secrets come from, the logo file, the permission list. Every value
/// is then judged by the steps' own Validate, exactly as the web form's inputs are, so both accept and refuse the same
/// values with the same messages. Every problem is reported as "json.path: what is wrong", all at once.
/// Secrets may come from WIZARD_POCKET_ID_API_KEY, WIZARD_PBS_PASSWORD and WIZARD_PBS_API_TOKEN instead of the file;
/// PBS's second factor (a TOTP code or a recovery key) from --totp or WIZARD_PBS_SECOND_FACTOR, never from the file
/// (a recovery key works once, a TOTP code for 30 seconds: neither belongs in a file that is read again).
/// </summary>
public static class AnswersReader
{
    public const string ApiKeyVariable = "WIZARD_POCKET_ID_API_KEY";
    public const string PasswordVariable = "WIZARD_PBS_PASSWORD";
    public const string ApiTokenVariable = "WIZARD_PBS_API_TOKEN";
    public const string SecondFactorVariable = "WIZARD_PBS_SECOND_FACTOR";

    /// <summary>The steps whose inputs the file holds, and the file's section for each, in the file's order.</summary>
    private static readonly IReadOnlyList<(WizardStepId Step, string Section)> Sections =
    [
        (WizardStepId.PocketIdConnection, "pocketId"),
        (WizardStepId.PbsConnection, "pbs"),
        (WizardStepId.OidcClient, "client"),
        (WizardStepId.PbsRealm, "realm"),
        (WizardStepId.Permissions, "permissions"),
    ];

    private static readonly JsonSerializerOptions Options = new()
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    public static (ValidAnswers? Answers, IReadOnlyList<string> Errors) Load(
        string path, Func<string, string?> environment, bool requireSecrets, IEnumerable<IWizardStep> steps)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var what = Directory.Exists(path) ? "is a folder" : "cannot be read";
            return (null, [$"answers: {path} {what}: give the path of an answers file you may read"]);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            return (null, ["answers: the path of the answers file is not a valid file path"]);
        }

        return Parse(text, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", environment, requireSecrets, steps);
    }

    public static (ValidAnswers? Answers, IReadOnlyList<string> Errors) Parse(
        string json, string baseDirectory, Func<string, string?> environment, bool requireSecrets, IEnumerable<IWizardStep> steps)
    {
        AnswersFile? file;
        try
        {
            file = JsonSerializer.Deserialize<AnswersFile>(json, Options);
        }
        catch (JsonException ex)
        {
            return (null, [DescribeJsonError(ex)]);
        }

        if (file is null)
        {
            return (null, ["answers: the file must contain a JSON object"]);
        }

        var errors = new List<string>();
        void Error(string field, string message) => errors.Add($"{field}: {message}");

        // Secrets: the file or the environment; the steps only see whether there is one.
        var apiKey = Secret.FromNullable(file.PocketId?.ApiKey) ?? Secret.FromNullable(environment(ApiKeyVariable));
        if (requireSecrets && apiKey is null)
        {
            Error("pocketId.apiKey", $"missing: put an admin API key here or in the environment variable {ApiKeyVariable}");
        }

        var password = Secret.FromNullable(file.Pbs?.Password) ?? Secret.FromNullable(environment(PasswordVariable));
        var apiToken = Secret.FromNullable(file.Pbs?.ApiToken) ?? Secret.FromNullable(environment(ApiTokenVariable));
        if (requireSecrets && password is null && apiToken is null)
        {
            Error("pbs.password", $"missing: give pbs.password or pbs.apiToken, or set {PasswordVariable} or {ApiTokenVariable}");
        }

        var (logoPath, logo) = ReadLogo(file.Client?.Logo, "client.logo", baseDirectory, Error);
        var (darkLogoPath, darkLogo) = ReadLogo(file.Client?.DarkLogo, "client.darkLogo", baseDirectory, Error);

        // PBS reads the scope list as the realm step sends it; the web form offers no free text for it.
        if (file.Realm?.Scopes is { } scopes && !PbsRules.IsValidScopeList(scopes))
        {
            Error("realm.scopes", "must be scope names separated by spaces, e.g. \"openid profile email groups\"");
        }

        if (file.Permissions is null or { Count: 0 })
        {
            Error("permissions", "add at least one { \"user\", \"path\", \"role\" }: apply waits for that user's first sign-in, then grants it");
        }

        for (var i = 0; i < (file.Permissions?.Count ?? 0); i++)
        {
            if (file.Permissions![i] is null)
            {
                Error($"permissions[{i}]", "must be an object with user, path and role");
            }
        }

        var answers = new ValidAnswers(file with { Permissions = file.Permissions?.Where(p => p is not null).ToList() }, apiKey, password, apiToken, logoPath, logo)
        {
            SecondFactorFromEnvironment = string.IsNullOrWhiteSpace(environment(SecondFactorVariable)) ? null : environment(SecondFactorVariable)!.Trim(),
            DarkLogoPath = darkLogoPath,
            DarkLogo = darkLogo,
        };
        errors.AddRange(StepErrors(answers, steps));
        // In the file's order: the section's own problems first, then the steps' verdicts on its values.
        var ordered = errors.OrderBy(SectionIndex).ToList();
        return ordered.Count > 0 ? (null, ordered) : (answers, []);
    }

    /// <summary>The steps' own verdicts on the answers, as the web form gets them, with the file's field names.</summary>
    private static IEnumerable<string> StepErrors(ValidAnswers answers, IEnumerable<IWizardStep> steps)
    {
        var state = new WizardState();
        answers.ApplyTo(state, null);
        // The users as typed, as the web form holds them: the step reads each as a user id and quotes it as typed.
        foreach (var (grant, typed) in state.Permissions.Grants.Zip(answers.File.Permissions ?? []))
        {
            grant.User = typed.User?.Trim() ?? string.Empty;
        }
        var byId = steps.ToDictionary(s => s.Id);
        var realmNameRefused = false;
        foreach (var (stepId, section) in Sections)
        {
            // Step-wide errors are about the order of a run (a step before this one not done yet), not about a value;
            // whether there is an API key or password at all is the file's to say (it knows the environment variables).
            // A user id is name@realm: with the realm name refused the users cannot be judged yet (nor are they in the
            // web form, which reaches the permissions only after the realm step).
            var judged = byId[stepId].Validate(state)
                .Where(e => e.Field.Length > 0 && !IsSecretPresence(stepId, e.Field))
                .Where(e => !(realmNameRefused && stepId == WizardStepId.Permissions && e.Field.EndsWith("." + nameof(PermissionGrantInput.User), StringComparison.Ordinal)));
            foreach (var error in judged)
            {
                realmNameRefused |= stepId == WizardStepId.PbsRealm && error.Field == nameof(RealmInput.Name);
                yield return $"{FieldPath(section, error.Field)}: {error.Message}";
            }
        }
    }

    private static int SectionIndex(string error) =>
        Sections.Select((s, index) => (s.Section, index)).FirstOrDefault(s => error.StartsWith(s.Section, StringComparison.Ordinal)).index;

    private static bool IsSecretPresence(WizardStepId step, string field) =>
        (step == WizardStepId.PocketIdConnection && field == nameof(PocketIdConnectionInput.ApiKey))
        || (step == WizardStepId.PbsConnection && field == nameof(PbsConnectionInput.Password));

    /// <summary>Where the answers file holds a step's field (e.g. realm.usernameClaim), or null when the file has no such section.</summary>
    public static string? AnswersKey(WizardStepId step, string field) =>
        field.Length > 0 && Sections.FirstOrDefault(s => s.Step == step).Section is { } section ? FieldPath(section, field) : null;

    /// <summary>A step's field name as the file spells it: Url → pbs.url, LogoFileName → client.logo, AdoptClientId → client.id, Grants[0].User → permissions[0].user.</summary>
    private static string FieldPath(string section, string field)
    {
        if (field == nameof(OidcClientInput.LogoFileName))
        {
            return $"{section}.logo";
        }

        if (field == nameof(OidcClientInput.DarkLogoFileName))
        {
            return $"{section}.darkLogo";
        }

        if (field == nameof(OidcClientInput.AdoptClientId))
        {
            return $"{section}.id";
        }

        if (field == nameof(PbsConnectionInput.TotpCode))
        {
            return SecondFactorVariable;
        }

        var grants = nameof(PermissionsInput.Grants);
        var path = field.StartsWith(grants + "[", StringComparison.Ordinal) ? section + field[grants.Length..] : $"{section}.{field}";
        return string.Join('.', path.Split('.').Select(part => char.ToLowerInvariant(part[0]) + part[1..]));
    }

    /// <summary>
    /// A logo file (client.logo or client.darkLogo) next to the answers file; its type and size are judged by Pocket ID's client rules. Whatever the path
    /// is (a control character, a folder, a device, a file that cannot be read), the answer is a field error, never a crash.
    /// </summary>
    private static (string? Path, byte[]? Content) ReadLogo(string? logo, string field, string baseDirectory, Action<string, string> error)
    {
        if (string.IsNullOrWhiteSpace(logo))
        {
            return (null, null);
        }

        if (logo.Any(char.IsControl))
        {
            error(field, "the path contains a control character (such as NUL or a line break): write the logo file's path as plain text");
            return (null, null);
        }

        string path;
        try
        {
            path = Path.GetFullPath(logo.Trim(), baseDirectory);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            error(field, "is not a valid file path");
            return (null, null);
        }

        if (!PocketIdClientRules.IsLogoFileName(path))
        {
            return (path, null); // the client step names the types it takes
        }

        if (Directory.Exists(path))
        {
            error(field, $"{path} is a folder: give the logo file inside it");
            return (null, null);
        }

        if (!File.Exists(path))
        {
            error(field, $"file not found: {path}");
            return (null, null);
        }

        try
        {
            // Never more than the limit: a device or a file that grows would otherwise be read without end.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var content = new byte[PocketIdClientRules.MaxLogoBytes + 1];
            var length = stream.ReadAtLeast(content, content.Length, throwOnEndOfStream: false);
            if (!PocketIdClientRules.IsLogoSizeAllowed(length))
            {
                error(field, PocketIdClientRules.LogoSizeMessage);
                return (null, null);
            }

            return (path, content[..length]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error(field, $"cannot read {path}: check that it is a file the wizard's user may read");
            return (null, null);
        }
    }

    private static string DescribeJsonError(JsonException ex)
    {
        var where = ex.LineNumber is { } line ? $" at line {line + 1}, position {(ex.BytePositionInLine ?? 0) + 1}" : string.Empty;
        var field = ex.Path is { Length: > 1 } path ? path.TrimStart('$', '.') : "answers";
        var what = ex.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
        if (what.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return $"{field}: unknown setting{where} (check the spelling; see README \"Command line\")";
        }

        if (what.Contains("could not be converted", StringComparison.Ordinal))
        {
            return $"{field}: wrong type{where} (expected {ExpectedType(what)})";
        }

        return $"answers: invalid JSON{where}: {what}";
    }

    private static string ExpectedType(string message) =>
        message.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
        : message.Contains("List", StringComparison.Ordinal) ? "a list"
        : message.Contains("String", StringComparison.Ordinal) ? "a string"
        : "an object";
}
