namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>
/// A Pocket ID client the run found in place (made by hand, e.g. from the how-to) and repaired instead of creating a
/// second one. Holds what the run changed on it, so undo puts that back; undo never deletes an adopted client.
/// </summary>
public sealed record AdoptedClient(string Id, IReadOnlyList<string> CallbackUrls, bool PkceEnabled);

/// <summary>
/// A PBS OpenID realm the run found in place and repaired. Holds the values the run may change, as they were before
/// the first change, so undo puts them back; undo never deletes an adopted realm (nor the users PBS created in it).
/// </summary>
public sealed record AdoptedRealm(string Name, string IssuerUrl, bool Autocreate, string? Scopes)
{
    /// <summary>The sign-in options as they were (null: not set); runs saved before these existed read back null.</summary>
    public string? Prompt { get; init; }

    public string? AcrValues { get; init; }

    public string? Audiences { get; init; }
}
