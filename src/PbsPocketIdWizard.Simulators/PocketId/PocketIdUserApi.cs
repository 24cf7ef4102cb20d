using System.Text.Json.Nodes;
using static PbsPocketIdWizard.Simulators.PocketId.PocketIdAdminApi;
using static PbsPocketIdWizard.Simulators.PocketId.PocketIdListing;

namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>Users and user groups (§9, §10).</summary>
internal static class PocketIdUserApi
{
    private static readonly Dictionary<string, Func<SimUser, IComparable>> UserColumns = new(StringComparer.Ordinal)
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
    };

    internal static Task ListUsers(PocketIdRequest r) => WriteListAsync(r, r.State.Users,
        (u, search) => Like(u.Email, search) || Like(u.FirstName, search) || Like(u.LastName, search) || Like(u.Username, search),
        UserColumns, u => PocketIdDtos.User(r.State, u));

    /// <summary>Public; the `picture` claim points here (§11.2). A 1×1 PNG stands in for the generated initials.</summary>
    internal static async Task ProfilePicture(PocketIdRequest r)
    {
        _ = RequireUser(r, r.Route("id"));
        r.Http.Response.StatusCode = 200;
        r.Http.Response.ContentType = "image/png";
        await r.Http.Response.Body.WriteAsync(OnePixelPng, r.Http.RequestAborted);
    }

    private static readonly byte[] OnePixelPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private static readonly Dictionary<string, Func<SimGroup, IComparable>> GroupColumns = new(StringComparer.Ordinal)
    {
        ["friendlyName"] = g => g.FriendlyName,
        ["name"] = g => g.Name,
        ["createdAt"] = g => g.CreatedAt,
        ["userCount"] = g => g.UserIds.Count,
    };

    internal static Task ListGroups(PocketIdRequest r) => WriteListAsync(r, r.State.Groups,
        (g, search) => Like(g.Name, search),
        GroupColumns, g => PocketIdDtos.GroupMinimal(g, g.UserIds.Count));

    /// <summary>
    /// POST /api/users: 201 UserDto. `username` 1..50 by the username rule, `email` required while the app config's
    /// `requireUserEmail` is on (the simulator's is), names up to 50 / 100 characters; a taken username is 409.
    /// </summary>
    internal static async Task CreateUser(PocketIdRequest r)
    {
        var input = await r.ReadJsonAsync<UserInput>() ?? new UserInput();
        var problems = new List<FieldProblem>();
        PocketIdValidation.Required(problems, "username", input.Username);
        PocketIdValidation.Username(problems, input.Username);
        PocketIdValidation.Length(problems, "username", input.Username, 1, 50);
        PocketIdValidation.Required(problems, "email", input.Email);
        PocketIdValidation.Length(problems, "firstName", input.FirstName, 0, 50);
        PocketIdValidation.Length(problems, "lastName", input.LastName, 0, 50);
        PocketIdValidation.Length(problems, "displayName", input.DisplayName, 0, 100);
        PocketIdValidation.ThrowIfAny(problems);
        var user = new SimUser(Guid.NewGuid().ToString(), input.Username!, input.Email, input.EmailVerified ?? false, input.FirstName ?? string.Empty,
            string.IsNullOrEmpty(input.LastName) ? null : input.LastName, input.DisplayName ?? string.Empty, input.IsAdmin ?? false,
            input.Disabled ?? false, r.State.Time.GetUtcNow());
        if (!r.State.TryAddUser(user))
        {
            throw Conflict(r, "Username is already in use", "username");
        }

        foreach (var groupId in (input.UserGroupIds ?? []).OfType<string>())
        {
            if (r.State.FindGroup(groupId) is { } group)
            {
                r.State.ReplaceGroupMembers(group.Id, [.. group.UserIds, user.Id]);
            }
        }

        await r.JsonAsync(201, PocketIdDtos.User(r.State, user));
    }

    /// <summary>
    /// Test hook `POST /_sim/users` (form `username`, optional `email`): adds a user the way LDAP sync can, without the
    /// username rule, so a test bed can hold names PBS refuses (whitespace, ':', '/') or ids over 64 characters.
    /// </summary>
    internal static async Task SimAddUser(PocketIdRequest r)
    {
        var form = r.Http.Request.HasFormContentType ? await r.Http.Request.ReadFormAsync(r.Http.RequestAborted) : null;
        var username = form?["username"].ToString();
        if (string.IsNullOrEmpty(username))
        {
            await r.JsonAsync(400, new JsonObject { ["error"] = "form with username expected" });
            return;
        }

        var email = form!["email"].ToString();
        try
        {
            var id = r.State.AddUser(username, email.Length == 0 ? null : email);
            await r.JsonAsync(201, PocketIdDtos.User(r.State, r.State.FindUser(id)!));
        }
        catch (InvalidOperationException ex)
        {
            await r.JsonAsync(409, new JsonObject { ["error"] = ex.Message });
        }
    }

    internal static async Task CreateGroup(PocketIdRequest r)
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

    internal static async Task SetGroupUsers(PocketIdRequest r)
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

    internal static Task DeleteGroup(PocketIdRequest r)
    {
        var group = RequireGroup(r, r.Route("id"));
        r.State.RemoveGroup(group.Id);
        return r.NoContentAsync();
    }

    /// <summary>§9: replaces the user's memberships; unknown group ids are ignored; 200 UserDto.</summary>
    internal static async Task SetUserGroups(PocketIdRequest r)
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
}
