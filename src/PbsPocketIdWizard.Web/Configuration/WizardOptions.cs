using System.ComponentModel.DataAnnotations;

namespace PbsPocketIdWizard.Web.Configuration;

public enum WizardMode
{
    /// <summary>Both simulators run in-process and pre-fill the wizard.</summary>
    Demo,

    /// <summary>The admin points the wizard at a real Pocket ID and PBS.</summary>
    Live,
}

/// <summary>The "Wizard" configuration section (env vars: Wizard__DataDirectory, Wizard__Pbs__Url, …).</summary>
public sealed class WizardOptions : IValidatableObject
{
    public const string SectionName = "Wizard";

    /// <summary>Demo or Live; when not set, Demo unless a Pocket ID or PBS address is configured.</summary>
    public WizardMode? Mode { get; set; }

    /// <summary>SQLite database and Data Protection keys live here (/data in the container).</summary>
    [Required]
    public string DataDirectory { get; set; } = "./data";

    /// <summary>A fixed access token instead of a random one per start; never printed.</summary>
    [MinLength(Configuration.AccessToken.MinimumLength, ErrorMessage = "Wizard:AccessToken must be at least 16 characters; leave it empty for a random one.")]
    public string? AccessToken { get; set; }

    /// <summary>A file holding the access token (a Docker secret such as /run/secrets/wizard_access_token).</summary>
    public string? AccessTokenFile { get; set; }

    /// <summary>How long a sign-in lasts before the token is asked again.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Reverse proxies (addresses or networks) whose X-Forwarded-* headers are believed; empty = none.</summary>
    public string? TrustedProxies { get; set; }

    /// <summary>The host name or IP a browser uses to reach this machine (sign-in link, demo simulators' addresses).</summary>
    [Required]
    public string PublicHost { get; set; } = "127.0.0.1";

    public PocketIdPrefillOptions PocketId { get; set; } = new();

    public PbsPrefillOptions Pbs { get; set; } = new();

    public SimulatorPortOptions Simulators { get; set; } = new();

    /// <summary>Where demo runs live, under the data directory: a demo never shares runs, secrets or keys with live runs.</summary>
    public const string DemoSubdirectory = "demo";

    /// <summary>The directory of this mode's runs: the data directory in live mode, its demo/ subdirectory in demo mode.</summary>
    public string RunsDirectory => EffectiveMode == WizardMode.Demo ? Path.Combine(DataDirectory, DemoSubdirectory) : DataDirectory;

    public WizardMode EffectiveMode =>
        Mode ?? (string.IsNullOrWhiteSpace(PocketId.Url) && string.IsNullOrWhiteSpace(Pbs.Url) ? WizardMode.Demo : WizardMode.Live);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (url, key) in new[] { (PocketId.Url, "Wizard:PocketId:Url"), (Pbs.Url, "Wizard:Pbs:Url") })
        {
            if (!string.IsNullOrWhiteSpace(url) && !IsHttpAddress(url))
            {
                yield return new ValidationResult($"{key} is not a valid address: '{url}'.", [key]);
            }
        }

        if (!string.IsNullOrEmpty(AccessToken) && !string.IsNullOrWhiteSpace(AccessTokenFile))
        {
            yield return new ValidationResult("Set either Wizard:AccessToken or Wizard:AccessTokenFile, not both.", ["Wizard:AccessTokenFile"]);
        }
        else if (!string.IsNullOrWhiteSpace(AccessTokenFile) && Configuration.AccessToken.ProblemWithFile(AccessTokenFile) is { } problem)
        {
            yield return new ValidationResult(problem, ["Wizard:AccessTokenFile"]);
        }

        if (SessionLifetime < TimeSpan.FromMinutes(1) || SessionLifetime > TimeSpan.FromDays(30))
        {
            yield return new ValidationResult("Wizard:SessionLifetime must be between 00:01:00 and 30.00:00:00.", ["Wizard:SessionLifetime"]);
        }

        foreach (var entry in Configuration.TrustedProxies.Entries(TrustedProxies).Where(e => Configuration.TrustedProxies.Parse(e) is null))
        {
            yield return new ValidationResult($"Wizard:TrustedProxies: '{entry}' is neither an IP address nor a network such as 172.18.0.0/16.", ["Wizard:TrustedProxies"]);
        }

        foreach (var (port, key) in new[] { (Simulators.PbsPort, "Wizard:Simulators:PbsPort"), (Simulators.PocketIdPort, "Wizard:Simulators:PocketIdPort") })
        {
            if (port is < 0 or > 65535)
            {
                yield return new ValidationResult($"{key} must be between 0 (any free port) and 65535.", [key]);
            }
        }
    }

    /// <summary>http(s)://host[:port] without a user name or password; a bare host name counts as https.</summary>
    private static bool IsHttpAddress(string url)
    {
        var candidate = url.Contains("://", StringComparison.Ordinal) ? url : "https://" + url;
        return !url.Any(char.IsWhiteSpace)
            && Uri.TryCreate(candidate, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && !string.IsNullOrEmpty(uri.Host)
            && uri.UserInfo.Length == 0;
    }
}

/// <summary>Values the Pocket ID form starts with (never secrets).</summary>
public sealed class PocketIdPrefillOptions
{
    public string? Url { get; set; }
}

/// <summary>Values the PBS form starts with (never secrets).</summary>
public sealed class PbsPrefillOptions
{
    public string? Url { get; set; }

    public string? Username { get; set; }

    /// <summary>A SHA-256 fingerprint (aa:bb:…) to trust without asking.</summary>
    public string? Fingerprint { get; set; }
}

/// <summary>Demo mode: the simulators' ports (0 = any free port).</summary>
public sealed class SimulatorPortOptions
{
    /// <summary>Where the simulators listen: loopback by default; 0.0.0.0 in a container so the browser reaches them.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    public int PbsPort { get; set; }

    public int PocketIdPort { get; set; }
}
