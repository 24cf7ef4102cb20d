using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>The admin REST API under /api (§3, §5–§10, §12).</summary>
internal static class PocketIdAdminApi
{
    public const long MaxLogoBytes = 2 << 20;
    private const int MaxSecretsPerClient = 20;

    private static readonly Dictionary<string, string> LogoTypes = new(StringComparer.Ordinal)
    {
        ["png"] = "image/png",
        ["jpg"] = "image/jpeg",
        ["jpeg"] = "image/jpeg",
        ["svg"] = "image/svg+xml",
        ["ico"] = "image/x-icon",
        ["gif"] = "image/gif",
        ["webp"] = "image/webp",
        ["avif"] = "image/avif",
        ["heic"] = "image/heic",
    };

    public static IEnumerable<PocketIdRoute> Routes(PocketIdProfile profile)
    {
        yield return new("GET", "/healthz", PocketIdAccess.Public, r => r.NoContentAsync());
        yield return new("GET", "/api/application-configuration", PocketIdAccess.Public, r => r.JsonAsync(200, AppConfig(r, includePrivate: false)));
        yield return new("GET", "/api/application-configuration/all", PocketIdAccess.Admin, r => r.JsonAsync(200, AppConfig(r, includePrivate: true)));
        yield return new("GET", "/api/version/latest", PocketIdAccess.Public, r => r.JsonAsync(200, new JsonObject { ["latestVersion"] = r.Profile.VersionText }));
        if (profile.HasVersionEndpoint)
        {
            yield return new("GET", "/api/version/current", PocketIdAccess.AnyUser, r => r.JsonAsync(200, new JsonObject { ["currentVersion"] = r.Profile.VersionText }));
        }

        yield return new("GET", "/api/users/me", PocketIdAccess.AnyUser, r => r.JsonAsync(200, PocketIdDtos.User(r.State, r.User!)));
        yield return new("GET", "/api/users", PocketIdAccess.Admin, ListUsers);
        yield return new("GET", "/api/users/{id}", PocketIdAccess.Admin, r => r.JsonAsync(200, PocketIdDtos.User(r.State, RequireUser(r, r.Route("id")))));
        yield return new("GET", "/api/users/{id}/profile-picture.png", PocketIdAccess.Public, ProfilePicture);
        yield return new("GET", "/api/users/{id}/groups", PocketIdAccess.Admin, r => r.JsonAsync(200,
            new JsonArray(r.State.GroupsOf(RequireUser(r, r.Route("id")).Id).Select(g => (JsonNode?)PocketIdDtos.Group(r.State, g, fresh: false)).ToArray())));

        yield return new("GET", "/api/user-groups", PocketIdAccess.Admin, ListGroups);
        yield return new("POST", "/api/user-groups", PocketIdAccess.Admin, CreateGroup);
        yield return new("GET", "/api/user-groups/{id}", PocketIdAccess.Admin, r => r.JsonAsync(200, PocketIdDtos.Group(r.State, RequireGroup(r, r.Route("id")), fresh: false)));
        yield return new("PUT", "/api/user-groups/{id}/users", PocketIdAccess.Admin, SetGroupUsers);
        yield return new("DELETE", "/api/user-groups/{id}", PocketIdAccess.Admin, DeleteGroup);
        yield return new("PUT", "/api/users/{id}/user-groups", PocketIdAccess.Admin, SetUserGroups);

        yield return new("GET", "/api/oidc/clients", PocketIdAccess.Admin, ListClients);
        yield return new("POST", "/api/oidc/clients", PocketIdAccess.Admin, CreateClient);
        yield return new("GET", "/api/oidc/clients/{id}", PocketIdAccess.Admin, r => r.JsonAsync(200, PocketIdDtos.ClientWithGroups(r.State, RequireClient(r, r.Route("id")), afterCreate: false)));
        yield return new("GET", "/api/oidc/clients/{id}/meta", PocketIdAccess.Public, r => r.JsonAsync(200, PocketIdDtos.ClientMeta(r.Profile, RequireClient(r, r.Route("id")))));
        yield return new("PUT", "/api/oidc/clients/{id}", PocketIdAccess.Admin, UpdateClient);
        yield return new("DELETE", "/api/oidc/clients/{id}", PocketIdAccess.Admin, DeleteClient);
        yield return new("PUT", "/api/oidc/clients/{id}/allowed-user-groups", PocketIdAccess.Admin, SetAllowedGroups);
        if (profile.MultiSecrets)
        {
            yield return new("GET", "/api/oidc/clients/{id}/secrets", PocketIdAccess.Admin, r => r.JsonAsync(200,
                new JsonArray(RequireClient(r, r.Route("id")).Secrets.Select(s => (JsonNode?)PocketIdDtos.Secret(r.State, s)).ToArray())));
            yield return new("POST", "/api/oidc/clients/{id}/secrets", PocketIdAccess.Admin, CreateSecret);
            yield return new("DELETE", "/api/oidc/clients/{id}/secrets/{secretId}", PocketIdAccess.Admin, DeleteSecret);
        }
        else
        {
            yield return new("POST", "/api/oidc/clients/{id}/secret", PocketIdAccess.Admin, ReplaceSecret);
        }

        yield return new("GET", "/api/oidc/clients/{id}/logo", PocketIdAccess.Public, GetLogo);
        yield return new("POST", "/api/oidc/clients/{id}/logo", PocketIdAccess.Admin, UploadLogo);
        yield return new("DELETE", "/api/oidc/clients/{id}/logo", PocketIdAccess.Admin, DeleteLogo);
        yield return new("GET", "/api/oidc/clients/{id}/preview/{userId}", PocketIdAccess.Admin, Preview);
    }

    private static SimUser RequireUser(PocketIdRequest r, string id) =>
        r.State.FindUser(id) ?? throw new PocketIdApiError(404, "user_not_found", "User not found", legacyMessage: "Record not found");

    private static SimGroup RequireGroup(PocketIdRequest r, string id) =>
        r.State.FindGroup(id) ?? throw PocketIdApiError.NotFound("User group");

    private static SimClient RequireClient(PocketIdRequest r, string id) =>
        r.State.FindClient(id) ?? throw PocketIdApiError.NotFound("OIDC client");

    private static JsonArray AppConfig(PocketIdRequest r, bool includePrivate)
    {
        var entries = new (string Key, string Type, string Value)[]
        {
            ("appName", "", "Pocket ID"),
            ("homePageUrl", "", "/settings/account"),
            ("accentColor", "", "default"),
            ("disableAnimations", "", "false"),
            ("allowOwnAccountEdit", "", "true"),
            ("allowUserSignups", "", "disabled"),
            ("requireUserEmail", "", "true"),
            ("emailOneTimeAccessAsUnauthenticatedEnabled", "", "false"),
            ("emailOneTimeAccessAsAdminEnabled", "", "false"),
            ("emailVerificationEnabled", "", "false"),
            ("ldapEnabled", "", "false"),
            ("uiConfigDisabled", "boolean", "false"),
            ("tracingEnabled", "", "false"),
        };
        return new JsonArray(entries.Select(e =>
        {
            var node = new JsonObject { ["key"] = e.Key, ["type"] = e.Type, ["value"] = e.Value };
            if (includePrivate)
            {
                node["isPublic"] = true;
            }

            return (JsonNode?)node;
        }).ToArray());
    }

    // ---------- pagination (§2) ----------

    internal static (List<T> Page, JsonObject Pagination) Paginate<T>(IReadOnlyList<T> items, IQueryCollection query)
    {
        var limit = ParseInt(query["pagination[limit]"]) is { } l and not 0 ? Math.Clamp(l, 1, 100) : 20;
        var page = Math.Max(1, ParseInt(query["pagination[page]"]) ?? 1);
        var totalItems = items.Count;
        var totalPages = Math.Max(1, (totalItems + limit - 1) / limit);
        page = Math.Min(page, totalPages); // past the end → last page, never an empty page
        var slice = items.Skip((page - 1) * limit).Take(limit).ToList();
        return (slice, new JsonObject
        {
            ["totalPages"] = (long)totalPages,
            ["totalItems"] = (long)totalItems,
            ["currentPage"] = page,
            ["itemsPerPage"] = limit,
        });
    }

    private static int? ParseInt(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static IEnumerable<T> Sort<T>(IEnumerable<T> items, IQueryCollection query, IReadOnlyDictionary<string, Func<T, IComparable>> columns)
    {
        var column = query["sort[column]"].ToString();
        if (!columns.TryGetValue(column, out var key))
        {
            return items; // unknown column silently ignored
        }

        return string.Equals(query["sort[direction]"], "desc", StringComparison.Ordinal)
            ? items.OrderByDescending(key)
            : items.OrderBy(key);
    }

    private static bool Like(string? value, string term) =>
        value is not null && value.Contains(term, StringComparison.OrdinalIgnoreCase);

    private static Task WritePage<T>(PocketIdRequest r, IReadOnlyList<T> items, Func<T, JsonNode> map)
    {
        var (page, pagination) = Paginate(items, r.Http.Request.Query);
        return r.JsonAsync(200, new JsonObject
        {
            ["data"] = new JsonArray(page.Select(i => (JsonNode?)map(i)).ToArray()),
            ["pagination"] = pagination,
        });
    }

    // ---------- users and groups (§9, §10) ----------

    private static Task ListUsers(PocketIdRequest r)
    {
        var search = r.Http.Request.Query["search"].ToString();
        var users = r.State.Users.Where(u => search.Length == 0 || Like(u.Email, search) || Like(u.FirstName, search) || Like(u.LastName, search) || Like(u.Username, search));
        var sorted = Sort(users, r.Http.Request.Query, new Dictionary<string, Func<SimUser, IComparable>>
        {
            ["username"] = u => u.Username,
            ["email"] = u => u.Email ?? string.Empty,
            ["firstName"] = u => u.FirstName,
            ["lastName"] = u => u.LastName ?? string.Empty,
            ["displayName"] = u => u.DisplayName,
            ["isAdmin"] = u => u.IsAdmin,
            ["disabled"] = u => u.Disabled,
            ["emailVerified"] = u => u.EmailVerified,
            ["createdAt"] = u => u.CreatedAt,
        }).ToList();
        return WritePage(r, sorted, u => PocketIdDtos.User(r.State, u));
    }

    /// <summary>Public; the `picture` claim points here (§11.2). A 1×1 PNG stands in for the generated initials.</summary>
    private static async Task ProfilePicture(PocketIdRequest r)
    {
        _ = RequireUser(r, r.Route("id"));
        r.Http.Response.StatusCode = 200;
        r.Http.Response.ContentType = "image/png";
        await r.Http.Response.Body.WriteAsync(OnePixelPng, r.Http.RequestAborted);
    }

    private static readonly byte[] OnePixelPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private static Task ListGroups(PocketIdRequest r)
    {
        var search = r.Http.Request.Query["search"].ToString();
        var groups = r.State.Groups.Where(g => search.Length == 0 || Like(g.Name, search));
        var sorted = Sort(groups, r.Http.Request.Query, new Dictionary<string, Func<SimGroup, IComparable>>
        {
            ["friendlyName"] = g => g.FriendlyName,
            ["name"] = g => g.Name,
            ["createdAt"] = g => g.CreatedAt,
            ["userCount"] = g => g.UserIds.Count,
        }).ToList();
        return WritePage(r, sorted, g => PocketIdDtos.GroupMinimal(g, g.UserIds.Count));
    }

    private static async Task CreateGroup(PocketIdRequest r)
    {
        var input = await r.ReadJsonAsync<GroupInput>() ?? new GroupInput();
        var problems = new List<FieldProblem>();
        PocketIdValidation.Required(problems, "friendlyName", input.FriendlyName);
        PocketIdValidation.Length(problems, "friendlyName", input.FriendlyName, 2, 50);
        PocketIdValidation.Required(problems, "name", input.Name);
        PocketIdValidation.Length(problems, "name", input.Name, 2, 255);
        PocketIdValidation.ThrowIfAny(problems);
        var group = new SimGroup(Guid.NewGuid().ToString(), input.FriendlyName!, input.Name!, r.State.Time.GetUtcNow(), []);
        if (!r.State.TryAddGroup(group))
        {
            throw Conflict(r, "Name is already in use", "name");
        }

        await r.JsonAsync(201, PocketIdDtos.Group(r.State, group, fresh: true));
    }

    /// <summary>409 already_in_use (v2.13+), 400 before (§4.2).</summary>
    private static PocketIdApiError Conflict(PocketIdRequest r, string message, string property) =>
        new(r.Profile.StructuredErrors ? 409 : 400, "already_in_use", message, new JsonObject { ["property"] = property },
            legacyMessage: $"{property} is already in use");

    private static async Task SetGroupUsers(PocketIdRequest r)
    {
        var input = await r.ReadJsonAsync<GroupUsersInput>() ?? new GroupUsersInput();
        if (input.UserIds is null)
        {
            throw PocketIdApiError.Validation(new FieldProblem("userIds", "required", "is required"));
        }

        var group = RequireGroup(r, r.Route("id"));
        var ids = input.UserIds.OfType<string>().Where(id => r.State.FindUser(id) is not null).Distinct(StringComparer.Ordinal).ToList();
        r.State.ReplaceGroupMembers(group.Id, ids);
        await r.JsonAsync(200, PocketIdDtos.Group(r.State, r.State.FindGroup(group.Id)!, fresh: false));
    }

    private static Task DeleteGroup(PocketIdRequest r)
    {
        var group = RequireGroup(r, r.Route("id"));
        r.State.RemoveGroup(group.Id);
        return r.NoContentAsync();
    }

    /// <summary>§9: replaces the user's memberships; unknown group ids are ignored; 200 UserDto.</summary>
    private static async Task SetUserGroups(PocketIdRequest r)
    {
        var input = await r.ReadJsonAsync<AllowedGroupsInput>() ?? new AllowedGroupsInput();
        if (input.UserGroupIds is null)
        {
            throw PocketIdApiError.Validation(new FieldProblem("userGroupIds", "required", "is required"));
        }

        var user = RequireUser(r, r.Route("id"));
        var wanted = input.UserGroupIds.OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var group in r.State.Groups)
        {
            var members = group.UserIds.Where(id => id != user.Id).ToList();
            if (wanted.Contains(group.Id))
            {
                members.Add(user.Id);
            }

            r.State.ReplaceGroupMembers(group.Id, members);
        }

        await r.JsonAsync(200, PocketIdDtos.User(r.State, user));
    }

    // ---------- OIDC clients (§5) ----------

    private static Task ListClients(PocketIdRequest r)
    {
        var search = r.Http.Request.Query["search"].ToString();
        var clients = r.State.Clients.Where(c => search.Length == 0 || Like(c.Name, search));
        var sorted = Sort(clients, r.Http.Request.Query, new Dictionary<string, Func<SimClient, IComparable>>
        {
            ["name"] = c => c.Name,
            ["createdAt"] = c => c.CreatedAt,
            ["pkceEnabled"] = c => c.PkceEnabled,
            ["requiresReauthentication"] = c => c.RequiresReauthentication,
            ["requiresPushedAuthorizationRequests"] = c => c.RequiresPushedAuthorizationRequests,
            ["skipConsent"] = c => c.SkipConsent,
            ["isGroupRestricted"] = c => c.IsGroupRestricted,
            ["pkceSupported"] = c => c.PkceSupported,
            ["clientType"] = _ => "standard",
            ["allowedUserGroupsCount"] = c => c.AllowedGroupIds.Count,
        }).ToList();
        return WritePage(r, sorted, c => PocketIdDtos.ClientWithGroupCount(r.State, c));
    }

    private static void ValidateClientInput(ClientInput input, bool create)
    {
        var problems = new List<FieldProblem>();
        if (create)
        {
            PocketIdValidation.ClientId(problems, input.Id);
        }

        PocketIdValidation.Required(problems, "name", input.Name);
        PocketIdValidation.Length(problems, "name", input.Name, 0, 50);
        PocketIdValidation.Length(problems, "description", input.Description, 0, 150);
        PocketIdValidation.CallbackList(problems, "callbackURLs", input.CallbackUrls);
        PocketIdValidation.CallbackList(problems, "logoutCallbackURLs", input.LogoutCallbackUrls);
        PocketIdValidation.Url(problems, "launchURL", input.LaunchUrl);
        PocketIdValidation.TokenDuration(problems, "accessTokenDurationMinutes", input.AccessTokenDurationMinutes);
        PocketIdValidation.TokenDuration(problems, "refreshTokenDurationMinutes", input.RefreshTokenDurationMinutes);
        PocketIdValidation.ThrowIfAny(problems);
    }

    /// <summary>Applies the full-replace semantics of §5.3 to <paramref name="client"/>.</summary>
    private static SimClient Apply(SimClient client, ClientInput input, PocketIdProfile profile)
    {
        var isPublic = input.IsPublic ?? false;
        var pkce = isPublic || (input.PkceEnabled ?? false); // public clients always need PKCE
        var restricted = input.IsGroupRestricted ?? false;
        return client with
        {
            Name = input.Name!,
            Description = input.Description ?? string.Empty,
            CallbackUrls = input.CallbackUrls?.Select(u => u ?? string.Empty).ToList(),
            LogoutCallbackUrls = input.LogoutCallbackUrls?.Select(u => u ?? string.Empty).ToList(),
            IsPublic = isPublic,
            PkceEnabled = pkce,
            PkceSupported = pkce && client.PkceSupported,
            RequiresReauthentication = input.RequiresReauthentication ?? false,
            RequiresPushedAuthorizationRequests = input.RequiresPushedAuthorizationRequests ?? false,
            SkipConsent = input.SkipConsent ?? false,
            LaunchUrl = input.LaunchUrl, // "" passes omitempty and is stored as "" (send null/omit, §5.3)
            IsGroupRestricted = restricted,
            // v2.0+: isGroupRestricted false (or omitted) deletes every allowed-group link (§5.3, §8).
            AllowedGroupIds = profile.HasGroupRestrictedFlag && !restricted ? [] : client.AllowedGroupIds,
            AccessTokenDurationMinutes = input.AccessTokenDurationMinutes is > 0 and var a ? a : 60,
            RefreshTokenDurationMinutes = input.RefreshTokenDurationMinutes is > 0 and var rf ? rf : 43200,
            FederatedIdentities = input.Credentials?.FederatedIdentities?.OfType<SimFederatedIdentity>().ToList() ?? [],
        };
    }

    private static async Task CreateClient(PocketIdRequest r)
    {
        var input = await r.ReadJsonAsync<ClientInput>() ?? new ClientInput();
        ValidateClientInput(input, create: true);
        var id = string.IsNullOrEmpty(input.Id) ? Guid.NewGuid().ToString() : input.Id;
        var client = Apply(new SimClient { Id = id, Name = input.Name!, CreatedAt = r.State.Time.GetUtcNow() }, input, r.Profile);
        if (!r.State.TryAddClient(client))
        {
            throw new PocketIdApiError(r.Profile.StructuredErrors ? 409 : 400, "client_id_already_exists", "Client ID is already in use",
                legacyMessage: "Client ID already in use");
        }

        // The row is committed before any logo download: a failing logoUrl leaves the client behind (§5.3 hazard).
        CheckLogoUrls(input);
        await r.JsonAsync(201, PocketIdDtos.ClientWithGroups(r.State, client, afterCreate: true));
    }

    private static async Task UpdateClient(PocketIdRequest r)
    {
        var input = await r.ReadJsonAsync<ClientInput>() ?? new ClientInput();
        ValidateClientInput(input, create: false);
        var updated = r.State.UpdateClient(r.Route("id"), c => Apply(c, input, r.Profile)) ?? throw PocketIdApiError.NotFound("OIDC client");
        CheckLogoUrls(input);
        await r.JsonAsync(200, PocketIdDtos.ClientWithGroups(r.State, updated, afterCreate: false));
    }

    /// <summary>
    /// §7.3: a non-null logoUrl makes the server download it. The simulator never downloads: private/loopback/invalid URLs
    /// fail like Pocket ID's SSRF guard (400 logoUrl), anything else as an unreachable download (422).
    /// </summary>
    private static void CheckLogoUrls(ClientInput input)
    {
        foreach (var (field, url) in new[] { ("logoUrl", input.LogoUrl), ("darkLogoUrl", input.DarkLogoUrl) })
        {
            if (url is null)
            {
                continue;
            }

            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https") || uri.Host.Length == 0
                || uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IsPrivate(ip)))
            {
                throw new PocketIdApiError(400, "validation_failed", $"{PocketIdApiError.Capitalise(field)} is invalid",
                    new JsonObject { ["fields"] = new JsonArray(new JsonObject { ["field"] = field, ["code"] = "invalid_value", ["message"] = "is invalid" }) });
            }

            throw new PocketIdApiError(422, "logo_download_failed", "Failed to download the logo");
        }
    }

    private static bool IsPrivate(IPAddress ip)
    {
        if (IPAddress.IsLoopback(ip) || ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal)
        {
            return true;
        }

        var b = ip.GetAddressBytes();
        return b.Length == 4 && (b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) || b[0] == 0);
    }

    private static Task DeleteClient(PocketIdRequest r)
    {
        // v2.14: 404 when missing; ≤ v2.13: 204 regardless (§5.1).
        if (!r.State.RemoveClient(r.Route("id")) && r.Profile.MultiSecrets)
        {
            throw PocketIdApiError.NotFound("OIDC client");
        }

        return r.NoContentAsync();
    }

    private static async Task SetAllowedGroups(PocketIdRequest r)
    {
        var input = await r.ReadJsonAsync<AllowedGroupsInput>() ?? new AllowedGroupsInput();
        if (input.UserGroupIds is null)
        {
            throw PocketIdApiError.Validation(new FieldProblem("userGroupIds", "required", "is required"));
        }

        // Unknown ids are silently ignored (§8); isGroupRestricted is not touched.
        var known = input.UserGroupIds.OfType<string>().Where(id => r.State.FindGroup(id) is not null).Distinct(StringComparer.Ordinal).ToList();
        var updated = r.State.UpdateClient(r.Route("id"), c => c with { AllowedGroupIds = known }) ?? throw PocketIdApiError.NotFound("OIDC client");
        await r.JsonAsync(200, PocketIdDtos.Client(r.State, updated));
    }

    // ---------- secrets (§6) ----------

    private static SimClientSecret NewSecret(PocketIdRequest r, string value, DateTimeOffset? expiresAt) =>
        new(Guid.NewGuid().ToString(), value.Length > 4 ? value[..4] : string.Empty, PocketIdSimulatorState.Sha256Hex(value), r.State.Time.GetUtcNow(), expiresAt);

    private static string? ValidatedCustomSecret(SecretInput? input)
    {
        if (string.IsNullOrEmpty(input?.Secret))
        {
            return null;
        }

        var problems = new List<FieldProblem>();
        PocketIdValidation.Length(problems, "secret", input.Secret, 16, int.MaxValue);
        if (problems.Count == 0)
        {
            PocketIdValidation.PrintAscii(problems, "secret", input.Secret);
        }

        PocketIdValidation.ThrowIfAny(problems);
        return input.Secret;
    }

    private static async Task CreateSecret(PocketIdRequest r)
    {
        var input = await r.ReadJsonAsync<SecretInput>(optional: true);
        var custom = ValidatedCustomSecret(input);
        var client = RequireClient(r, r.Route("id"));
        if (client.IsPublic)
        {
            throw PocketIdApiError.Sentence("Cannot create a secret for a public client");
        }

        if (client.Secrets.Count >= MaxSecretsPerClient)
        {
            throw PocketIdApiError.Sentence("A client cannot have more than 20 secrets");
        }

        if (input?.ExpiresAt is { } expires && expires <= r.State.Time.GetUtcNow())
        {
            throw PocketIdApiError.Sentence("The expiration date of a client secret must be in the future");
        }

        var value = custom ?? PocketIdSimulatorState.RandomAlphanumeric(32);
        var secret = NewSecret(r, value, input?.ExpiresAt);
        _ = r.State.UpdateClient(client.Id, c => c with { Secrets = [.. c.Secrets, secret] }) ?? throw PocketIdApiError.NotFound("OIDC client");
        var dto = PocketIdDtos.Secret(r.State, secret);
        dto["secret"] = value; // the only time the value is ever shown
        await r.JsonAsync(201, dto);
    }

    private static async Task DeleteSecret(PocketIdRequest r)
    {
        var client = RequireClient(r, r.Route("id"));
        var secretId = r.Route("secretId");
        if (client.Secrets.All(s => s.Id != secretId))
        {
            throw PocketIdApiError.NotFound("Client secret");
        }

        r.State.UpdateClient(client.Id, c => c with { Secrets = c.Secrets.Where(s => s.Id != secretId).ToList() });
        await r.NoContentAsync();
    }

    /// <summary>≤ v2.13 (§6.2): one secret, replaced on every call, 200 {"secret"}.</summary>
    private static async Task ReplaceSecret(PocketIdRequest r)
    {
        var input = await r.ReadJsonAsync<SecretInput>(optional: true);
        var custom = r.Profile.Version >= new Version(2, 12, 0) ? ValidatedCustomSecret(input) : null;
        var client = RequireClient(r, r.Route("id"));
        if (client.IsPublic && r.Profile.HasGroupRestrictedFlag)
        {
            throw PocketIdApiError.Sentence("Cannot create a secret for a public client");
        }

        var value = custom ?? PocketIdSimulatorState.RandomAlphanumeric(32);
        var secret = NewSecret(r, value, null) with { Prefix = string.Empty };
        r.State.UpdateClient(client.Id, c => c with { Secrets = [secret] });
        await r.JsonAsync(200, new JsonObject { ["secret"] = value });
    }

    // ---------- logos (§7) ----------

    private static bool LightParameter(PocketIdRequest r) =>
        !string.Equals(r.Http.Request.Query["light"].ToString(), "false", StringComparison.OrdinalIgnoreCase);

    private static async Task GetLogo(PocketIdRequest r)
    {
        var client = RequireClient(r, r.Route("id"));
        var logo = (LightParameter(r) ? client.LightLogo : client.DarkLogo ?? client.LightLogo)
            ?? throw new PocketIdApiError(404, "image_not_found", "Image not found");
        r.Http.Response.StatusCode = 200;
        r.Http.Response.ContentType = LogoTypes[logo.Extension];
        await r.Http.Response.Body.WriteAsync(logo.Bytes, r.Http.RequestAborted);
    }

    private static PocketIdApiError TooLarge(PocketIdRequest r) => new(413, "file_too_large", "File must not exceed 2.00 MB",
        new JsonObject { ["max_size"] = "2.00 MB" }, legacyMessage: "The file can't be larger than 2.00 MB");

    private static async Task UploadLogo(PocketIdRequest r)
    {
        var request = r.Http.Request;
        // 2<<20 applies to the whole request body (MaxBytesReader), §7.1.
        if (request.ContentLength > MaxLogoBytes)
        {
            throw TooLarge(r);
        }

        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, r.Http.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxLogoBytes)
            {
                throw TooLarge(r);
            }
        }

        if (!request.HasFormContentType || !(request.ContentType ?? string.Empty).StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw PocketIdApiError.InvalidBody();
        }

        buffer.Position = 0;
        request.Body = buffer;
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(r.Http.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or InvalidOperationException)
        {
            throw PocketIdApiError.InvalidBody();
        }

        var file = form.Files.GetFile("file")
            ?? throw PocketIdApiError.Validation(new FieldProblem("file", "required", "is required"));
        var name = file.FileName;
        var dot = name.LastIndexOf('.');
        // A name without a dot counts as its own "extension" and is rejected (§7.1).
        var extension = dot >= 0 ? name[(dot + 1)..].ToLowerInvariant() : string.Empty;
        if (!LogoTypes.ContainsKey(extension))
        {
            throw new PocketIdApiError(r.Profile.StructuredErrors ? 415 : 400, "file_type_not_supported", "File type is not supported",
                new JsonObject { ["expected_file_type"] = string.Join(", ", LogoTypes.Keys) }, legacyMessage: "File type not supported");
        }

        using var content = new MemoryStream();
        await file.CopyToAsync(content, r.Http.RequestAborted);
        var logo = new SimLogo(extension, content.ToArray());
        var light = LightParameter(r);
        _ = r.State.UpdateClient(r.Route("id"), c => light ? c with { LightLogo = logo } : c with { DarkLogo = logo })
            ?? throw PocketIdApiError.NotFound("OIDC client");
        await r.NoContentAsync();
    }

    private static Task DeleteLogo(PocketIdRequest r)
    {
        var client = RequireClient(r, r.Route("id"));
        var light = LightParameter(r);
        if ((light ? client.LightLogo : client.DarkLogo) is null)
        {
            throw new PocketIdApiError(404, "image_not_found", "Image not found");
        }

        r.State.UpdateClient(client.Id, c => light ? c with { LightLogo = null } : c with { DarkLogo = null });
        return r.NoContentAsync();
    }

    // ---------- claims preview (§5.1, §17 step 9) ----------

    private static Task Preview(PocketIdRequest r)
    {
        var scopesText = r.Http.Request.Query["scopes"].ToString();
        if (scopesText.Length == 0)
        {
            throw PocketIdApiError.Validation(new FieldProblem("scopes", "required", "is required"));
        }

        var client = RequireClient(r, r.Route("id"));
        var user = RequireUser(r, r.Route("userId"));
        var scopes = scopesText.Split(' ', StringSplitOptions.RemoveEmptyEntries); // the code splits on spaces (§14)
        var issuer = r.Issuer;
        var now = r.State.Time.GetUtcNow();
        var idToken = PocketIdTokens.IdTokenClaims(r.State, issuer, client, user, scopes, nonce: null, now, now, accessToken: null);
        var accessToken = PocketIdTokens.AccessTokenClaims(issuer, client, user, scopes, now, Guid.NewGuid().ToString());
        var userInfo = PocketIdTokens.ScopeClaims(r.State, issuer, user, scopes);
        return r.JsonAsync(200, new JsonObject { ["idToken"] = idToken, ["accessToken"] = accessToken, ["userInfo"] = userInfo });
    }
}
