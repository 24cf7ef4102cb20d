using Microsoft.Playwright;
using PbsPocketIdWizard.E2E.Tests.Pages;
using PbsPocketIdWizard.E2E.Tests.Support;

namespace PbsPocketIdWizard.E2E.Tests;

public sealed class WizardHappyPathTests : ChromiumPageTest
{
    private static readonly byte[] OnePixelPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    [ChromiumFact]
    public async Task AllSteps_InDemoMode_ConnectPbsToPocketIdWithARealSignIn()
    {
        var wizard = new WizardPage(Page);
        await wizard.OpenAsync(App.SignInLink);
        await Assertions.Expect(wizard.DemoBanner).ToBeVisibleAsync();

        // 1. Pocket ID: pre-filled with the simulator; the test shows version, issuer and admin.
        await wizard.ExpectStepAsync("Pocket ID");
        await wizard.ClickAsync("Test connection");
        await wizard.ExpectStepDoneAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Table)).ToContainTextAsync("Issuer");
        await wizard.ScreenshotAsync("01-pocket-id.png");
        await wizard.NextAsync("Proxmox Backup Server");

        // 2. PBS: its self-signed certificate is offered for trust, then pinned.
        await wizard.ClickAsync("Test connection");
        await Assertions.Expect(wizard.TrustDialog).ToBeVisibleAsync(new() { Timeout = WizardPage.ActionTimeoutMs });
        await Assertions.Expect(wizard.TrustDialog).ToContainTextAsync("Show Fingerprint");
        await wizard.ScreenshotAsync("02-pbs-trust-certificate.png");
        await wizard.TrustDialog.GetByRole(AriaRole.Button, new() { Name = "Trust", Exact = true }).ClickAsync();
        await wizard.ExpectStepDoneAsync();
        await wizard.ScreenshotAsync("02-pbs.png");
        await wizard.NextAsync("OIDC client");

        // 3. OIDC client: callback URL with the PBS port, a logo (previewed, uploaded on apply); plan, then apply.
        await Assertions.Expect(Page.Locator("code.callback-url")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^https://127\.0\.0\.1:\d+$"));
        await Page.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "pbs.png", MimeType = "image/png", Buffer = OnePixelPng });
        await Assertions.Expect(Page.GetByRole(AriaRole.Img, new() { Name = "Logo preview: pbs.png" })).ToBeVisibleAsync();
        await wizard.RestrictToGroupAsync("pbs-admins"); // alice is a member, so her sign-in below still works
        await wizard.PlanAndApplyAsync();
        await wizard.ScreenshotAsync("03-oidc-client.png");
        await wizard.NextAsync("PBS realm");

        // 4. Realm, with the live user-id preview.
        await Assertions.Expect(Page.Locator("code.preview-userid")).ToHaveTextAsync("alice@PocketID", new() { Timeout = WizardPage.ActionTimeoutMs });
        await wizard.PlanAndApplyAsync();
        await wizard.ScreenshotAsync("04-pbs-realm.png");
        await wizard.NextAsync("First sign-in");

        // 5. The pause: a real OpenID sign-in in a second tab; the new PBS user appears live.
        var popup = await Page.RunAndWaitForPopupAsync(() => wizard.PbsSignInLink.ClickAsync());
        var pbs = new PbsSignInPage(popup);
        await pbs.SignInWithPocketIdAsync("PocketID", "alice");
        await Assertions.Expect(pbs.Status).ToHaveTextAsync("Signed in as alice@PocketID", new() { Timeout = WizardPage.ActionTimeoutMs });
        await popup.ScreenshotAsync(new() { Path = Path.Combine(WizardPage.ScreenshotDirectory(), "05-pbs-signed-in.png") });
        await popup.CloseAsync();
        await Assertions.Expect(wizard.UserCheckbox("alice@PocketID")).ToBeVisibleAsync(new() { Timeout = WizardPage.ActionTimeoutMs });
        await Assertions.Expect(wizard.UserCheckbox("alice@PocketID")).ToBeCheckedAsync(); // the first user is pre-selected
        await Assertions.Expect(wizard.Button("Next")).ToHaveCountAsync(0); // Continue is the one primary action
        await wizard.ScreenshotAsync("05-first-sign-in.png");
        await wizard.ClickAsync("Continue");
        await wizard.ExpectStepAsync("Permissions");

        // 6. Permissions: Admin on / for alice (the defaults), plus the realm scopes.
        await Assertions.Expect(Page.GetByText("alice@PocketID").First).ToBeVisibleAsync();
        await wizard.PlanAndApplyAsync();
        await wizard.ScreenshotAsync("06-permissions.png");
        await wizard.NextAsync("Summary");

        // 7. Summary: every check passes.
        await wizard.ClickAsync("Verify everything");
        await wizard.ExpectStepDoneAsync();
        var checklist = Page.GetByRole(AriaRole.List, new() { Name = "Verification checklist" });
        await Assertions.Expect(checklist).ToBeVisibleAsync();
        await Assertions.Expect(checklist).Not.ToContainTextAsync("Failed:");
        await wizard.ScreenshotAsync("07-summary.png");
    }
}
