using System.Net;
using System.Net.Http.Headers;

namespace PbsPocketIdWizard.Core.Tests.Simulators.PocketId;

public sealed class PocketIdSecretAndLogoTests
{
    [Fact] // pocket-id-api.md §6.1: v2.14 POST …/secrets → 201 DTO with the value once; GET shows metadata only
    public async Task Secrets214_Create_Returns201AndValueOnlyOnce()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs");
        var (status, created) = await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients/pbs/secrets");
        var (_, client) = await sim.AdminAsync(HttpMethod.Get, "/api/oidc/clients/pbs");
        var (_, list) = await sim.AdminAsync(HttpMethod.Get, "/api/oidc/clients/pbs/secrets");

        Assert.Equal(HttpStatusCode.Created, status);
        var value = created!["secret"]!.GetValue<string>();
        Assert.Matches("^[A-Za-z0-9]{32}$", value);
        Assert.Equal(value[..4], created["prefix"]!.GetValue<string>());
        Assert.True(created["isActive"]!.GetValue<bool>());
        Assert.Null(created["expiresAt"]);
        var meta = client!["credentials"]!["secrets"]!.AsArray().Single()!;
        Assert.Equal(created["id"]!.GetValue<string>(), meta["id"]!.GetValue<string>());
        Assert.Null(meta["secret"]);
        Assert.DoesNotContain(value, list!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact] // §6.1 + §13: on v2.14 the singular /secret route is gone → 404 "API endpoint not found" without code
    public async Task Secrets214_LegacySingularRoute_Returns404EndpointNotFound()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs");
        var (status, body) = await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients/pbs/secret");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("""{"error":"API endpoint not found"}""", body!.ToJsonString());
    }

    [Fact] // §6.1: both secrets remain valid (rotation); custom value; public client → 400
    public async Task Secrets214_SecondSecretAndPublicClient_BehaveAsSpecified()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs");
        var first = await sim.CreateSecretAsync("pbs");
        var (customStatus, custom) = await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients/pbs/secrets", new { secret = "my-own-secret-value-123" });
        var (shortStatus, shortBody) = await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients/pbs/secrets", new { secret = "short" });
        await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients", new { id = "spa", name = "spa", isPublic = true });
        var (publicStatus, publicBody) = await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients/spa/secrets");

        Assert.Equal(HttpStatusCode.Created, customStatus);
        Assert.Equal("my-own-secret-value-123", custom!["secret"]!.GetValue<string>());
        Assert.Equal(2, sim.State.FindClient("pbs")!.Secrets.Count);
        Assert.Equal(HttpStatusCode.BadRequest, shortStatus);
        Assert.Equal("too_short", shortBody!["details"]!["fields"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, publicStatus);
        Assert.Equal("Cannot create a secret for a public client", publicBody!["error"]!.GetValue<string>());

        var firstCode = await sim.GetCodeAsync("pbs");
        var (firstStatus, _) = await sim.RedeemAsync("pbs", first, firstCode);
        Assert.Equal(HttpStatusCode.OK, firstStatus);
    }

    [Fact] // §6.2: ≤ v2.13 POST …/secret → 200 {"secret"} and replaces the previous one; /secrets → 404
    public async Task Secret213_Create_Returns200AndReplaces()
    {
        await using var sim = await PocketIdSimHost.StartAsync("2.13.0");
        await sim.CreateClientAsync("pbs");
        var (status, body) = await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients/pbs/secret");
        var replaced = await sim.CreateSecretAsync("pbs");
        var (multiStatus, multi) = await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients/pbs/secrets");

        Assert.Equal(HttpStatusCode.OK, status);
        var old = body!["secret"]!.GetValue<string>();
        Assert.Single(body.AsObject());
        Assert.Matches("^[A-Za-z0-9]{32}$", old);
        Assert.Equal(HttpStatusCode.NotFound, multiStatus);
        Assert.Equal("""{"error":"API endpoint not found"}""", multi!.ToJsonString());

        var code = await sim.GetCodeAsync("pbs");
        var (oldStatus, oldBody) = await sim.RedeemAsync("pbs", old, code);
        Assert.Equal(HttpStatusCode.Unauthorized, oldStatus);
        Assert.Equal("invalid_client", oldBody!["error"]!.GetValue<string>());
        var code2 = await sim.GetCodeAsync("pbs");
        var (newStatus, _) = await sim.RedeemAsync("pbs", replaced, code2);
        Assert.Equal(HttpStatusCode.OK, newStatus);
    }

    private static MultipartFormDataContent Logo(string fileName, int size, string field = "file")
    {
        var content = new MultipartFormDataContent();
        var bytes = new ByteArrayContent(new byte[size]);
        bytes.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(bytes, field, fileName);
        return content;
    }

    [Fact] // §7.1/§7.2: png upload → 204; public GET returns bytes with image/png; hasLogo true; dark falls back to light
    public async Task UploadLogo_Png_Returns204AndIsServed()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs");
        var request = sim.Admin(HttpMethod.Post, "/api/oidc/clients/pbs/logo?light=true");
        request.Content = Logo("Logo.PNG", 1234);
        using var upload = await sim.Http.SendAsync(request);
        using var get = await sim.Http.GetAsync("/api/oidc/clients/pbs/logo?light=false");
        var (_, client) = await sim.AdminAsync(HttpMethod.Get, "/api/oidc/clients/pbs");

        Assert.Equal(HttpStatusCode.NoContent, upload.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("image/png", get.Content.Headers.ContentType!.MediaType);
        Assert.Equal(1234, (await get.Content.ReadAsByteArrayAsync()).Length);
        Assert.True(client!["hasLogo"]!.GetValue<bool>());
        Assert.False(client["hasDarkLogo"]!.GetValue<bool>());
    }

    [Theory] // §7.1: extension allow-list → 415 file_type_not_supported (v2.13+), 400 before
    [InlineData("2.14.0", "logo.exe", 415)]
    [InlineData("2.14.0", "png", 415)]
    [InlineData("2.12.0", "logo.bmp", 400)]
    public async Task UploadLogo_DisallowedExtension_IsRejected(string version, string fileName, int expected)
    {
        await using var sim = await PocketIdSimHost.StartAsync(version);
        await sim.CreateClientAsync("pbs");
        var request = sim.Admin(HttpMethod.Post, "/api/oidc/clients/pbs/logo");
        request.Content = Logo(fileName, 10);
        var (status, body) = await sim.SendAsync(request);

        Assert.Equal(expected, (int)status);
        Assert.Equal(version == "2.14.0" ? "file_type_not_supported" : null, body!["code"]?.GetValue<string>());
    }

    [Fact] // §7.1: the 2 MiB limit applies to the whole body → 413 file_too_large
    public async Task UploadLogo_LargerThan2MiB_Returns413()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs");
        var request = sim.Admin(HttpMethod.Post, "/api/oidc/clients/pbs/logo");
        request.Content = Logo("logo.png", 2 * 1024 * 1024);
        var (status, body) = await sim.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("file_too_large", body!["code"]!.GetValue<string>());
        Assert.Equal("2.00 MB", body["details"]!["max_size"]!.GetValue<string>());
        Assert.Null(sim.State.FindClient("pbs")!.LightLogo);
    }

    [Fact] // §7.1: missing `file` field → 400 validation_failed field file; §7.2 delete without logo → 404 image_not_found
    public async Task UploadLogo_WrongFieldAndDeleteMissing_ReturnSpecifiedErrors()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs");
        var request = sim.Admin(HttpMethod.Post, "/api/oidc/clients/pbs/logo");
        request.Content = Logo("logo.png", 10, field: "image");
        var (status, body) = await sim.SendAsync(request);
        var (deleteStatus, deleteBody) = await sim.AdminAsync(HttpMethod.Delete, "/api/oidc/clients/pbs/logo");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("file", body!["details"]!["fields"]![0]!["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, deleteStatus);
        Assert.Equal("image_not_found", deleteBody!["code"]!.GetValue<string>());
    }
}
