using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PbsPocketIdWizard.Simulators.PocketId;

namespace PbsPocketIdWizard.Core.Tests.Simulators.PocketId;

public sealed class PocketIdRobustnessTests
{
    public static TheoryData<string, string, string?, string?> BadRequests => new()
    {
        { "GET", "/api/oidc/clients?pagination[page]=99999999999&pagination[limit]=-7&sort[column]=nope&sort[direction]=sideways", null, null },
        { "GET", "/api/oidc/clients/~!!!", null, null },
        { "POST", "/api/oidc/clients", "application/json", "[]" },
        { "POST", "/api/oidc/clients", "application/json", "null" },
        { "POST", "/api/oidc/clients", "application/json", """{"name":"x","credentials":{"federatedIdentities":"nope"}}""" },
        { "POST", "/api/oidc/clients", "application/json", """{"name":"x","callbackURLs":[null,"http://[::1"]}""" },
        { "POST", "/api/oidc/clients", "application/json", """{"name":"x","callbackURLs":["https://a.example.com/?q=*&x"]}""" },
        { "POST", "/api/oidc/clients", "application/json", """{"name":"x","logoUrl":""}""" },
        { "POST", "/api/oidc/clients", "application/json", """{"name":"x","accessTokenDurationMinutes":99999999999999999999}""" },
        { "POST", "/api/user-groups", "application/json", """{"friendlyName":1}""" },
        { "POST", "/api/oidc/clients/nope/logo", "multipart/form-data", "garbage" },
        { "POST", "/api/oidc/clients/nope/logo", "multipart/form-data; boundary=xyz", "--xyz\r\nbroken" },
        { "POST", "/api/oidc/token", "application/x-www-form-urlencoded", "grant_type=authorization_code&code=%zz" },
        { "POST", "/api/oidc/token", "application/json", """{"grant_type":"authorization_code"}""" },
        { "GET", "/authorize?client_id=nope&redirect_uri=%%%", null, null },
        { "GET", "/api/oidc/userinfo", null, null },
    };

    [Theory] // brief + pocket-id-api.md §4.1: bad input is a 4xx in the documented shape, never a 500 or a stack trace
    [MemberData(nameof(BadRequests))]
    public async Task BadInput_NeverAnswers500(string method, string path, string? contentType, string? body)
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        var request = sim.Admin(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.Remove("Content-Type");
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var response = await sim.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.InRange((int)response.StatusCode, 200, 499);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    [Fact] // Hosting: on Kestrel (127.0.0.1, port 0) the host sets PublicUrl after binding; issuer follows it exactly
    public async Task Kestrel_PublicUrlSetAfterBinding_IsTheIssuer()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddPocketIdSimulator(new PocketIdSimulatorOptions { PublicUrl = null });
        await using var app = builder.Build();
        app.MapPocketIdSimulator();
        await app.StartAsync();
        var address = app.Urls.Single().TrimEnd('/');
        app.Services.GetRequiredService<PocketIdSimulatorState>().PublicUrl = address;

        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var discovery = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync("/.well-known/openid-configuration"))!;
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/application-configuration"));

        Assert.Equal(address, discovery["issuer"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        await app.StopAsync();
    }
}
