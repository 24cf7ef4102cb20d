using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Cli;

/// <summary>An answers file that passed every check, ready to be copied into a run's inputs.</summary>
public sealed class ValidAnswers
{
    // Internal: only AnswersReader makes one, after its checks.
    internal ValidAnswers(AnswersFile file, Secret? apiKey, Secret? password, Secret? apiToken, string? logoPath, byte[]? logo) =>
        (File, ApiKey, Password, ApiToken, LogoPath, Logo) = (file, apiKey, password, apiToken, logoPath, logo);

    public AnswersFile File { get; }

    public Secret? ApiKey { get; }

    public Secret? Password { get; }

    public Secret? ApiToken { get; }

    public string? LogoPath { get; }

    public byte[]? Logo { get; }

    public string? DarkLogoPath { get; init; }

    public byte[]? DarkLogo { get; init; }

    /// <summary>WIZARD_PBS_SECOND_FACTOR: a TOTP code or recovery key for a PBS user with TFA, when --totp gives none.</summary>
    public string? SecondFactorFromEnvironment { get; init; }

    public string RealmName => File.Realm?.Name ?? new RealmInput().Name;

    /// <summary>
    /// The full PBS user ids of the run's realm that the permissions name, in order, once each: the users whose first
    /// sign-in apply waits for (a user of another realm, such as bob@pbs, exists without one).
    /// </summary>
    public IReadOnlyList<string> PermissionUsers =>
        (File.Permissions ?? []).Select(p => PbsRules.ToUserId(p.User ?? string.Empty, RealmName))
            .Where(id => PbsRules.RealmOf(id) == RealmName).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Copies the connection inputs only (addresses and credentials), e.g. to undo an older run with fresh credentials.</summary>
    public void ApplyConnectionTo(WizardState state, string? totpCode)
    {
        var pocketId = File.PocketId ?? new PocketIdAnswers();
        var pbs = File.Pbs ?? new PbsAnswers();
        state.PocketId.Url = pocketId.Url?.Trim() ?? string.Empty;
        state.PocketId.ApiKey = ApiKey ?? state.PocketId.ApiKey;
        state.Pbs.Url = pbs.Url?.Trim() ?? string.Empty;
        state.Pbs.Username = string.IsNullOrWhiteSpace(pbs.Username) ? state.Pbs.Username : pbs.Username.Trim();
        if (Password is not null || ApiToken is not null)
        {
            // Fresh credentials replace what a resumed run had stored; none given keeps the stored ones.
            state.Pbs.Password = Password;
            state.Pbs.ApiToken = ApiToken;
        }

        state.Pbs.Fingerprint = string.IsNullOrWhiteSpace(pbs.Fingerprint) ? null : pbs.Fingerprint.Trim();
        state.Pbs.TotpCode = totpCode ?? SecondFactorFromEnvironment;
    }

    /// <summary>Copies every answer into the run's inputs (defaults of the inputs where the file says nothing).</summary>
    public void ApplyTo(WizardState state, string? totpCode)
    {
        ApplyConnectionTo(state, totpCode);

        var client = File.Client ?? new ClientAnswers();
        var defaults = new OidcClientInput();
        state.Client.Name = client.Name?.Trim() ?? defaults.Name;
        state.Client.LogoFileName = LogoPath is null ? null : Path.GetFileName(LogoPath);
        state.Client.LogoContent = Logo;
        state.Client.DarkLogoFileName = DarkLogoPath is null ? null : Path.GetFileName(DarkLogoPath);
        state.Client.DarkLogoContent = DarkLogo;
        state.Client.ExtraCallbackUrls = [.. (client.ExtraCallbackUrls ?? []).Select(u => u.Trim())];
        state.Client.AllowedGroups = [.. (client.AllowedGroups ?? []).Select(g => g.Trim())];
        state.Client.AdoptClientId = string.IsNullOrWhiteSpace(client.Id) ? null : client.Id.Trim();

        var realm = File.Realm ?? new RealmAnswers();
        var realmDefaults = new RealmInput();
        state.Realm.Name = realm.Name?.Trim() ?? realmDefaults.Name;
        state.Realm.Default = realm.Default ?? realmDefaults.Default;
        state.Realm.Autocreate = realm.Autocreate ?? realmDefaults.Autocreate;
        state.Realm.UsernameClaim = realm.UsernameClaim?.Trim() ?? realmDefaults.UsernameClaim;
        state.Realm.Scopes = realm.Scopes?.Trim() ?? realmDefaults.Scopes;
        state.Realm.Comment = string.IsNullOrWhiteSpace(realm.Comment) ? null : realm.Comment.Trim();
        state.Realm.Prompt = string.IsNullOrWhiteSpace(realm.Prompt) ? null : realm.Prompt.Trim();
        state.Realm.AcrValues = string.IsNullOrWhiteSpace(realm.AcrValues) ? null : realm.AcrValues.Trim();
        state.Realm.Audiences = string.IsNullOrWhiteSpace(realm.Audiences) ? null : realm.Audiences.Trim();

        state.Permissions.Grants = [.. (File.Permissions ?? []).Select(p => new PermissionGrantInput
        {
            User = PbsRules.ToUserId(p.User ?? string.Empty, state.Realm.Name),
            Path = p.Path?.Trim() ?? string.Empty,
            Role = p.Role?.Trim() ?? string.Empty,
            Propagate = p.Propagate ?? true,
        })];

        // The CLI continues after the pause once every user the permissions name has signed in.
        state.FirstSignIn.SelectedUsers = [.. PermissionUsers];
    }
}
