using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PbsPocketIdWizard.Simulators.Pbs;
using PbsPocketIdWizard.Simulators.PocketId;
using PbsPocketIdWizard.Simulators.Tls;

namespace PbsPocketIdWizard.Simulators.Hosting;

public sealed class SimulatorServersOptions
{
    /// <summary>Bind address for both servers.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The host name or IP a browser uses (Pocket ID issuer, URLs, certificate name); defaults to <see cref="Host"/>.</summary>
    public string? PublicHost { get; set; }

    /// <summary>0 = any free port.</summary>
    public int PbsPort { get; set; }

    /// <summary>0 = any free port.</summary>
    public int PocketIdPort { get; set; }

    /// <summary>null = the simulator's default profile.</summary>
    public string? PbsVersion { get; set; }

    public string? PocketIdVersion { get; set; }

    /// <summary>Generated when null.</summary>
    public string? PbsRootPassword { get; set; }

    /// <summary>Generated when null.</summary>
    public string? PocketIdApiKey { get; set; }

    /// <summary>root@pam's TFA recovery keys (each works once); none = root@pam signs in with the password alone.</summary>
    public IReadOnlyList<string> PbsRootRecoveryKeys { get; set; } = [];

    /// <summary>null = the PBS default (3 s).</summary>
    public TimeSpan? AuthFailureDelay { get; set; }

    /// <summary>Log level of both hosts.</summary>
    public LogLevel MinimumLogLevel { get; set; } = LogLevel.Warning;
}

/// <summary>
/// Both simulators, each on its own origin like the real servers (architecture.md, Simulators → Hosting):
/// PBS over HTTPS with a generated self-signed certificate, Pocket ID over HTTP, issuer = its public base URL.
/// </summary>
public sealed class SimulatorServers : IAsyncDisposable
{
    private readonly WebApplication _pbs;
    private readonly WebApplication _pocketId;

    private SimulatorServers(WebApplication pbs, WebApplication pocketId)
    {
        _pbs = pbs;
        _pocketId = pocketId;
    }

    public required Uri PbsUrl { get; init; }

    public required Uri PocketIdUrl { get; init; }

    /// <summary>The Pocket ID issuer, which is the value for the PBS realm's `issuer-url`: its public base URL without a trailing slash.</summary>
    public string PocketIdIssuer => PocketIdUrl.GetLeftPart(UriPartial.Authority);

    /// <summary>The PBS origin, `window.location.origin` of its login page: the Pocket ID callback URL (pbs-api.md §7.5).</summary>
    public string PbsOrigin => PbsUrl.GetLeftPart(UriPartial.Authority);

    /// <summary>SHA-256 of the PBS certificate, PBS format (lower-case pairs joined by ':').</summary>
    public required string PbsFingerprint { get; init; }

    public required X509Certificate2 PbsCertificate { get; init; }

    public required string PbsRootPassword { get; init; }

    public required string PocketIdApiKey { get; init; }

    public required PbsSimulatorState PbsState { get; init; }

    public required PocketIdSimulatorState PocketIdState { get; init; }

    public static async Task<SimulatorServers> StartAsync(SimulatorServersOptions o, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(o);
        var publicHost = string.IsNullOrWhiteSpace(o.PublicHost) ? o.Host : o.PublicHost.Trim();
        var rootPassword = o.PbsRootPassword ?? NewSecret(20);
        var apiKey = o.PocketIdApiKey ?? NewSecret(32);

        var pocketIdOptions = new PocketIdSimulatorOptions { ApiKey = apiKey, Version = o.PocketIdVersion ?? PocketIdSimulatorOptions.DefaultVersion };

        var pocketId = Build(o, o.PocketIdPort, null);
        pocketId.Services.AddPocketIdSimulator(pocketIdOptions);
        var pocketIdApp = pocketId.Build();
        pocketIdApp.MapPocketIdSimulator();

        var certificate = SelfSignedCertificate.Create(publicHost, extraDnsNames: [o.Host]);
        var pbsOptions = new PbsSimulatorOptions
        {
            RootPassword = rootPassword,
            Certificate = certificate,
            Version = o.PbsVersion ?? PbsSimulatorOptions.DefaultVersion,
            RootRecoveryKeys = o.PbsRootRecoveryKeys,
            AuthFailureDelay = o.AuthFailureDelay ?? PbsSimulatorOptions.DefaultAuthFailureDelay,
        };

        var pbs = Build(o, o.PbsPort, certificate);
        pbs.Services.AddPbsSimulator(pbsOptions);
        var pbsApp = pbs.Build();
        pbsApp.MapPbsSimulator();

        try
        {
            await pocketIdApp.StartAsync(ct);
            var pocketIdUrl = PublicUri("http", publicHost, BoundPort(pocketIdApp));
            var pocketIdState = pocketIdApp.Services.GetRequiredService<PocketIdSimulatorState>();
            pocketIdState.PublicUrl = pocketIdUrl.GetLeftPart(UriPartial.Authority); // issuer: no trailing slash

            await pbsApp.StartAsync(ct);
            var pbsUrl = PublicUri("https", publicHost, BoundPort(pbsApp));
            return new SimulatorServers(pbsApp, pocketIdApp)
            {
                PbsUrl = pbsUrl,
                PocketIdUrl = pocketIdUrl,
                PbsFingerprint = SelfSignedCertificate.Fingerprint(certificate),
                PbsCertificate = certificate,
                PbsRootPassword = rootPassword,
                PocketIdApiKey = apiKey,
                PbsState = pbsApp.Services.GetRequiredService<PbsSimulatorState>(),
                PocketIdState = pocketIdState,
            };
        }
        catch
        {
            await pbsApp.DisposeAsync();
            await pocketIdApp.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in new[] { _pbs, _pocketId })
        {
            try
            {
                await app.StopAsync(CancellationToken.None);
            }
            finally
            {
                await app.DisposeAsync();
            }
        }
    }

    private static WebApplicationBuilder Build(SimulatorServersOptions o, int port, X509Certificate2? certificate)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });

        // The simulators ignore the hosting app's configuration (ASPNETCORE_URLS, appsettings Logging levels): quiet by default.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [WebHostDefaults.ServerUrlsKey] = string.Empty });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Logging.SetMinimumLevel(o.MinimumLogLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Error); // "Overriding address(es)" from a host's ASPNETCORE_URLS
        if (certificate is not null)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        builder.WebHost.UseKestrel(kestrel =>
        {
            void Configure(ListenOptions listen)
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            }

            if (string.Equals(o.Host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                kestrel.ListenLocalhost(port, Configure);
            }
            else
            {
                kestrel.Listen(ResolveBindAddress(o.Host), port, Configure);
            }
        });
        return builder;
    }

    private static IPAddress ResolveBindAddress(string host)
    {
        if (IPAddress.TryParse(host, out var ip))
        {
            return ip;
        }

        return Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? throw new ArgumentException($"cannot resolve bind address '{host}'", nameof(host));
    }

    private static int BoundPort(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal)).Port;
    }

    private static Uri PublicUri(string scheme, string host, int port)
    {
        var hostPart = IPAddress.TryParse(host, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ip}]" : host;
        return new Uri($"{scheme}://{hostPart}:{port}");
    }

    private static string NewSecret(int length) =>
        RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", length);
}
