using PbsPocketIdWizard.Core.PocketId;

namespace PbsPocketIdWizard.Core.Tests.PocketId;

public sealed class PocketIdClientRulesTests
{
    [Theory]
    [InlineData("Proxmox Backup Server", true)]
    [InlineData("PB", true)]
    [InlineData("P", false)]
    [InlineData("   ", false)]
    [InlineData(null, false)]
    [InlineData("12345678901234567890123456789012345678901234567890", true)]
    [InlineData("123456789012345678901234567890123456789012345678901", false)]
    public void IsValidName_Length_Is2To50(string? name, bool valid) => Assert.Equal(valid, PocketIdClientRules.IsValidName(name));

    [Theory]
    [InlineData("logo.png", true)]
    [InlineData("LOGO.SVG", true)]
    [InlineData("a.jpeg", true)]
    [InlineData("a.webp", true)]
    [InlineData("a.gif", true)]
    [InlineData("favicon.ICO", true)]
    [InlineData("a.avif", true)]
    [InlineData("a.heic", false)]
    [InlineData("a.bmp", false)]
    [InlineData("png", false)]
    [InlineData(null, false)]
    public void IsLogoFileName_Extension_IsAnOfferedType(string? fileName, bool valid) => Assert.Equal(valid, PocketIdClientRules.IsLogoFileName(fileName));

    [Theory]
    [InlineData(1, true)]
    [InlineData(2 * 1024 * 1024 - 4096, true)]
    [InlineData(2 * 1024 * 1024 - 4095, false)]
    [InlineData(2 * 1024 * 1024, false)]
    public void IsLogoSizeAllowed_LeavesRoomForTheMultipartFraming(long bytes, bool allowed) =>
        Assert.Equal(allowed, PocketIdClientRules.IsLogoSizeAllowed(bytes));

    [Theory]
    [InlineData("https://pbs.example.com", new[] { "https://pbs.example.com:8007" })]
    [InlineData("https://pbs.example.com:443", new[] { "https://pbs.example.com" })]
    [InlineData("pbs.example.com:8007", new[] { "https://pbs.example.com:8007", "https://backup.example.com" }, " https://backup.example.com ", "", "https://pbs.example.com:8007")]
    public void CallbackUrls_PbsOriginFirstThenTheExtraOnesOnce(string pbsUrl, string[] expected, params string[] extra) =>
        Assert.Equal(expected, PocketIdClientRules.CallbackUrls(pbsUrl, extra));
}
