using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using static PbsPocketIdWizard.Simulators.Pbs.PbsHandlers;

namespace PbsPocketIdWizard.Simulators.Pbs;

/// <summary>`/version`, `/nodes` and the node's status, certificate and identity (pbs-api.md §8).</summary>
internal static class PbsNodeHandlers
{
    internal static Task<PbsResult> Version(PbsRequest r)
    {
        var v = r.State.Version;
        return Done(new JsonObject
        {
            ["version"] = $"{v.Major}.{v.Minor}",
            ["release"] = v.Build.ToString(CultureInfo.InvariantCulture),
            ["repoid"] = "bc863d45e7fbadb3690143613ea70600535f23a1",
        });
    }

    internal static Task<PbsResult> NodeStatus(PbsRequest r) => Done(new JsonObject
    {
        ["memory"] = new JsonObject { ["total"] = 8_254_054_400L, ["used"] = 1_873_297_408L, ["free"] = 6_380_756_992L },
        ["swap"] = new JsonObject { ["total"] = 4_294_963_200L, ["used"] = 0, ["free"] = 4_294_963_200L },
        ["root"] = new JsonObject { ["total"] = 62_163_496_960L, ["used"] = 4_115_656_704L, ["avail"] = 54_857_695_232L },
        ["uptime"] = 86_400,
        ["loadavg"] = new JsonArray(0.08, 0.05, 0.01),
        ["kversion"] = "Linux 6.14.8-2-pve #1 SMP PREEMPT_DYNAMIC PMX 6.14.8-2 (2025-07-22T10:04Z)",
        ["current-kernel"] = new JsonObject
        {
            ["sysname"] = "Linux", ["release"] = "6.14.8-2-pve",
            ["version"] = "#1 SMP PREEMPT_DYNAMIC PMX 6.14.8-2 (2025-07-22T10:04Z)", ["machine"] = "x86_64",
        },
        ["cpu"] = 0.012,
        ["wait"] = 0.0,
        ["cpuinfo"] = new JsonObject { ["model"] = "QEMU Virtual CPU version 2.5+", ["sockets"] = 1, ["cpus"] = 2 },
        ["info"] = new JsonObject { ["fingerprint"] = r.State.Fingerprint },
        ["boot-info"] = new JsonObject { ["mode"] = "efi", ["secureboot"] = false },
    });

    internal static Task<PbsResult> CertificateInfo(PbsRequest r)
    {
        var cert = r.State.Certificate;
        var san = new JsonArray();
        foreach (var ext in cert.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            foreach (var dns in ext.EnumerateDnsNames())
            {
                san.Add(dns);
            }
        }

        using var rsa = cert.GetRSAPublicKey();
        return Done(new JsonArray(new JsonObject
        {
            ["filename"] = "proxy.pem",
            ["subject"] = cert.Subject,
            ["san"] = san,
            ["issuer"] = cert.Issuer,
            ["notbefore"] = new DateTimeOffset(cert.NotBefore.ToUniversalTime()).ToUnixTimeSeconds(),
            ["notafter"] = new DateTimeOffset(cert.NotAfter.ToUniversalTime()).ToUnixTimeSeconds(),
            ["pem"] = cert.ExportCertificatePem(),
            ["public-key-type"] = "rsaEncryption",
            ["public-key-bits"] = rsa?.KeySize ?? 0,
            ["fingerprint"] = r.State.Fingerprint,
        }));
    }

    internal static Task<PbsResult> Identity(PbsRequest r) => Done(new JsonObject
    {
        ["pbs-instance-id"] = Convert.ToHexStringLower(SHA256.HashData(r.State.Certificate.RawData))[..32],
    });
}
