#!/usr/bin/env bash
# The baseline for "requests per sequence" (docs/benchmarks.md): the same job as the wizard's command line — plan,
# apply (waiting for the first sign-in), apply again, plan, undo — with the minimum requests, one curl each.
#
# How the minimum is defined (it does the same job, every check once, nothing else):
# - Every verb but undo checks both connections once: Pocket ID's API key (GET /api/users/me), its version (which
#   client-secret endpoint exists) and its issuer (discovery); PBS's credentials (POST /access/ticket, which also
#   proves reachability and TLS), its version (whether realms have a default flag) and the account's privileges
#   (one GET /access/permissions for /access). No ping, no node status, no separate privilege check per path.
# - Each thing the verb reports or decides on is read once: the client (by name, or by the id kept from apply), the
#   realm list (does the realm exist, which realm is the default), the realm's settings (only when it exists),
#   the user list and the ACL (only when the realm exists).
# - apply writes only what is missing: the client, its secret, the realm (scopes and default flag in the same
#   call), the ACL; it asks PBS once to resolve the issuer (auth-url, the check that PBS reaches Pocket ID) and
#   reads the user list once after the person signed in (it is told so on stdin: no polling).
# - Nothing is verified by reading it back: a write's 2xx answer is taken as done. undo needs no checks: it deletes
#   what its own apply recorded (STATE_DIR) and gives the default flag back.
# TLS stays verified: PBS's self-signed certificate is passed as the only CA (the wizard pins its fingerprint).
#
# Usage: bare-sequence.sh plan|apply|undo STATE_DIR POCKET_ID_URL PBS_URL PBS_CA_PEM API_KEY ROOT_PASSWORD REALM USER
#   apply prints "sign in now" and reads one line from stdin once the person has signed in.
# Needs bash, curl and jq.
set -euo pipefail
verb=$1 state=$2 pid=$3 pbs=$4 ca=$5 key=$6 rootpw=$7 realm=$8 user=$9
client_name='Proxmox Backup Server'
secret=
origin=$(printf '%s' "$pbs" | sed -E 's#^(https?://[^/]+).*#\1#')
mkdir -p "$state"

pid_call() { # METHOD PATH [curl args]
  local method=$1 path=$2; shift 2
  curl -sSf -X "$method" "$pid$path" -H "X-API-Key: $key" "$@"
}
pbs_call() { # METHOD PATH [curl args]
  local method=$1 path=$2; shift 2
  curl -sSf --cacert "$ca" -X "$method" "$pbs/api2/json$path" -b "PBSAuthCookie=$ticket" -H "CSRFPreventionToken: $csrf" "$@"
}
pbs_login() {
  local auth
  auth=$(curl -sSf --cacert "$ca" "$pbs/api2/json/access/ticket" --data-urlencode 'username=root@pam' --data-urlencode "password=$rootpw")
  ticket=$(jq -r .data.ticket <<<"$auth")
  csrf=$(jq -r .data.CSRFPreventionToken <<<"$auth")
}
connect() { # the connection checks, once per verb
  pid_call GET /api/users/me | jq -e '.isAdmin' >/dev/null
  pid_version=$(pid_call GET /api/version/current | jq -r .currentVersion)
  issuer=$(curl -sSf "$pid/.well-known/openid-configuration" | jq -r .issuer)
  pbs_login
  pbs_call GET /version | jq -e .data.version >/dev/null
  pbs_call GET /access/permissions -G --data-urlencode path=/access \
    | jq -e '[.data[] | has("Realm.Allocate") and has("Permissions.Modify") and has("Sys.Audit")] | any' >/dev/null
}
find_client() { # -> client_id ('' when absent)
  if [ -s "$state/client-id" ]; then
    client_id=$(pid_call GET "/api/oidc/clients/$(cat "$state/client-id")" | jq -r .id)
  else
    client_id=$(pid_call GET /api/oidc/clients -G --data-urlencode "search=$client_name" \
      | jq -r --arg n "$client_name" '[.data[] | select(.name == $n)][0].id // ""')
  fi
}
read_realm() { # -> realm_exists, default_holder, and the realm's settings when it exists
  local domains
  domains=$(pbs_call GET /access/domains)
  realm_exists=$(jq -r --arg r "$realm" '[.data[] | select(.realm == $r)] | length' <<<"$domains")
  default_holder=$(jq -r '[.data[] | select(.default == true or .default == 1)][0].realm // ""' <<<"$domains")
  if [ "$realm_exists" != 0 ]; then
    realm_issuer=$(pbs_call GET "/config/access/openid/$realm" | jq -r '.data["issuer-url"]')
  fi
}
user_exists() { pbs_call GET /access/users | jq -e --arg u "$user@$realm" '[.data[] | select(.userid == $u)] | length > 0' >/dev/null; }
acl_exists() {
  pbs_call GET /access/acl -G --data-urlencode path=/ --data-urlencode exact=1 \
    | jq -e --arg u "$user@$realm" '[.data[] | select(.ugid == $u and .roleid == "Admin")] | length > 0' >/dev/null
}

case $verb in
  plan)
    connect
    find_client
    echo "client: ${client_id:-create}"
    read_realm
    if [ "$realm_exists" = 0 ]; then
      echo "realm: create; user: wait for the first sign-in; ACL: create"
    else
      echo "realm: issuer $realm_issuer"
      user_exists && echo "user: exists" || echo "user: wait for the first sign-in"
      acl_exists && echo "ACL: exists" || echo "ACL: create"
    fi
    ;;
  apply)
    connect
    find_client
    if [ -z "$client_id" ]; then
      client_id=$(pid_call POST /api/oidc/clients -H 'Content-Type: application/json' \
        -d "{\"name\":\"$client_name\",\"callbackURLs\":[\"$origin\"],\"logoutCallbackURLs\":[],\"isPublic\":false,\"pkceEnabled\":true,\"requiresReauthentication\":false,\"isGroupRestricted\":false,\"credentials\":{\"federatedIdentities\":[]}}" \
        | jq -r .id)
      echo "$client_id" >"$state/client-id"
      route=secrets; case $pid_version in 0.*|1.*|2.[0-9].*|2.1[0-3].*) route=secret ;; esac
      secret=$(pid_call POST "/api/oidc/clients/$client_id/$route" -H 'Content-Type: application/json' -d '{}' | jq -r .secret)
    fi
    read_realm
    if [ "$realm_exists" = 0 ]; then
      echo "$default_holder" >"$state/previous-default"
      pbs_call POST /config/access/openid --data-urlencode "realm=$realm" --data-urlencode "issuer-url=$issuer" \
        --data-urlencode "client-id=$client_id" --data-urlencode "client-key=$secret" --data-urlencode 'autocreate=1' \
        --data-urlencode 'username-claim=username' --data-urlencode 'scopes=openid profile email groups' \
        --data-urlencode 'default=1' >/dev/null
    fi
    pbs_call POST /access/openid/auth-url --data-urlencode "realm=$realm" --data-urlencode "redirect-url=$origin" >/dev/null
    if [ "$realm_exists" = 0 ] || ! user_exists; then
      echo "sign in now: open $origin, realm $realm, as $user"
      read -r _
      until user_exists; do sleep 2; done
      pbs_call PUT /access/acl --data-urlencode 'path=/' --data-urlencode 'role=Admin' --data-urlencode "auth-id=$user@$realm" \
        --data-urlencode 'propagate=1' >/dev/null
    elif ! acl_exists; then
      pbs_call PUT /access/acl --data-urlencode 'path=/' --data-urlencode 'role=Admin' --data-urlencode "auth-id=$user@$realm" \
        --data-urlencode 'propagate=1' >/dev/null
    fi
    echo "done"
    ;;
  undo)
    pbs_login
    pbs_call PUT /access/acl --data-urlencode 'path=/' --data-urlencode 'role=Admin' --data-urlencode "auth-id=$user@$realm" \
      --data-urlencode 'delete=1' >/dev/null
    pbs_call DELETE "/config/access/openid/$realm" >/dev/null
    previous=$(cat "$state/previous-default" 2>/dev/null || true)
    if [ "$previous" = pam ] || [ "$previous" = pbs ]; then
      pbs_call PUT "/config/access/$previous" --data-urlencode 'default=1' >/dev/null
    fi
    pid_call DELETE "/api/oidc/clients/$(cat "$state/client-id")" >/dev/null
    rm -f "$state/client-id" "$state/previous-default"
    echo "undone"
    ;;
  *) echo "usage: $0 plan|apply|undo STATE_DIR POCKET_ID_URL PBS_URL PBS_CA_PEM API_KEY ROOT_PASSWORD REALM USER" >&2; exit 2 ;;
esac
