using PbsPocketIdWizard.Core.Pbs.Models;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Pbs;

/// <summary>
/// The realm's advanced sign-in options and the formats PBS's schema enforces for them (OpenIdRealmConfig):
/// `prompt` (one SAFE_ID word, sent as the OIDC prompt), `acr-values` (a list of URI-like values) and `audiences`
/// (the same list format, each at most 256 characters; only PBS 4.2.1 and later know the property).
/// </summary>
public static class PbsRealmOptions
{
    /// <summary>The first PBS version whose realm schema has `audiences`; older ones reject the key.</summary>
    public static readonly Version AudiencesSince = new(4, 2, 1);

    public const int MaxAudienceLength = 256;

    /// <summary>The prompts a sign-in page can use, with what they do for the admin (PBS passes any word through).</summary>
    public static readonly IReadOnlyList<(string Value, string Meaning)> KnownPrompts =
    [
        ("login", "users sign in to Pocket ID again every time, even with an open Pocket ID session"),
        ("consent", "Pocket ID asks users to confirm every time"),
        ("select_account", "users choose their account every time"),
    ];

    /// <summary>True unless the version is known to be older than 4.2.1 (like the default flag, unknown means current).</summary>
    public static bool SupportsAudiences(string? pbsVersion) =>
        PbsRules.ParseVersion(pbsVersion) is not { } version || version >= AudiencesSince;

    public static string? PromptProblem(string? prompt) =>
        string.IsNullOrWhiteSpace(prompt) || PbsRules.IsSafeId(prompt.Trim())
            ? null
            : "The prompt is one word, such as login (letters, digits, '_', '.' or '-').";

    public static string? AcrValuesProblem(string? acrValues) =>
        PbsRules.ListItems(acrValues).Any(v => !IsUriLike(v))
            ? "Each authentication context class is one value such as urn:example:mfa, without quotes, '<', '>' or '#'; separate several with spaces or commas."
            : null;

    public static string? AudiencesProblem(string? audiences) =>
        PbsRules.ListItems(audiences).Any(v => !IsUriLike(v) || v.Length > MaxAudienceLength)
            ? $"Each audience is one value of at most {MaxAudienceLength} characters, without quotes, '<', '>' or '#'; separate several with spaces or commas."
            : null;

    /// <summary>The advanced options' input errors, each on its field.</summary>
    public static IEnumerable<FieldError> FieldProblems(RealmInput input)
    {
        if (PromptProblem(input.Prompt) is { } prompt)
        {
            yield return new(nameof(RealmInput.Prompt), prompt);
        }

        if (AcrValuesProblem(input.AcrValues) is { } acr)
        {
            yield return new(nameof(RealmInput.AcrValues), acr);
        }

        if (AudiencesProblem(input.Audiences) is { } audiences)
        {
            yield return new(nameof(RealmInput.Audiences), audiences);
        }
    }

    /// <summary>The value PBS gets: the prompt trimmed, lists joined with ','; null when not set.</summary>
    public static string? Prompt(RealmInput input) => string.IsNullOrWhiteSpace(input.Prompt) ? null : input.Prompt.Trim();

    public static string? AcrValues(RealmInput input) => Join(input.AcrValues);

    /// <summary>Null on a PBS without the property: it is never sent there.</summary>
    public static string? Audiences(RealmInput input, string? pbsVersion) => SupportsAudiences(pbsVersion) ? Join(input.Audiences) : null;

    /// <summary>What differs between the realm's options and the inputs, in the plan's words.</summary>
    public static IEnumerable<string> Differences(RealmInput input, PbsOpenIdRealm realm, string? pbsVersion)
    {
        if (realm.Prompt != Prompt(input))
        {
            yield return $"prompt ({Shown(realm.Prompt)} → {Shown(Prompt(input))})";
        }

        if (!SameList(realm.AcrValues, input.AcrValues))
        {
            yield return $"authentication context classes ({Shown(realm.AcrValues)} → {Shown(AcrValues(input))})";
        }

        if (SupportsAudiences(pbsVersion) && !SameList(realm.Audiences, input.Audiences))
        {
            yield return $"extra audiences ({Shown(realm.Audiences)} → {Shown(Audiences(input, pbsVersion))})";
        }
    }

    /// <summary>The options an update clears: set on the realm, not wanted any more (PBS removes them only through `delete`).</summary>
    public static IEnumerable<string> Cleared(RealmInput input, PbsOpenIdRealm realm, string? pbsVersion)
    {
        if (realm.Prompt is not null && Prompt(input) is null)
        {
            yield return "prompt";
        }

        if (realm.AcrValues is not null && AcrValues(input) is null)
        {
            yield return "acr-values";
        }

        if (SupportsAudiences(pbsVersion) && realm.Audiences is not null && Join(input.Audiences) is null)
        {
            yield return "audiences";
        }
    }

    /// <summary>A one-line summary of the options that are set, for the plan ("" when none is).</summary>
    public static string Summary(RealmInput input, string? pbsVersion)
    {
        var parts = new List<string>();
        if (Prompt(input) is { } prompt)
        {
            parts.Add($"prompt {prompt}");
        }

        if (AcrValues(input) is { } acr)
        {
            parts.Add($"authentication context classes {acr}");
        }

        if (Audiences(input, pbsVersion) is { } audiences)
        {
            parts.Add($"extra audiences {audiences}");
        }

        return string.Concat(parts.Select(p => ", " + p));
    }

    private static bool SameList(string? current, string? wanted) =>
        PbsRules.ListItems(current).SequenceEqual(PbsRules.ListItems(wanted), StringComparer.Ordinal);

    private static string? Join(string? list) => PbsRules.ListItems(list) is { Length: > 0 } items ? string.Join(',', items) : null;

    private static string Shown(string? value) => string.IsNullOrEmpty(value) ? "not set" : value;

    /// <summary>GENERIC_URI: no control characters, spaces, '&lt;', '&gt;', '#' or '"'.</summary>
    private static bool IsUriLike(string value) => !value.Any(c => char.IsControl(c) || c is ' ' or '<' or '>' or '#' or '"');
}
