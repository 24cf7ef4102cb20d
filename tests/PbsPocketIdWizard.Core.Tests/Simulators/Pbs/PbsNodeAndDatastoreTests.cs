using System.Net;
using System.Text.Json;
using PbsPocketIdWizard.Simulators.Faults;
using PbsPocketIdWizard.Simulators.Tls;

namespace PbsPocketIdWizard.Core.Tests.Simulators.Pbs;

/// <summary>pbs-api.md §8 (version, node status, certificates), §9 (datastores, namespaces) and the /_sim hooks.</summary>
public sealed class PbsNodeAndDatastoreTests
{
    [Fact]
    public async Task Datastores_RootSeesSeedStores_Section9()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();

        var response = await pbs.GetAsync("/api2/json/admin/datastore", auth);

        var stores = response.Data!.AsArray().Select(s => s!["store"]!.GetValue<string>()).ToList();
        Assert.Equal(["backups", "offsite"], stores);
        Assert.Equal(JsonValueKind.String, response.Data[0]!["comment"]!.GetValueKind());
    }

    [Fact]
    public async Task Datastores_AreFilteredByPrivilege_CommentNullWithoutAudit_Section9()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var secret = pbs.State.AddApiToken("root@pam", "backup");
        pbs.State.SetAcl("/datastore/offsite", "root@pam!backup", "DatastoreBackup");

        var response = await pbs.GetAsync("/api2/json/admin/datastore", PbsAuth.FromToken("root@pam!backup", secret));

        var store = Assert.Single(response.Data!.AsArray());
        Assert.Equal("offsite", store!["store"]!.GetValue<string>());
        Assert.True(store.AsObject().ContainsKey("comment"));
        Assert.Null(store["comment"]);
    }

    [Fact]
    public async Task Namespaces_OffsiteHasRootAndDev_Section9()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();

        var offsite = await pbs.GetAsync("/api2/json/admin/datastore/offsite/namespace?max-depth=7", auth);
        var backups = await pbs.GetAsync("/api2/json/admin/datastore/backups/namespace", auth);
        var depthZero = await pbs.GetAsync("/api2/json/admin/datastore/offsite/namespace?max-depth=0", auth);
        var tooDeep = await pbs.GetAsync("/api2/json/admin/datastore/offsite/namespace?max-depth=8", auth);

        Assert.Equal(["", "dev"], offsite.Data!.AsArray().Select(n => n!["ns"]!.GetValue<string>()));
        Assert.Equal([""], backups.Data!.AsArray().Select(n => n!["ns"]!.GetValue<string>()));
        Assert.Equal([""], depthZero.Data!.AsArray().Select(n => n!["ns"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadRequest, tooDeep.Status);
        Assert.Equal("parameter verification failed - 'max-depth': value must have a maximum value of 7 (got 8)", tooDeep.Body);
    }

    [Fact]
    public async Task NodeStatus_InfoFingerprint_MatchesServedCertificate_Section8()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();

        var status = await pbs.GetAsync("/api2/json/nodes/localhost/status", auth);
        var cert = await pbs.GetAsync("/api2/json/nodes/localhost/certificates/info", auth);

        var expected = SelfSignedCertificate.Fingerprint(PbsTestHost.Certificate);
        Assert.Equal(expected, status.Data!["info"]!["fingerprint"]!.GetValue<string>());
        Assert.NotNull(status.Data["memory"]!["total"]);
        var info = Assert.Single(cert.Data!.AsArray())!;
        Assert.Equal("proxy.pem", info["filename"]!.GetValue<string>());
        Assert.Equal(expected, info["fingerprint"]!.GetValue<string>());
        Assert.Contains("localhost", info["san"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", info["pem"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertificatesInfo_NeedsSysModify_StatusNeedsSysAudit_Section2_4()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var secret = pbs.State.AddApiToken("root@pam", "audit");
        pbs.State.SetAcl("/", "root@pam!audit", "Audit");
        var token = PbsAuth.FromToken("root@pam!audit", secret);

        var status = await pbs.GetAsync("/api2/json/nodes/localhost/status", token);
        var cert = await pbs.GetAsync("/api2/json/nodes/localhost/certificates/info", token);

        Assert.Equal(HttpStatusCode.OK, status.Status);
        Assert.Equal(HttpStatusCode.Forbidden, cert.Status);
        Assert.Equal("permission check failed", cert.Body);
    }

    [Fact]
    public async Task Version_Profile_ReportsMajorMinorAndRelease_Section8()
    {
        await using var pbs = await PbsTestHost.StartAsync(o => o.Version = "4.0.12");
        var auth = await pbs.LoginAsync();

        var response = await pbs.GetAsync("/api2/json/version", auth);

        Assert.Equal("4.0", response.Data!["version"]!.GetValue<string>());
        Assert.Equal("12", response.Data["release"]!.GetValue<string>());
    }

    [Fact]
    public async Task FaultHook_StatusFault_AnswersPlainTextOnceThenRecovers()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var arm = await pbs.SendAsync(HttpMethod.Post, "/_sim/faults",
            PbsTestHost.Json(new FaultRule { Path = "/api2/json/ping", Status = 503, Message = "service unavailable" }));

        var faulted = await pbs.GetAsync("/api2/json/ping");
        var recovered = await pbs.GetAsync("/api2/json/ping");
        var log = await pbs.GetAsync("/_sim/requests");

        Assert.Equal(HttpStatusCode.OK, arm.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, faulted.Status);
        Assert.Equal("service unavailable", faulted.Body);
        Assert.Equal(HttpStatusCode.OK, recovered.Status);
        var entries = log.Json!.AsArray();
        Assert.Equal([503, 200], entries.Where(e => e!["path"]!.GetValue<string>() == "/api2/json/ping").Select(e => e!["status"]!.GetValue<int>()));
        Assert.Same(pbs.State.Faults, pbs.State.Faults); // owned by this simulator's state
        Assert.Equal(2, pbs.State.Requests.Snapshot().Count(r => r.Path == "/api2/json/ping"));
    }

    [Fact]
    public async Task ResetHook_RestoresSeed()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();
        await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/users", PbsTestHost.Form(("userid", "carol@pbs")), auth);
        pbs.State.SetAcl("/", "carol@pbs", "Admin");

        var reset = await pbs.SendAsync(HttpMethod.Post, "/_sim/reset");

        Assert.Equal(HttpStatusCode.NoContent, reset.Status);
        Assert.Equal(["root@pam"], pbs.State.Users.Select(u => u.UserId));
        Assert.Empty(pbs.State.Acls);
        Assert.Equal(["pam", "pbs"], pbs.State.Realms.Select(r => r.Name));
        Assert.Equal(["backups", "offsite"], pbs.State.Datastores.Select(d => d.Name));
    }

    [Fact]
    public async Task LoginPage_IsServedAtRoot_WithOpenIdButtonLabel_Section7_5()
    {
        await using var pbs = await PbsTestHost.StartAsync();

        var response = await pbs.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Contains("Login (OpenID redirect)", response.Body, StringComparison.Ordinal);
        Assert.Contains("window.location.origin", response.Body, StringComparison.Ordinal);
        Assert.Contains("<label for=\"realm\">", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DirectoryIndex_ListsSubdirs_Section1()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();

        var response = await pbs.GetAsync("/api2/json/access", auth);
        var bare = await pbs.GetAsync("/api2");

        var subdirs = response.Data!.AsArray().Select(s => s!["subdir"]!.GetValue<string>()).ToList();
        Assert.Contains("ticket", subdirs);
        Assert.Contains("acl", subdirs);
        Assert.Equal(HttpStatusCode.NotFound, bare.Status);
        Assert.Equal("invalid api path '/api2'", bare.Body);
    }
}
