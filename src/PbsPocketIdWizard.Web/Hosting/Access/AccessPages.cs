namespace PbsPocketIdWizard.Web.Hosting.Access;

/// <summary>The gate's own small pages (served before any Blazor content, without a session).</summary>
internal static class AccessPages
{
    public static readonly string SignInNeeded = Page("Sign-in needed", """
        <h1>Sign-in needed</h1>
        <p>Open the sign-in link printed when the wizard started, or enter the wizard's access token.</p>
        <form method="post" action="/sign-in">
        <label for="token">Access token</label><br>
        <input id="token" name="token" type="password" autocomplete="current-password" required style="width: 100%; max-width: 28rem; margin: .5rem 0;"><br>
        <button type="submit">Sign in</button>
        </form>
        """);

    public static readonly string Throttled = Page("Too many attempts",
        "<h1>Too many attempts</h1><p>Too many wrong access tokens. Wait a minute, then open the sign-in link printed when the wizard started.</p>");

    public static readonly string SignedOut = Page("Signed out",
        """<h1>Signed out</h1><p>This browser is signed out of the wizard. <a href="/">Sign in again</a> with the access token.</p>""");

    private static string Page(string title, string body) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
        <body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem;">
        <main>{body}</main>
        </body>
        </html>
        """;
}
