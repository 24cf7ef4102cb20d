using PbsPocketIdWizard.Core.Pbs;

namespace PbsPocketIdWizard.Core.PocketId;

/// <summary>
/// Pocket ID's rules for the OIDC client the wizard creates, in one place for the web form and the answers file
/// (pocket-id-api.md §5.3 and §7.1): the name's length, the logo's types and size, and the callback URLs.
/// </summary>
public static class PocketIdClientRules
{
    /// <summary>Pocket ID's own form asks for at least 2 characters; its API for at most 50 (§5.3).</summary>
    public const int MinNameLength = 2;

    public const int MaxNameLength = 50;

    /// <summary>Pocket ID limits the whole multipart upload to 2 MiB (§7.1).</summary>
    public const long MaxUploadBytes = 2 * 1024 * 1024;

    /// <summary>The largest logo file: the upload limit less room for the multipart framing around the file.</summary>
    public const long MaxLogoBytes = MaxUploadBytes - 4096;

    /// <summary>The logo types the product offers, without the dot (Pocket ID decides by the extension, §7.1).</summary>
    public static readonly IReadOnlyList<string> LogoExtensions = ["png", "svg", "jpg", "jpeg", "webp", "ico", "gif", "avif"];

    public const string NameMessage = "Enter a client name of 2 to 50 characters on one line, e.g. Proxmox Backup Server.";

    public const string LogoTypeMessage = "The logo must be a PNG, SVG, JPG, WEBP, ICO, GIF or AVIF file.";

    public const string LogoSizeMessage = "The logo must be smaller than 2 MiB.";

    public static bool IsValidName(string? name) =>
        (name?.Trim().Length ?? 0) is >= MinNameLength and <= MaxNameLength && !name!.Any(char.IsControl);

    /// <summary>True for a file name whose extension is an offered logo type (case-insensitive).</summary>
    public static bool IsLogoFileName(string? fileName) =>
        LogoExtensions.Contains(Path.GetExtension(fileName ?? string.Empty).TrimStart('.').ToLowerInvariant());

    public static bool IsLogoSizeAllowed(long bytes) => bytes <= MaxLogoBytes;

    /// <summary>
    /// An extra callback URL must be an absolute http(s) address (a reverse proxy's origin, for example), without a user
    /// name or password in it (a browser would be sent there with them).
    /// </summary>
    public static bool IsCallbackUrl(string? url) =>
        Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.UserInfo.Length == 0 && uri.Host.Length > 0;

    /// <summary>
    /// The client's callback URLs: PBS's origin with its port first (what PBS sends as redirect URL, pbs-api.md §7.5),
    /// then the extra ones, trimmed, without duplicates.
    /// </summary>
    public static IReadOnlyList<string> CallbackUrls(string pbsUrl, IEnumerable<string> extra) =>
        new[] { PbsAddress.OriginOf(pbsUrl) }
            .Concat(extra.Where(u => !string.IsNullOrWhiteSpace(u)).Select(u => u.Trim()))
            .Distinct(StringComparer.Ordinal).ToList();
}
