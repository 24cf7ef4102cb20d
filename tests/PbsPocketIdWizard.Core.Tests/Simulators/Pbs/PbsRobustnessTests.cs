using System.Net;
using System.Text;

namespace PbsPocketIdWizard.Core.Tests.Simulators.Pbs;

/// <summary>pbs-api.md §1: bad input is a 4xx with a plain message, never a 500 or a stack trace.</summary>
public sealed class PbsRobustnessTests
{
    public static TheoryData<string, string, string?, string?> BadRequests => new()
    {
        { "POST", "/api2/json/config/access/openid", "application/json", "[1,2,3]" },
        { "POST", "/api2/json/config/access/openid", "application/json", "{\"realm\":null,\"issuer-url\":[],\"client-id\":{}}" },
        { "POST", "/api2/json/config/access/openid", "application/json", "{\"realm\":\"x\"" },
        { "POST", "/api2/json/config/access/openid", "text/plain", "realm=x" },
        { "POST", "/api2/json/config/access/openid", "application/x-www-form-urlencoded", "realm=%ZZ&&&=&issuer-url" },
        { "PUT", "/api2/json/config/access/openid/%01bad", "application/x-www-form-urlencoded", "comment=x" },
        { "PUT", "/api2/json/access/acl", "application/json", "{\"path\":\"/\",\"role\":\"Admin\",\"auth-id\":\"a@b\",\"propagate\":\"yes\"}" },
        { "PUT", "/api2/json/access/acl", "application/x-www-form-urlencoded", "path=/&path=/x&role=Admin&auth-id=root@pam" },
        { "GET", "/api2/json/access/users/no-at-sign", null, null },
        { "GET", "/api2/json/access/users/a%40b%40c", null, null },
        { "GET", "/api2/json/admin/datastore/nope/namespace", null, null },
        { "GET", "/api2/json/admin/datastore/offsite/namespace?max-depth=x&parent=does/not/exist", null, null },
        { "GET", "/api2/json/nodes/-bad-/status", null, null },
        { "POST", "/api2/json/access/openid/auth-url", "application/json", "{\"realm\":\"nope\",\"redirect-url\":\"https://x\"}" },
        { "POST", "/api2/json/access/openid/login", "application/json", "{\"state\":\"not json\",\"code\":\"c\",\"redirect-url\":\"https://x\"}" },
        { "POST", "/api2/json/access/ticket", "application/json", "{\"username\":\"root@pam\",\"password\":\"demo\",\"tfa-challenge\":\"PBS:!tfa!garbage\"}" },
        { "DELETE", "/api2/json/access/users/root@pam/token/x", null, null },
        { "POST", "/api2/json/access/users/ghost@pbs/token/t", "application/x-www-form-urlencoded", "" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadInput_Returns4xxPlainText_NeverServerError_Section1(string method, string path, string? contentType, string? body)
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();
        HttpContent? content = body is null ? null : new StringContent(body, Encoding.UTF8);
        if (content is not null && contentType is not null)
        {
            content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }

        var response = await pbs.SendAsync(new HttpMethod(method), path, content, auth);

        Assert.InRange((int)response.Status, 400, 499);
        Assert.DoesNotContain("   at ", response.Body, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(response.Body));
    }

    [Fact]
    public async Task OversizedBody_Returns400RequestBodyTooLarge_Section1()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();

        var response = await pbs.SendAsync(HttpMethod.Post, "/api2/json/config/access/openid",
            PbsTestHost.Form(("realm", "big"), ("comment", new string('x', 600 * 1024))), auth);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("Request body too large", response.Body);
    }
}
