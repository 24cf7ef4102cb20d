#!/usr/bin/env bash
# The baseline for the apply benchmark: the same end state as the wizard's apply (OIDC client + secret in Pocket ID,
# OpenID realm, a pre-created user and its ACL in PBS) with only the minimum requests, one curl each, no checks,
# no idempotency, no journal. Uses the API notes' wire formats (pocket-id-api.md §5.4, §6; pbs-api.md §2.1, §3, §5.2, §6.2).
# PBS's self-signed certificate is trusted by passing it as the only CA (the wizard pins its fingerprint instead);
# TLS verification stays on.
# Usage: bare-setup.sh POCKET_ID_URL PBS_URL PBS_CA_PEM API_KEY ROOT_PASSWORD REALM USER
set -euo pipefail
pid=$1 pbs=$2 ca=$3 key=$4 rootpw=$5 realm=$6 user=$7
# A JSON string field, \uXXXX escapes decoded by bash's printf (System.Text.Json writes + as \u002B).
json_field() { local v; v=$(sed -n "s/.*\"$1\" *: *\"\\([^\"]*\\)\".*/\\1/p"); printf '%b' "$v"; }

# 1. Pocket ID discovery: the exact issuer.
issuer=$(curl -sSf "$pid/.well-known/openid-configuration" | json_field issuer)
# 2. Create the OIDC client; callback = PBS origin with its port (pbs-api.md §7.5).
client=$(curl -sSf -X POST "$pid/api/oidc/clients" -H "X-API-Key: $key" -H 'Content-Type: application/json' \
  -d "{\"name\":\"Proxmox Backup Server\",\"callbackURLs\":[\"$pbs\"],\"logoutCallbackURLs\":[],\"isPublic\":false,\"pkceEnabled\":false,\"requiresReauthentication\":false,\"isGroupRestricted\":false,\"credentials\":{\"federatedIdentities\":[]}}")
client_id=$(printf '%s' "$client" | json_field id | head -1)
# 3. Create its secret (2.14+: /secrets).
secret=$(curl -sSf -X POST "$pid/api/oidc/clients/$client_id/secrets" -H "X-API-Key: $key" -H 'Content-Type: application/json' -d '{}' \
  | json_field secret)
# 4. PBS ticket + CSRF token.
auth=$(curl -sSf --cacert "$ca" "$pbs/api2/json/access/ticket" --data-urlencode 'username=root@pam' --data-urlencode "password=$rootpw")
ticket=$(printf '%s' "$auth" | json_field ticket)
csrf=$(printf '%s' "$auth" | json_field CSRFPreventionToken)
pbs_call() { # METHOD PATH ARGS...
  local method=$1 path=$2; shift 2
  curl -sSf --cacert "$ca" -X "$method" "$pbs/api2/json$path" -b "__Host-PBSAuthCookie=$ticket" -H "CSRFPreventionToken: $csrf" "$@" >/dev/null
}
# 5. The realm, scopes included (the wizard sets them in a later step, as the how-to does).
pbs_call POST /config/access/openid --data-urlencode "realm=$realm" --data-urlencode "issuer-url=$issuer" \
  --data-urlencode "client-id=$client_id" --data-urlencode "client-key=$secret" --data-urlencode 'autocreate=1' \
  --data-urlencode 'username-claim=username' --data-urlencode 'scopes=openid profile email groups'
# 6. Pre-create the user (instead of waiting for the first sign-in).
pbs_call POST /access/users --data-urlencode "userid=$user@$realm"
# 7. The ACL.
pbs_call PUT /access/acl --data-urlencode 'path=/' --data-urlencode 'role=Admin' --data-urlencode "auth-id=$user@$realm" \
  --data-urlencode 'propagate=1'
