using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using static PbsPocketIdWizard.Simulators.PocketId.PocketIdAdminApi;

namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>Client logos (§7): light and dark, multipart upload, type from the file extension.</summary>
internal static class PocketIdLogoApi
{
    public const long MaxLogoBytes = 2 << 20;

    private static readonly Dictionary<string, string> LogoTypes = new(StringComparer.Ordinal)
    {
        ["png"] = "image/png",
        ["jpg"] = "image/jpeg",
        ["jpeg"] = "image/jpeg",
        ["svg"] = "image/svg+xml",
        ["ico"] = "image/x-icon",
        ["gif"] = "image/gif",
        ["webp"] = "image/webp",
        ["avif"] = "image/avif",
        ["heic"] = "image/heic",
    };

    private static bool LightParameter(PocketIdRequest r) =>
        !string.Equals(r.Http.Request.Query["light"].ToString(), "false", StringComparison.OrdinalIgnoreCase);

    internal static async Task GetLogo(PocketIdRequest r)
    {
        var client = RequireClient(r, r.Route("id"));
        var logo = (LightParameter(r) ? client.LightLogo : client.DarkLogo ?? client.LightLogo)
            ?? throw new PocketIdApiError(404, "image_not_found", "Image not found");
        r.Http.Response.StatusCode = 200;
        r.Http.Response.ContentType = LogoTypes[logo.Extension];
        await r.Http.Response.Body.WriteAsync(logo.Bytes, r.Http.RequestAborted);
    }

    private static PocketIdApiError TooLarge(PocketIdRequest r) => new(413, "file_too_large", "File must not exceed 2.00 MB",
        new JsonObject { ["max_size"] = "2.00 MB" }, legacyMessage: "The file can't be larger than 2.00 MB");

    internal static async Task UploadLogo(PocketIdRequest r)
    {
        var request = r.Http.Request;
        // 2<<20 applies to the whole request body (MaxBytesReader), §7.1.
        if (request.ContentLength > MaxLogoBytes)
        {
            throw TooLarge(r);
        }

        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, r.Http.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxLogoBytes)
            {
                throw TooLarge(r);
            }
        }

        if (!request.HasFormContentType || !(request.ContentType ?? string.Empty).StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw PocketIdApiError.InvalidBody();
        }

        buffer.Position = 0;
        request.Body = buffer;
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(r.Http.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or InvalidOperationException)
        {
            throw PocketIdApiError.InvalidBody();
        }

        var file = form.Files.GetFile("file")
            ?? throw PocketIdApiError.Validation(new FieldProblem("file", "required", "is required"));
        var name = file.FileName;
        var dot = name.LastIndexOf('.');
        // A name without a dot counts as its own "extension" and is rejected (§7.1).
        var extension = dot >= 0 ? name[(dot + 1)..].ToLowerInvariant() : string.Empty;
        if (!LogoTypes.ContainsKey(extension))
        {
            throw new PocketIdApiError(r.Profile.StructuredErrors ? 415 : 400, "file_type_not_supported", "File type is not supported",
                new JsonObject { ["expected_file_type"] = string.Join(", ", LogoTypes.Keys) }, legacyMessage: "File type not supported");
        }

        using var content = new MemoryStream();
        await file.CopyToAsync(content, r.Http.RequestAborted);
        var logo = new SimLogo(extension, content.ToArray());
        var light = LightParameter(r);
        _ = r.State.UpdateClient(r.Route("id"), c => light ? c with { LightLogo = logo } : c with { DarkLogo = logo })
            ?? throw PocketIdApiError.NotFound("OIDC client");
        await r.NoContentAsync();
    }

    internal static Task DeleteLogo(PocketIdRequest r)
    {
        var client = RequireClient(r, r.Route("id"));
        var light = LightParameter(r);
        if ((light ? client.LightLogo : client.DarkLogo) is null)
        {
            throw new PocketIdApiError(404, "image_not_found", "Image not found");
        }

        r.State.UpdateClient(client.Id, c => light ? c with { LightLogo = null } : c with { DarkLogo = null });
        return r.NoContentAsync();
    }
}
