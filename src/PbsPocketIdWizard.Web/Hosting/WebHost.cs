namespace PbsPocketIdWizard.Web.Hosting;

/// <summary>The web wizard host (default command).</summary>
public static class WebHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var app = builder.Build();
        app.MapGet("/health", () => Results.Ok(new { status = "Healthy" }));
        await app.RunAsync();
        return 0;
    }
}
