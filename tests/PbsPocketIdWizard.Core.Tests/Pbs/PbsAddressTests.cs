using PbsPocketIdWizard.Core.Pbs;

namespace PbsPocketIdWizard.Core.Tests.Pbs;

public sealed class PbsAddressTests
{
    [Theory]
    [InlineData("pbs.example.com", "https://pbs.example.com:8007", "https://pbs.example.com:8007")]
    [InlineData("https://pbs.example.com", "https://pbs.example.com:8007", "https://pbs.example.com:8007")]
    [InlineData("https://pbs.example.com/", "https://pbs.example.com:8007", "https://pbs.example.com:8007")]
    [InlineData("https://PBS.example.com:8007", "https://pbs.example.com:8007", "https://pbs.example.com:8007")]
    [InlineData("https://pbs.example.com:443", "https://pbs.example.com:443", "https://pbs.example.com")]
    [InlineData("192.168.1.10:8007", "https://192.168.1.10:8007", "https://192.168.1.10:8007")]
    [InlineData("https://[fd00::1]", "https://[fd00::1]:8007", "https://[fd00::1]:8007")]
    public void Parse_NormalisesPortAndOrigin(string typed, string baseUrl, string origin)
    {
        var address = PbsAddress.Parse(typed);

        Assert.Equal(baseUrl, address.BaseUrl);
        Assert.Equal(origin, address.Origin);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ftp://pbs.example.com")]
    [InlineData("https://pbs.example.com:8007/api2/json")]
    [InlineData("https://pbs.example.com:8007/?x=1")]
    [InlineData("http://pbs.example.com:8007")]
    [InlineData("https://root:secret@pbs.example.com:8007")]
    [InlineData("file:///etc/proxmox-backup")]
    public void TryParse_RejectsWhatIsNotAPbsAddress(string typed)
    {
        Assert.False(PbsAddress.TryParse(typed, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Theory]
    [InlineData("https://pbs.example.com", "https://pbs.example.com:8007")]
    [InlineData("https://pbs.example.com:8007/", "https://pbs.example.com:8007")]
    [InlineData("https://pbs.example.com:443", "https://pbs.example.com")]
    [InlineData("https://PBS.example.com:9000", "https://pbs.example.com:9000")]
    [InlineData(" not an address/with path ", "not an address/with path")]
    public void OriginOf_TypedAddress_IsTheOriginOrTheTextAsTyped(string typed, string expected) => Assert.Equal(expected, PbsAddress.OriginOf(typed));

    [Theory]
    [InlineData("http://pbs.example.com:8007", "HTTPS only")]
    [InlineData("https://root:secret@pbs.example.com:8007", "without a user name or password")]
    public void TryParse_PlainHttpOrUserInfo_SaysWhyWithoutRepeatingTheAddress(string typed, string why)
    {
        Assert.False(PbsAddress.TryParse(typed, out _, out var error));

        Assert.Contains(why, error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error, StringComparison.Ordinal);
    }
}
