using System.Text.Encodings.Web;
using System.Text.Json.Serialization.Metadata;
using System.Text.Json.Serialization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text;
using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.PocketId;
using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Exports;

/// <summary>
/// What a run did, in forms an admin can keep or replay by hand: the Pocket ID API calls (curl), the equivalent
/// `proxmox-backup-manager` commands (pbs-api.md §10), and a JSON report. Secrets never appear: the API key is
/// `$POCKET_ID_API_KEY`, the client secret `&lt;client-secret&gt;`.
/// </summary>
public static partial class ExportBuilder
{
    public const string ApiKeyVariable = "$POCKET_ID_API_KEY";
    public const string ClientSecretPlaceholder = "<client-secret>";
    public const string ClientIdPlaceholder = "<client-id>";

    private static readonly JsonSerializerOptions CurlBodyOptions = new()
    {
        // Keep the body readable inside single quotes; nothing here is HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Both parts: the Pocket ID calls first, then the PBS commands, as one shell-style text.</summary>
    public static string CliScript(WizardState state) =>
        PocketIdCalls(state) + Environment.NewLine + PbsCommands(state);

    /// <summary>The Pocket ID API calls (pocket-id-api.md §1, §5.4, §6, §7, §8) as curl lines.</summary>
    public static string PocketIdCalls(WizardState state)
    {
        var baseUrl = state.PocketId.Url.TrimEnd('/');
        var clientId = state.Results.ClientId ?? ClientIdPlaceholder;
        var pbsOrigin = PbsAddress.OriginOf(state.Pbs.Url);
        var restricted = state.Client.AllowedGroups.Count > 0;
        var key = $"-H \"X-API-Key: {ApiKeyVariable}\"";
        var clientUrl = $"{baseUrl}/api/oidc/clients/{clientId}";

        // The wizard chooses the client's id itself (pocket-id-api.md §5.3/§5.4: optional `id`), so every later line can
        // name it; a body without it would get a random id and the lines below would miss the client.
        var body = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = clientId,
            ["name"] = state.Client.Name,
            ["callbackURLs"] = CallbackUrls(state),
            ["logoutCallbackURLs"] = Array.Empty<string>(),
            ["isPublic"] = false,
            ["pkceEnabled"] = true,
            ["isGroupRestricted"] = restricted,
            ["launchURL"] = pbsOrigin,
        }, CurlBodyOptions);

        var lines = new List<string>
        {
            $"# Pocket ID ({baseUrl}): export POCKET_ID_API_KEY=<an admin API key> first",
            state.Results.ClientId is null
                ? $"# Create the OIDC client; replace {ClientIdPlaceholder} everywhere with an id of your choice (e.g. pbs-1234abcd)"
                : $"# Create the OIDC client with the id {clientId} (used by the lines below and by the PBS realm)",
            $"curl -fsS -X POST {Quote($"{baseUrl}/api/oidc/clients")} {key} -H 'Content-Type: application/json' -d {Quote(body)}",
            "# Create its secret (shown once; it becomes the PBS realm's client key)",
        };
        if (SecretEndpointIsSingular(state.Results.PocketIdVersion))
        {
            lines.Add($"curl -fsS -X POST {Quote($"{clientUrl}/secret")} {key}");
        }
        else
        {
            lines.Add($"curl -fsS -X POST {Quote($"{clientUrl}/secrets")} {key}");
            lines.Add("#    (Pocket ID 2.13 and older: POST .../secret instead of .../secrets)");
        }

        if (!string.IsNullOrEmpty(state.Client.LogoFileName))
        {
            lines.Add("# Upload the logo");
            lines.Add($"curl -fsS -X POST {Quote($"{clientUrl}/logo?light=true")} {key} -F {Quote($"file=@{state.Client.LogoFileName}")}");
        }

        if (!string.IsNullOrEmpty(state.Client.DarkLogoFileName) && ClientLogos.DarkLogoSupported(state.Results.PocketIdVersion))
        {
            lines.Add("# Upload the dark-mode logo (Pocket ID 1.14 and later)");
            lines.Add($"curl -fsS -X POST {Quote($"{clientUrl}/logo?light=false")} {key} -F {Quote($"file=@{state.Client.DarkLogoFileName}")}");
        }

        if (restricted)
        {
            var ids = string.Join(",", state.Client.AllowedGroups.Select(g => JsonSerializer.Serialize($"<id of group {g}>", CurlBodyOptions)));
            lines.Add($"# Restrict the client to the groups {string.Join(", ", state.Client.AllowedGroups)} (ids: GET {baseUrl}/api/user-groups?search=NAME)");
            lines.Add($"curl -fsS -X PUT {Quote($"{clientUrl}/allowed-user-groups")} {key} -H 'Content-Type: application/json' -d {Quote($"{{\"userGroupIds\":[{ids}]}}")}");
        }

        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    /// <summary>The equivalent `proxmox-backup-manager` commands, run as root on the PBS host (pbs-api.md §10).</summary>
    public static string PbsCommands(WizardState state)
    {
        var realm = state.Realm;
        var issuer = state.Results.Issuer ?? state.PocketId.Url.TrimEnd('/');
        var clientId = state.Results.ClientId ?? ClientIdPlaceholder;
        var withDefault = realm.Default && state.Results.PbsSupportsDefaultRealm;

        var create = new StringBuilder($"proxmox-backup-manager openid create {Quote(realm.Name)} --issuer-url {Quote(issuer)} --client-id {Quote(clientId)}")
            .Append($" --client-key {Quote(ClientSecretPlaceholder)} --username-claim {Quote(realm.UsernameClaim)}");
        if (realm.Autocreate)
        {
            create.Append(" --autocreate 1");
        }

        if (withDefault)
        {
            create.Append(" --default 1");
        }

        if (!string.IsNullOrWhiteSpace(realm.Comment))
        {
            create.Append($" --comment {Quote(realm.Comment.Trim())}");
        }

        foreach (var (option, value) in new[]
        {
            ("prompt", PbsRealmOptions.Prompt(realm)),
            ("acr-values", PbsRealmOptions.AcrValues(realm)),
            ("audiences", PbsRealmOptions.Audiences(realm, state.Results.PbsVersion)),
        })
        {
            if (value is not null)
            {
                create.Append($" --{option} {Quote(value)}");
            }
        }

        var lines = new List<string>
        {
            $"# Proxmox Backup Server ({PbsAddress.OriginOf(state.Pbs.Url)}): run as root on the PBS host",
            "# The OpenID realm (username-claim can only be set here)",
            create.ToString(),
        };

        if (state.FirstSignIn.PreCreateUsers.Count > 0)
        {
            lines.Add("# Users created ahead of their first sign-in");
            lines.AddRange(state.FirstSignIn.PreCreateUsers.Select(u => $"proxmox-backup-manager user create {Quote(PbsRules.ToUserId(u, realm.Name))}"));
        }

        if (state.Permissions.SetScopes)
        {
            // PBS clears `default` on any update that does not resend it (pbs-api.md §3.3).
            lines.Add("# The realm scopes (PBS adds openid itself and ignores groups)");
            lines.Add($"proxmox-backup-manager openid update {Quote(realm.Name)} --scopes {Quote(realm.Scopes)}" + (withDefault ? " --default 1" : string.Empty));
        }

        if (state.Permissions.Grants.Count > 0)
        {
            lines.Add("# Permissions (the users exist after their first sign-in)");
            lines.AddRange(state.Permissions.Grants.Select(g =>
                $"proxmox-backup-manager acl update {Quote(g.Path)} {Quote(g.Role)} --auth-id {Quote(PbsRules.ToUserId(g.User, realm.Name))}" + (g.Propagate ? string.Empty : " --propagate 0")));
        }

        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    /// <summary>A JSON report of the run: inputs without secrets, results, statuses, journal, verification.</summary>
    public static string JsonReport(WizardState state)
    {
        var report = new
        {
            runId = state.RunId,
            startedAt = state.StartedAt,
            completed = state.Completed,
            undone = state.Undone,
            inputs = new
            {
                pocketId = state.PocketId,
                pbs = state.Pbs,
                client = state.Client,
                realm = state.Realm,
                firstSignIn = state.FirstSignIn,
                permissions = state.Permissions,
            },
            results = state.Results,
            statuses = state.Statuses,
            // Each entry also says in words what it touched (ResourceDescriber), for a reader without the id formats.
            journal = state.Journal.Select(e => new
            {
                e.At,
                e.Step,
                e.Action,
                e.Resource,
                e.ResourceId,
                e.Outcome,
                e.Detail,
                Description = ResourceDescriber.Describe(e, state),
            }),
            verification = state.Results.Verification,
        };
        return JsonSerializer.Serialize(report, ReportOptions);
    }

    /// <summary>The callback URLs the client gets: what the run recorded, else the PBS origin plus the extra ones.</summary>
    public static IReadOnlyList<string> CallbackUrls(WizardState state) =>
        state.Results.CallbackUrls.Count > 0
            ? state.Results.CallbackUrls
            : PocketIdClientRules.CallbackUrls(state.Pbs.Url, state.Client.ExtraCallbackUrls);

    /// <summary>POSIX shell quoting: bare when safe, else single quotes.</summary>
    public static string Quote(string value) =>
        value.Length > 0 && SafeShellWord().IsMatch(value) ? value : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static bool SecretEndpointIsSingular(string? pocketIdVersion) =>
        Version.TryParse(pocketIdVersion?.TrimStart('v').Split('-')[0], out var version) && version < new Version(2, 14);

    private static readonly JsonSerializerOptions ReportOptions = CreateReportOptions();

    private static JsonSerializerOptions CreateReportOptions()
    {
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(typeInfo =>
        {
            if (typeInfo.Kind != JsonTypeInfoKind.Object)
            {
                return;
            }

            foreach (var property in typeInfo.Properties)
            {
                // Secrets are left out entirely, and verification has its own top-level entry.
                if (property.PropertyType == typeof(Secret)
                    || (typeInfo.Type == typeof(WizardResults) && property.Name == JsonNamingPolicy.CamelCase.ConvertName(nameof(WizardResults.Verification))))
                {
                    property.ShouldSerialize = static (_, _) => false;
                }
            }
        });
        return new JsonSerializerOptions
        {
            TypeInfoResolver = resolver,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = JsonNamingPolicy.CamelCase,
            Converters = { new JsonStringEnumConverter() },
            WriteIndented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
    }

    [GeneratedRegex(@"^[A-Za-z0-9@%+=:,./_-]+$")]
    private static partial Regex SafeShellWord();
}
