using System.Net;

namespace PbsPocketIdWizard.Simulators.Pbs;

/// <summary>
/// A minimal stand-in for the PBS login window: realm from /access/domains, password login for pam/pbs, and for an
/// OpenID realm the "Login (OpenID redirect)" button with `redirect-url = window.location.origin` (pbs-api.md §4, §7.5).
/// </summary>
internal static class PbsLoginPage
{
    public static string Html(string nodeName) => Template.Replace("{{NODE}}", WebUtility.HtmlEncode(nodeName), StringComparison.Ordinal);

    private const string Template = """
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{NODE}} - Proxmox Backup Server (simulator)</title>
<style>
  body { font-family: system-ui, sans-serif; background: #f5f5f5; margin: 0; }
  main { max-width: 24rem; margin: 4rem auto; background: #fff; padding: 1.5rem 2rem; border: 1px solid #ccc; border-radius: 4px; }
  h1 { font-size: 1.2rem; margin-top: 0; }
  label { display: block; margin-top: .8rem; font-weight: 600; }
  input, select { width: 100%; box-sizing: border-box; padding: .4rem; margin-top: .2rem; font-size: 1rem; }
  button { margin-top: 1.2rem; padding: .5rem 1rem; font-size: 1rem; }
  #message { margin-top: 1rem; min-height: 1.5em; }
  .error { color: #a40000; }
  .ok { color: #135e13; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<main>
  <h1>Proxmox Backup Server Login</h1>
  <p>Simulator for node <strong>{{NODE}}</strong></p>
  <form id="login" novalidate>
    <div id="password-fields">
      <label for="username">User name</label>
      <input id="username" name="username" autocomplete="username" value="root">
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password">
    </div>
    <div id="totp-fields" hidden>
      <label for="totp">TOTP code</label>
      <input id="totp" name="totp" inputmode="numeric" autocomplete="one-time-code">
    </div>
    <label for="realm">Realm</label>
    <select id="realm" name="realm"></select>
    <button id="submit" type="submit">Login</button>
  </form>
  <div id="message" role="status" aria-live="polite"></div>
</main>
<script>
(function () {
  'use strict';
  var api = '/api2/json';
  var storageKey = 'pbs-sim-openid-login';
  var realmTypes = {};
  var tfa = null;
  var form = document.getElementById('login');
  var realmSelect = document.getElementById('realm');
  var submit = document.getElementById('submit');
  var message = document.getElementById('message');

  function show(text, ok) {
    message.textContent = text;
    message.className = ok ? 'ok' : 'error';
    message.setAttribute('role', ok ? 'status' : 'alert');
  }

  async function post(path, body) {
    var response = await fetch(api + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin'
    });
    var text = await response.text();
    if (!response.ok) { throw new Error(text || ('HTTP ' + response.status)); }
    return JSON.parse(text).data;
  }

  function isOpenId() { return realmTypes[realmSelect.value] === 'openid'; }

  function updateMode() {
    var openid = isOpenId();
    document.getElementById('password-fields').hidden = openid;
    document.getElementById('totp-fields').hidden = openid || tfa === null;
    submit.textContent = openid ? 'Login (OpenID redirect)' : 'Login';
  }

  async function loadRealms() {
    var response = await fetch(api + '/access/domains');
    var realms = (await response.json()).data;
    realms.sort(function (a, b) { return a.realm.localeCompare(b.realm); });
    realms.forEach(function (r) {
      realmTypes[r.realm] = r.type;
      var option = document.createElement('option');
      option.value = r.realm;
      option.textContent = r.comment ? r.comment + ' (' + r.realm + ')' : r.realm;
      if (r['default']) { option.selected = true; }
      realmSelect.appendChild(option);
    });
    updateMode();
  }

  async function openIdRedirect() {
    var realm = realmSelect.value;
    var redirectUrl = window.location.origin;
    try {
      var url = await post('/access/openid/auth-url', { realm: realm, 'redirect-url': redirectUrl });
      sessionStorage.setItem(storageKey, JSON.stringify({ realm: realm, redirectUrl: redirectUrl }));
      window.location.href = url;
    } catch (e) {
      show('OpenID redirect failed, please try again: ' + e.message, false);
    }
  }

  async function passwordLogin() {
    try {
      var data;
      if (tfa === null) {
        var username = document.getElementById('username').value + '@' + realmSelect.value;
        data = await post('/access/ticket', { username: username, password: document.getElementById('password').value });
        if (data.ticket && data.ticket.indexOf('PBS:!tfa!') === 0) {
          tfa = { username: data.username, ticket: data.ticket };
          updateMode();
          show('Second factor required: enter the TOTP code.', true);
          document.getElementById('totp').focus();
          return;
        }
      } else {
        data = await post('/access/ticket', {
          username: tfa.username, 'tfa-challenge': tfa.ticket, password: 'totp:' + document.getElementById('totp').value
        });
        tfa = null;
        updateMode();
      }
      show('Signed in as ' + data.username, true);
    } catch (e) {
      show('Login failed: ' + e.message, false);
    }
  }

  async function finishOpenId(params) {
    var saved = JSON.parse(sessionStorage.getItem(storageKey) || 'null');
    sessionStorage.removeItem(storageKey);
    history.replaceState(null, '', window.location.pathname);
    try {
      var data = await post('/access/openid/login', {
        state: params.get('state'), code: params.get('code'),
        'redirect-url': saved ? saved.redirectUrl : window.location.origin
      });
      show('Signed in as ' + data.username, true);
    } catch (e) {
      show('OpenID login failed: ' + e.message, false);
    }
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (isOpenId()) { openIdRedirect(); } else { passwordLogin(); }
  });
  realmSelect.addEventListener('change', function () { tfa = null; updateMode(); });

  var params = new URLSearchParams(window.location.search);
  loadRealms().then(function () {
    if (params.get('code') && params.get('state')) {
      finishOpenId(params);
    } else if (params.get('error')) {
      show('OpenID login failed: ' + params.get('error') + (params.get('error_description') ? ': ' + params.get('error_description') : ''), false);
      history.replaceState(null, '', window.location.pathname);
    }
  }, function (e) { show('Could not load realms: ' + e.message, false); });
})();
</script>
</body>
</html>
""";
}
