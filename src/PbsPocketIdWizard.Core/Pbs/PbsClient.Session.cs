using System.Net;
using Flurl.Http;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Pbs.Models;
using PbsPocketIdWizard.Core.Security;

namespace PbsPocketIdWizard.Core.Pbs;

/// <summary>The ticket session of a PBS connection: auth headers per call, login (with TOTP or a recovery key), renewal before expiry.</summary>
public sealed partial class PbsClient
{
    /// <summary>
    /// The one place PBS session auth is put on a request: the ticket cookie always, the CSRF header on every method
    /// except GET (pbs-api.md §2.1). API-token auth is a client-wide header set by ApiClientFactory.
    /// </summary>
    private void Authorize(IFlurlRequest request, HttpMethod method)
    {
        if (_token is not null || _session.Ticket is null)
        {
            return;
        }

        request.WithHeader("Cookie", $"{TicketCookieName}={Uri.EscapeDataString(_session.Ticket.Reveal())}");
        if (method != HttpMethod.Get)
        {
            request.WithHeader(CsrfHeaderName, _session.CsrfToken);
        }
    }

    private async Task EnsureSessionAsync(CancellationToken cancellationToken)
    {
        if (_token is not null)
        {
            return;
        }

        await _session.Gate.WaitAsync(cancellationToken);
        try
        {
            if (await KeepOrRenewLockedAsync(cancellationToken))
            {
                return;
            }

            _session.Clear();
            if (await LoginLockedAsync(null, cancellationToken) is PbsLoginResult.SecondFactorRequired or PbsLoginResult.SecondFactorUnusable)
            {
                throw new PbsSecondFactorRequiredException(_userId ?? string.Empty);
            }
        }
        finally
        {
            _session.Gate.Release();
        }
    }

    /// <summary>True when the kept ticket is still good (renewed first when older than the threshold, §2.1).</summary>
    private async Task<bool> KeepOrRenewLockedAsync(CancellationToken cancellationToken)
    {
        if (_session.Ticket is null)
        {
            return false;
        }

        var age = _time.GetUtcNow() - _session.IssuedAt;
        if (age < _options.PbsTicketRenewAfter)
        {
            return true;
        }

        if (age < TicketLifetime)
        {
            // Renew with the still-valid ticket as the password; works for TFA users without a new code.
            try
            {
                var renewed = await RequestTicketAsync(_session.Ticket, null, cancellationToken);
                if (renewed.Ticket is not null && !renewed.IsTfaChallenge && renewed.CsrfPreventionToken is not null)
                {
                    _session.Set(renewed.Ticket, renewed.CsrfPreventionToken, _time.GetUtcNow());
                    return true;
                }
            }
            catch (ExternalApiException ex) when (ex.StatusCode == HttpStatusCode.Unauthorized)
            {
                // The ticket was not accepted any more: a password login follows.
            }
        }

        _session.Clear();
        return false;
    }

    private async Task<PbsLoginResult> LoginLockedAsync(string? secondFactor, CancellationToken cancellationToken)
    {
        if (_password is null || string.IsNullOrEmpty(_userId))
        {
            throw new ExternalApiException(ExternalService.Pbs, null,
                "no password or API token was given; enter the password of the PBS user or an API token");
        }

        var challenge = _session.PendingChallenge;
        if (challenge is null)
        {
            var first = await RequestTicketAsync(_password, null, cancellationToken);
            if (!first.IsTfaChallenge)
            {
                StoreTicket(first);
                return PbsLoginResult.SignedIn;
            }

            challenge = new Secret(first.Ticket ?? string.Empty);
            _session.PendingChallenge = challenge;
            _session.LastOffer = PbsTfaOffer.FromTicket(first.Ticket);
        }

        if (_session.LastOffer is { CanBeTyped: false })
        {
            return PbsLoginResult.SecondFactorUnusable;
        }

        if (string.IsNullOrWhiteSpace(secondFactor))
        {
            return PbsLoginResult.SecondFactorRequired;
        }

        try
        {
            // `totp:CODE` or `recovery:KEY` (proxmox-tfa's TfaResponse); a recovery key is used up by PBS once accepted.
            var second = await RequestTicketAsync(new Secret(PbsSecondFactor.Response(secondFactor)), challenge, cancellationToken);
            if (second.IsTfaChallenge)
            {
                return PbsLoginResult.SecondFactorRequired;
            }

            StoreTicket(second);
            return PbsLoginResult.SignedIn;
        }
        catch (ExternalApiException)
        {
            // A wrong code or an expired challenge (600 s, §2.2): start over next time.
            _session.PendingChallenge = null;
            throw;
        }
    }

    private void StoreTicket(PbsTicketResponse response)
    {
        if (string.IsNullOrEmpty(response.Ticket) || string.IsNullOrEmpty(response.CsrfPreventionToken))
        {
            throw new ExternalApiException(ExternalService.Pbs, HttpStatusCode.OK, "the login answer had no ticket or CSRF token");
        }

        _session.Set(response.Ticket, response.CsrfPreventionToken, _time.GetUtcNow());
    }

    /// <summary>POST /access/ticket as a form (§2.1); the password never goes into the URL.</summary>
    private async Task<PbsTicketResponse> RequestTicketAsync(Secret password, Secret? tfaChallenge, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string> { ["username"] = _userId ?? string.Empty, ["password"] = password.Reveal() };
        if (tfaChallenge is not null)
        {
            form["tfa-challenge"] = tfaChallenge.Reveal();
        }

        var request = _http.Request("api2", "json", "access", "ticket");
        var envelope = await ApiCall.RunAsync(ExternalService.Pbs, _options.RequestTimeout, async () =>
        {
            var response = await request.PostUrlEncodedAsync(form, cancellationToken: cancellationToken);
            return await response.GetJsonAsync<PbsEnvelope<PbsTicketResponse>>();
        }, cancellationToken);
        return ApiCall.Require(ExternalService.Pbs, ApiCall.Require(ExternalService.Pbs, envelope, "the login").Data, "the login");
    }
}
