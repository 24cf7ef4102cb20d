using Microsoft.AspNetCore.Components.Forms;
using PbsPocketIdWizard.Core.PocketId;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Components.Wizard;

/// <summary>The optional OIDC client logos (normal and dark mode): which files Pocket ID takes, reading one from the browser, and its preview.</summary>
public static class LogoFile
{
    /// <summary>Pocket ID's limit for a client logo (PocketIdClientRules).</summary>
    public const long MaxBytes = PocketIdClientRules.MaxLogoBytes;

    /// <summary>The file picker's filter: the offered logo types.</summary>
    public static readonly string Accept = string.Join(",", PocketIdClientRules.LogoExtensions.Select(e => "." + e));

    public static string? MediaType(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".svg" => "image/svg+xml",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".webp" => "image/webp",
        ".ico" => "image/x-icon",
        ".gif" => "image/gif",
        ".avif" => "image/avif",
        _ => null,
    };

    /// <summary>A data: URL for the preview, or null when there is no logo in memory.</summary>
    public static string? PreviewUrl(OidcClientInput input) => PreviewUrl(input.LogoFileName, input.LogoContent);

    public static string? PreviewUrl(string? fileName, byte[]? content) =>
        content is { Length: > 0 } bytes && fileName is { } name && MediaType(name) is { } type
            ? $"data:{type};base64,{Convert.ToBase64String(bytes)}"
            : null;

    /// <summary>Reads the chosen file into the input's logo; returns what is wrong with it instead, or null.</summary>
    public static async Task<string?> ReadIntoAsync(IBrowserFile file, OidcClientInput input, CancellationToken cancellationToken)
    {
        var (error, chosen) = await ReadAsync(file, cancellationToken);
        if (chosen is not null)
        {
            (input.LogoFileName, input.LogoContent) = (chosen.FileName, chosen.Content);
        }

        return error;
    }

    /// <summary>Reads a chosen logo file (either logo): what is wrong with it, or its name and bytes.</summary>
    public static async Task<(string? Error, ChosenLogo? Logo)> ReadAsync(IBrowserFile file, CancellationToken cancellationToken)
    {
        if (!PocketIdClientRules.IsLogoFileName(file.Name))
        {
            return (PocketIdClientRules.LogoTypeMessage, null);
        }

        if (!PocketIdClientRules.IsLogoSizeAllowed(file.Size))
        {
            return (PocketIdClientRules.LogoSizeMessage, null);
        }

        using var buffer = new MemoryStream();
        await using (var stream = file.OpenReadStream(MaxBytes, cancellationToken))
        {
            await stream.CopyToAsync(buffer, cancellationToken);
        }

        return (null, new ChosenLogo(Path.GetFileName(file.Name), buffer.ToArray()));
    }
}

/// <summary>A logo file read from the browser.</summary>
public sealed record ChosenLogo(string FileName, byte[] Content);
