using System.Text.Json;
using System.Text.RegularExpressions;
using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.PocketId;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Cli;

/// <summary>
/// Reads and checks an answers file before any server is touched: JSON syntax (line and position), addresses, realm
/// name, claim, ACL paths and roles. Every problem is reported as "json.path: what is wrong", all at once.
/// Secrets may come from WIZARD_POCKET_ID_API_KEY, WIZARD_PBS_PASSWORD and WIZARD_PBS_API_TOKEN instead of the file.
/// </summary>
public static partial class AnswersReader
{
    public const string ApiKeyVariable = "WIZARD_POCKET_ID_API_KEY";
    public const string PasswordVariable = "WIZARD_PBS_PASSWORD";
    public const string ApiTokenVariable = "WIZARD_PBS_API_TOKEN";


    private static readonly JsonSerializerOptions Options = new()
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    public static (ValidAnswers? Answers, IReadOnlyList<string> Errors) Load(string path, Func<string, string?> environment, bool requireSecrets)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, [$"answers: cannot read {path} ({ex.Message})"]);
        }

        return Parse(text, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", environment, requireSecrets);
    }

    public static (ValidAnswers? Answers, IReadOnlyList<string> Errors) Parse(string json, string baseDirectory, Func<string, string?> environment, bool requireSecrets)
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

        // --- Pocket ID
        var apiKey = Secret.FromNullable(file.PocketId?.ApiKey) ?? Secret.FromNullable(environment(ApiKeyVariable));
        CheckOrigin(file.PocketId?.Url, "pocketId.url", allowHttp: true, Error, "https://id.example.com");
        if (requireSecrets && apiKey is null)
        {
            Error("pocketId.apiKey", $"missing: put an admin API key here or in the environment variable {ApiKeyVariable}");
        }

        // --- PBS
        var pbs = file.Pbs;
        var password = Secret.FromNullable(pbs?.Password) ?? Secret.FromNullable(environment(PasswordVariable));
        var apiToken = Secret.FromNullable(pbs?.ApiToken) ?? Secret.FromNullable(environment(ApiTokenVariable));
        CheckOrigin(pbs?.Url, "pbs.url", allowHttp: false, Error, "https://pbs.example.com:8007");
        if (!string.IsNullOrWhiteSpace(pbs?.Username) && !PbsRules.IsValidUserId(pbs.Username.Trim()))
        {
            Error("pbs.username", "must be user@realm, e.g. root@pam");
        }

        if (apiToken is not null && !ApiTokenShape().IsMatch(apiToken.Reveal()))
        {
            // Never echo the token: it carries its secret.
            Error("pbs.apiToken", "must look like user@realm!tokenname:secret");
        }

        if (requireSecrets && password is null && apiToken is null)
        {
            Error("pbs.password", $"missing: give pbs.password or pbs.apiToken, or set {PasswordVariable} or {ApiTokenVariable}");
        }

        if (!string.IsNullOrWhiteSpace(pbs?.Fingerprint) && !Fingerprint().IsMatch(pbs.Fingerprint.Trim()))
        {
            Error("pbs.fingerprint", "must be the SHA-256 fingerprint as 32 hex pairs separated by colons (PBS dashboard → Show Fingerprint)");
        }

        // --- OIDC client
        var client = file.Client;
        if (client?.Name is { } name && !PocketIdClientRules.IsValidName(name))
        {
            Error("client.name", $"must be {PocketIdClientRules.MinNameLength} to {PocketIdClientRules.MaxNameLength} characters");
        }

        string? logoPath = null;
        byte[]? logo = null;
        if (!string.IsNullOrWhiteSpace(client?.Logo))
        {
            logoPath = Path.GetFullPath(client.Logo.Trim(), baseDirectory);
            if (!PocketIdClientRules.IsLogoFileName(logoPath))
            {
                Error("client.logo", "must be a PNG, SVG, JPG or WEBP file");
            }
            else if (!File.Exists(logoPath))
            {
                Error("client.logo", $"file not found: {logoPath}");
            }
            else if (!PocketIdClientRules.IsLogoSizeAllowed(new FileInfo(logoPath).Length))
            {
                Error("client.logo", "must be smaller than 2 MiB (Pocket ID's limit)");
            }
            else
            {
                logo = File.ReadAllBytes(logoPath);
            }
        }

        for (var i = 0; i < (client?.ExtraCallbackUrls?.Count ?? 0); i++)
        {
            var url = client!.ExtraCallbackUrls![i];
            if (!PocketIdClientRules.IsCallbackUrl(url))
            {
                Error($"client.extraCallbackUrls[{i}]", "must be an absolute http(s) address, e.g. https://backup.example.com");
            }
        }

        for (var i = 0; i < (client?.AllowedGroups?.Count ?? 0); i++)
        {
            if (string.IsNullOrWhiteSpace(client!.AllowedGroups![i]))
            {
                Error($"client.allowedGroups[{i}]", "must be a Pocket ID group name");
            }
        }

        // --- Realm (pbs-api.md §3.2)
        var realm = file.Realm;
        var realmName = realm?.Name?.Trim() ?? new RealmInput().Name;
        if (!PbsRules.IsValidRealmName(realmName))
        {
            Error("realm.name", "must be 2 to 32 characters: letters, digits, '_', '.', '-', not starting with '.' or '-'");
        }
        else if (PbsRules.BuiltInRealms.Contains(realmName))
        {
            Error("realm.name", $"'{realmName}' is a built-in PBS realm; choose another name, e.g. PocketID");
        }

        if (realm?.UsernameClaim is { } claim && !PbsRules.UsernameClaims.Contains(claim.Trim()))
        {
            Error("realm.usernameClaim", "must be username, email or subject");
        }

        if (realm?.Scopes is { } scopes)
        {
            if (!PbsRules.IsValidScopeList(scopes))
            {
                Error("realm.scopes", "must be scope names separated by spaces, e.g. \"openid profile email groups\"");
            }
        }

        if (realm?.Comment is { } comment && (comment.Length > 128 || comment.Any(char.IsControl)))
        {
            Error("realm.comment", "must be one line of at most 128 characters");
        }

        // --- Permissions (pbs-api.md §5.3, §6.3, §6.4)
        if (file.Permissions is null or { Count: 0 })
        {
            Error("permissions", "add at least one { \"user\", \"path\", \"role\" }: apply waits for that user's first sign-in, then grants it");
        }

        for (var i = 0; i < (file.Permissions?.Count ?? 0); i++)
        {
            var grant = file.Permissions![i];
            var at = $"permissions[{i}]";
            if (grant is null)
            {
                Error(at, "must be an object with user, path and role");
                continue;
            }

            // The same user-id rule as the web form and the steps (PbsRules.ToUserId): "bob@pbs" is PBS's own bob.
            var userId = PbsRules.ToUserId(grant.User ?? string.Empty, realmName);
            if (!PbsRules.IsValidUserNamePart(PbsRules.NameOf(userId)))
            {
                Error($"{at}.user", "must be the Pocket ID user's name as PBS will see it (no spaces, ':' or '/'), e.g. alice");
            }
            else if (userId.Length > PbsRules.MaxUserIdLength)
            {
                Error($"{at}.user", "the PBS user id (name@realm) must be at most 64 characters");
            }

            if (string.IsNullOrWhiteSpace(grant.Path) || PbsRules.AclPathProblem(grant.Path.Trim()) is not null)
            {
                Error($"{at}.path", "must be a PBS permission path such as /, /datastore/NAME, /datastore/NAME/NAMESPACE, /remote/NAME or /system");
            }

            if (string.IsNullOrWhiteSpace(grant.Role) || !PbsRules.RoleIds.Contains(grant.Role.Trim()))
            {
                var hint = string.Equals(grant.Role?.Trim(), "Administrator", StringComparison.OrdinalIgnoreCase) ? " (the Administrator role is called Admin)" : string.Empty;
                Error($"{at}.role", $"must be a PBS role id{hint}: {string.Join(", ", PbsRules.RoleIds)}");
            }
        }

        return errors.Count > 0 ? (null, errors) : (new ValidAnswers(file, apiKey, password, apiToken, logoPath, logo), []);
    }

    /// <summary>The ACL path grammar and structure PBS accepts when adding an entry (PbsRules, pbs-api.md §6.3).</summary>
    public static bool IsAclPath(string path) => PbsRules.AclPathProblem(path) is null;

    private static void CheckOrigin(string? url, string field, bool allowHttp, Action<string, string> error, string example)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            error(field, $"missing: enter the address, e.g. {example}");
            return;
        }

        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Host.Length == 0
            || (uri.Scheme != Uri.UriSchemeHttps && !(allowHttp && uri.Scheme == Uri.UriSchemeHttp)))
        {
            error(field, allowHttp ? $"must be an http(s) address, e.g. {example}" : $"must be an https address, e.g. {example}");
            return;
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            error(field, $"must be the bare address (scheme, host, port) without path or credentials, e.g. {example}");
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

    [GeneratedRegex(@"^[^\s:/\p{Cc}]+@[A-Za-z0-9_][A-Za-z0-9._\-]{1,31}![A-Za-z0-9_][A-Za-z0-9._\-]*:\S+$")]
    private static partial Regex ApiTokenShape();

    [GeneratedRegex(@"^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$")]
    private static partial Regex Fingerprint();
}
