#!/usr/bin/env node
// Independent probe of the `simulators` command (PBS + Pocket ID simulators).
//
// Every expectation below is written from the specs only:
//   /work/shared/specs/pbs-api.md (cited "pbs §n"), pocket-id-api.md (cited "pid §n"),
//   pbs-apidoc-4.2-wizard-subset.json (cited "pbs schema") and pocket-id-swagger-2.13.yaml.
// It deliberately does not share code or fixtures with the simulators.
//
// Usage: node tests/probe/probe.mjs [path/to/PbsPocketIdWizard.Web.dll]
//        (or env PROBE_WEB_DLL). With env RESULTS=<dir> the counts go to <dir>/probe.passed and <dir>/probe.failed.
// Node 20, no npm dependencies.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import util from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const dll = path.resolve(process.argv[2] ?? process.env.PROBE_WEB_DLL
  ?? path.join(repoRoot, 'src/PbsPocketIdWizard.Web/bin/Release/net10.0/PbsPocketIdWizard.Web.dll'));
const GLOBAL_TIMEOUT_MS = Number(process.env.PROBE_TIMEOUT_MS ?? 300_000);
const STARTUP_TIMEOUT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 20_000;

// ------------------------------------------------------------------------------------------------
// Check bookkeeping

const results = [];

function show(value) {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

function record(name, cite, ok, expected, actual) {
  results.push({ name, ok });
  if (ok) {
    console.log(`PASS ${name}  [${cite}]`);
  } else {
    console.log(`FAIL ${name}  [${cite}]  expected: ${show(expected)}  actual: ${show(actual)}`);
  }
}

function deepEqual(a, b) {
  try {
    return util.isDeepStrictEqual(a, b);
  } catch {
    return false;
  }
}

/** Exact equality check. */
function eq(name, cite, expected, actual) {
  record(name, cite, deepEqual(expected, actual), expected, actual);
}

/** Predicate check; `expected` is a description of what was wanted. */
function ok(name, cite, condition, expected, actual) {
  record(name, cite, Boolean(condition), expected, actual);
}

/** Runs a group of checks; an exception fails the group instead of the whole probe. */
async function group(name, fn) {
  try {
    await fn();
  } catch (error) {
    record(`${name} (aborted)`, 'probe', false, 'the group runs to the end', String(error?.stack ?? error));
  }
}

function reply(r) {
  return { status: r.status, body: r.text.length > 400 ? `${r.text.slice(0, 400)}…` : r.text };
}

// ------------------------------------------------------------------------------------------------
// Processes: start `simulators`, always stop it (process group)

const children = new Set();

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

process.on('exit', () => {
  for (const child of children) {
    killGroup(child, 'SIGKILL');
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.log(`probe: ${signal}, stopping`);
    process.exit(130);
  });
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function freePorts(n) {
  const ports = new Set();
  while (ports.size < n) {
    ports.add(await freePort());
  }
  return [...ports];
}

async function startSimulators({ pbsVersion, pocketIdVersion, extraArgs = [] }) {
  const [pbsPort, pocketIdPort] = await freePorts(2);
  const rootPassword = `pw-${crypto.randomBytes(9).toString('base64url')}`;
  const apiKey = crypto.randomBytes(24).toString('hex');
  const args = [dll, 'simulators', '--pbs-port', String(pbsPort), '--pocket-id-port', String(pocketIdPort),
    '--pbs-root-password', rootPassword, '--pocket-id-api-key', apiKey, '--pocket-id-version', pocketIdVersion];
  if (pbsVersion) {
    args.push('--pbs-version', pbsVersion);
  }
  args.push(...extraArgs);

  const child = spawn('dotnet', args, {
    detached: true, // own process group, so the whole tree can be stopped
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

  const started = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), STARTUP_TIMEOUT_MS);
    const poll = setInterval(() => {
      if (/Press Ctrl\+C/.test(out)) {
        clearInterval(poll); clearTimeout(timer); resolve(true);
      }
    }, 50);
    exited.then(() => { clearInterval(poll); clearTimeout(timer); resolve(false); });
  });

  const sim = {
    child, exited, pbsPort, pocketIdPort, rootPassword, apiKey, secrets: [], pbsVersion: pbsVersion ?? '4.2.3', pocketIdVersion,
    stdout: () => out, stderr: () => err,
  };
  if (!started) {
    await stopSimulators(sim);
    throw new Error(`simulators did not start (dll ${dll})\nstdout:\n${out}\nstderr:\n${err}`);
  }

  sim.pbsOrigin = /PBS simulator\s+(https:\/\/\S+)/.exec(out)?.[1];
  sim.fingerprint = /TLS fingerprint\s+(\S+)/.exec(out)?.[1];
  sim.issuer = /issuer URL\s+(\S+)/.exec(out)?.[1];
  sim.pocketIdOrigin = /Pocket ID simulator\s+(https?:\/\/\S+)/.exec(out)?.[1];
  return sim;
}

/** Stops the process group: SIGTERM, then SIGKILL after 5 s. Returns how it ended ({code, signal, killed}). */
async function stopSimulators(sim) {
  let killed = false;
  if (sim.child.exitCode === null && sim.child.signalCode === null) {
    killGroup(sim.child, 'SIGTERM');
    const done = await Promise.race([sim.exited, new Promise((r) => setTimeout(() => r(null), 5000))]);
    if (done === null) {
      killed = true;
      killGroup(sim.child, 'SIGKILL');
    }
  }
  const end = await sim.exited;
  children.delete(sim.child);
  return { ...end, killed };
}

// ------------------------------------------------------------------------------------------------
// HTTP helpers. PBS: HTTPS pinned to the printed fingerprint; Pocket ID: plain HTTP on loopback.

function pbsFingerprint(der) {
  // pbs §1: SHA-256 over the DER certificate, lower-case hex pairs joined by ':'
  return crypto.createHash('sha256').update(der).digest('hex').match(/../g).join(':');
}

function toPem(der) {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g).join('\n')}\n-----END CERTIFICATE-----\n`;
}

/**
 * Reads the peer certificate once. This single handshake does not verify the chain (a self-signed
 * certificate cannot be verified before we have it); nothing is sent over it, and its certificate is
 * only used if its SHA-256 equals the fingerprint the simulator printed. All API traffic afterwards
 * verifies TLS against that certificate (as the only CA) and re-checks the fingerprint.
 */
function readPeerCertificate(host, port) {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: 'localhost', rejectUnauthorized: false }, () => {
      const cert = socket.getPeerCertificate(true);
      socket.end();
      resolve(cert);
    });
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy(new Error('TLS read timeout')));
    socket.on('error', reject);
  });
}

function pinnedTls(pem, expectedFingerprint) {
  return {
    ca: pem,
    servername: 'localhost',
    rejectUnauthorized: true,
    checkServerIdentity: (hostname, cert) => {
      const identity = tls.checkServerIdentity(hostname, cert);
      if (identity) {
        return identity;
      }
      const actual = pbsFingerprint(cert.raw);
      return actual === expectedFingerprint ? undefined : new Error(`certificate fingerprint ${actual} is not the pinned ${expectedFingerprint}`);
    },
  };
}

function request(url, { method = 'GET', headers: givenHeaders = {}, body, tlsOptions } = {}) {
  let headers = givenHeaders;
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    // Node sends DELETE bodies without any framing header unless told the length (no chunking for DELETE).
    if (body !== undefined && headers['Content-Length'] === undefined) {
      headers = { ...headers, 'Content-Length': Buffer.byteLength(body) };
    }
    const req = lib.request(u, { method, headers, agent: false, timeout: REQUEST_TIMEOUT_MS, ...(tlsOptions ?? {}) }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = text.length ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on('error', reject);
    if (body !== undefined) {
      req.write(body);
    }
    req.end();
  });
}

function formBody(fields) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      params.append(k, String(item));
    }
  }
  return params.toString();
}

/** A PBS API client bound to one simulator, pinned to its certificate. */
function pbsClient(origin, tlsOptions) {
  return async function pbs(method, apiPath, opts = {}) {
    // PBSAuthCookie by default: every PBS version reads it; __Host-PBSAuthCookie only from 3.3.4 (findings #1).
    const { form, json, ticket, csrf, token, cookieName = 'PBSAuthCookie', format = 'json', query } = opts;
    const headers = { ...(opts.headers ?? {}) };
    let body;
    if (form !== undefined) {
      body = formBody(form);
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else if (json !== undefined) {
      body = JSON.stringify(json);
      headers['Content-Type'] = 'application/json';
    }
    if (ticket) {
      headers.Cookie = `${cookieName}=${encodeURIComponent(ticket)}`;
    }
    if (csrf) {
      headers.CSRFPreventionToken = csrf;
    }
    if (token) {
      headers.Authorization = token;
    }
    const qs = query ? `?${formBody(query)}` : '';
    return request(`${origin}/api2/${format}${apiPath}${qs}`, { method, headers, body, tlsOptions });
  };
}

function pocketIdClient(origin, apiKey) {
  return async function pid(method, apiPath, opts = {}) {
    const headers = { ...(opts.headers ?? {}) };
    if (opts.key !== null) {
      headers['X-API-Key'] = opts.key ?? apiKey;
    }
    let body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['Content-Type'] ??= 'application/json';
    } else if (opts.raw !== undefined) {
      body = opts.raw;
    }
    return request(`${origin}${apiPath}`, { method, headers, body });
  };
}

// ------------------------------------------------------------------------------------------------
// PBS checks

const AUTH_FAILED = 'authentication failed';
const DIGEST_MISMATCH = 'detected modified configuration - file changed by other user? Try again.';
const ALL_PRIVS = ['Sys.Audit', 'Sys.Modify', 'Sys.PowerManagement', 'Datastore.Audit', 'Datastore.Allocate', 'Datastore.Modify',
  'Datastore.Read', 'Datastore.Verify', 'Datastore.Backup', 'Datastore.Prune', 'Permissions.Modify', 'Remote.Audit',
  'Remote.Modify', 'Remote.Read', 'Remote.DatastoreBackup', 'Remote.DatastoreModify', 'Remote.DatastorePrune', 'Sys.Console',
  'Tape.Audit', 'Tape.Modify', 'Tape.Write', 'Tape.Read', 'Realm.Allocate'];
const ROLES_42 = {
  Admin: ['Administrator', ALL_PRIVS],
  Audit: ['Auditor', ['Sys.Audit', 'Datastore.Audit']],
  NoAccess: ['Disable Access', []],
  DatastoreAdmin: ['Datastore Administrator', ['Datastore.Audit', 'Datastore.Modify', 'Datastore.Read', 'Datastore.Verify', 'Datastore.Backup', 'Datastore.Prune']],
  DatastoreReader: ['Datastore Reader (inspect datastore content and do restores)', ['Datastore.Audit', 'Datastore.Read', 'Datastore.Verify']],
  DatastoreBackup: ['Datastore Backup (backup and restore owned backups)', ['Datastore.Backup']],
  DatastorePowerUser: ['Datastore PowerUser (backup, restore and prune owned backup)', ['Datastore.Backup', 'Datastore.Prune']],
  DatastoreAudit: ['Datastore Auditor', ['Datastore.Audit']],
  RemoteAudit: ['Remote Auditor', ['Remote.Audit']],
  RemoteAdmin: ['Remote Administrator', ['Remote.Audit', 'Remote.Modify', 'Remote.Read']],
  RemoteSyncOperator: ['Synchronization Operator', ['Remote.Audit', 'Remote.Read']],
  RemoteSyncPushOperator: ['Synchronisation Operator (push direction)', ['Remote.Audit', 'Remote.DatastoreBackup']],
  RemoteDatastorePowerUser: ['Remote Datastore Prune', ['Remote.Audit', 'Remote.DatastoreBackup', 'Remote.DatastorePrune']],
  RemoteDatastoreAdmin: ['Remote Datastore Admin', ['Remote.Audit', 'Remote.DatastoreBackup', 'Remote.DatastoreModify', 'Remote.DatastorePrune']],
  TapeAudit: ['Tape Auditor', ['Tape.Audit']],
  TapeAdmin: ['Tape Administrator', ['Tape.Audit', 'Tape.Modify', 'Tape.Read', 'Tape.Write']],
  TapeOperator: ['Tape Operator', ['Tape.Audit', 'Tape.Read', 'Tape.Write']],
  TapeReader: ['Tape Reader', ['Tape.Audit', 'Tape.Read']],
};

// pbs §6.4: "Within privs, the order follows the privilege table" (the role table's own listing is not ordered).
for (const role of Object.values(ROLES_42)) {
  role[1].sort((a, b) => ALL_PRIVS.indexOf(a) - ALL_PRIVS.indexOf(b));
}

/** The ticket cookie a PBS version reads: `__Host-PBSAuthCookie` from 3.3.4 (proxmox-auth-api 0.4.8), before only `PBSAuthCookie` (findings #1). */
function ticketCookieName(pbsVersion) {
  return atLeast(pbsVersion, '3.3.4') ? '__Host-PBSAuthCookie' : 'PBSAuthCookie';
}

function atLeast(version, minimum) {
  const a = version.split('.').map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) {
      return (a[i] ?? 0) > (b[i] ?? 0);
    }
  }
  return true;
}

function clearsAuthCookie(headers, name) {
  const cookies = [headers['set-cookie'] ?? []].flat();
  return cookies.some((c) => c.startsWith(`${name}=;`) && /Expires=Thu, 01 Jan 1970 00:00:00 GMT/i.test(c));
}

async function pinAndConnect(sim, tag) {
  const P = `${tag}.pbs.tls`;
  const origin = new URL(sim.pbsOrigin);
  eq(`${P}.printed-origin-port`, 'probe: --pbs-port', String(sim.pbsPort), origin.port);
  ok(`${P}.printed-fingerprint-format`, 'pbs §1 (lower-case hex pairs joined by ":", 95 chars)',
    /^[0-9a-f]{2}(:[0-9a-f]{2}){31}$/.test(sim.fingerprint ?? ''), 'aa:bb:… (32 lower-case pairs)', sim.fingerprint);

  const cert = await readPeerCertificate(origin.hostname, Number(origin.port));
  const actual = pbsFingerprint(cert.raw);
  eq(`${P}.fingerprint-matches-printed`, 'pbs §1, §8', sim.fingerprint, actual);
  ok(`${P}.san`, 'pbs §1 (SAN IP 127.0.0.1, DNS localhost)',
    /IP Address:127\.0\.0\.1/.test(cert.subjectaltname ?? '') && /DNS:localhost/.test(cert.subjectaltname ?? ''),
    'IP Address:127.0.0.1 and DNS:localhost', cert.subjectaltname);
  ok(`${P}.subject-o`, 'pbs §1 (O=Proxmox Backup Server)', cert.subject?.O === 'Proxmox Backup Server', 'O=Proxmox Backup Server', cert.subject);

  const pem = toPem(cert.raw);
  const pinned = pinnedTls(pem, sim.fingerprint);

  // Default trust store: a self-signed PBS certificate must not be accepted (TLS validation is on).
  const unpinned = await request(`${sim.pbsOrigin}/api2/json/ping`).then(() => null, (e) => e);
  ok(`${P}.unpinned-refused`, 'pbs §1 (self-signed)', unpinned !== null, 'a TLS verification error', unpinned ? unpinned.code ?? unpinned.message : 'connected');

  // Pinned to a different fingerprint: refused.
  const wrongFp = sim.fingerprint.split(':').map((p, i) => (i === 0 ? (p === '00' ? '01' : '00') : p)).join(':');
  const wrong = await request(`${sim.pbsOrigin}/api2/json/ping`, { tlsOptions: pinnedTls(pem, wrongFp) }).then(() => null, (e) => e);
  ok(`${P}.other-fingerprint-refused`, 'pbs §8 (pinning)', wrong !== null && /fingerprint/.test(wrong.message), 'refused: fingerprint mismatch', wrong ? wrong.message : 'connected');

  const ping = await request(`${sim.pbsOrigin}/api2/json/ping`, { tlsOptions: pinned });
  eq(`${P}.pinned-ping`, 'pbs §8 (GET /ping World)', { status: 200, body: { data: { pong: true } } }, { status: ping.status, body: ping.json });
  sim.pbsTls = pinned;
  return pbsClient(sim.pbsOrigin, pinned);
}

async function login(pbs, sim) {
  const r = await pbs('POST', '/access/ticket', { form: { username: 'root@pam', password: sim.rootPassword } });
  if (r.status !== 200) {
    throw new Error(`root@pam login failed: ${r.status} ${r.text}`);
  }
  return { ticket: r.json.data.ticket, csrf: r.json.data.CSRFPreventionToken };
}

async function pbsAuthChecks(pbs, sim, tag) {
  const P = `${tag}.pbs.auth`;

  // pbs §2.1 ticket answer shape (form)
  const r = await pbs('POST', '/access/ticket', { form: { username: 'root@pam', password: sim.rootPassword } });
  const d = r.json?.data ?? {};
  ok(`${P}.ticket.form.shape`, 'pbs §2.1',
    r.status === 200 && r.json?.status === 200 && r.json?.success === true && d.username === 'root@pam'
      && Object.keys(d).sort().join(',') === 'CSRFPreventionToken,ticket,username',
    '200 {data:{username:"root@pam",ticket,CSRFPreventionToken},status:200,success:true}', reply(r));
  ok(`${P}.ticket.format`, 'pbs §2.1 (PBS:<userid>:<8 upper hex>::<base64 no padding>)',
    /^PBS:root@pam:[0-9A-F]{8}::[A-Za-z0-9+/]+$/.test(d.ticket ?? ''), 'PBS:root@pam:XXXXXXXX::sig', d.ticket);
  ok(`${P}.csrf.format`, 'pbs §2.1 (<8 upper hex>:<base64>)',
    /^[0-9A-F]{8}:[A-Za-z0-9+/]+=*$/.test(d.CSRFPreventionToken ?? ''), 'XXXXXXXX:base64', d.CSRFPreventionToken);
  ok(`${P}.content-type`, 'pbs §1', /^application\/json;\s*charset=UTF-8$/i.test(r.headers['content-type'] ?? ''),
    'application/json;charset=UTF-8', r.headers['content-type']);

  // JSON body, and the extjs format builds the same hand-made body
  const rj = await pbs('POST', '/access/ticket', { json: { username: 'root@pam', password: sim.rootPassword }, format: 'extjs' });
  ok(`${P}.ticket.json-body-extjs`, 'pbs §1 (ticket body same in both formats), §2.1 (form or JSON)',
    rj.status === 200 && rj.json?.success === true && rj.json?.status === 200 && typeof rj.json?.data?.ticket === 'string',
    '200 {data:{…ticket…},status:200,success:true}', reply(rj));

  // http-only: cookie named __Host-PBSAuthCookie, no ticket in the body (PBS >= 4.0.x only, pbs §0, §2.1)
  const rh = await pbs('POST', '/access/ticket', { form: { username: 'root@pam', password: sim.rootPassword, 'http-only': 1 } });
  if (Number(sim.pbsVersion.split('.')[0]) < 4) {
    eq(`${P}.http-only.unknown-before-4.0`, 'pbs §0 (http-only since 4.0.x), §1 (unknown keys → 400)',
      { status: 400, body: "parameter verification failed - 'http-only': schema does not allow additional properties." }, reply(rh));
    return pbsAuthChecksRest(pbs, sim, P, d);
  }
  const setCookie = [rh.headers['set-cookie'] ?? []].flat();
  const authCookie = setCookie.find((c) => c.startsWith('__Host-PBSAuthCookie='));
  ok(`${P}.http-only.cookie`, 'pbs §2.1 (Set-Cookie: __Host-PBSAuthCookie=<ticket>; Secure; SameSite=Lax; HttpOnly; Path=/)',
    rh.status === 200 && authCookie && /;\s*Secure/i.test(authCookie) && /;\s*HttpOnly/i.test(authCookie)
      && /;\s*SameSite=Lax/i.test(authCookie) && /;\s*Path=\//.test(authCookie),
    '__Host-PBSAuthCookie=PBS:…; Secure; SameSite=Lax; HttpOnly; Path=/', { status: rh.status, setCookie });
  ok(`${P}.http-only.body`, 'pbs §2.1 (username, CSRFPreventionToken, ticket-info; no ticket)',
    rh.json?.data && !('ticket' in rh.json.data) && /^PBS:root@pam:[0-9A-F]{8}::ticketinfo$/.test(rh.json.data['ticket-info'] ?? '')
      && typeof rh.json.data.CSRFPreventionToken === 'string',
    '{username, CSRFPreventionToken, ticket-info:"PBS:root@pam:XXXXXXXX::ticketinfo"}', rh.json?.data);
  if (authCookie) {
    const value = decodeURIComponent(authCookie.split(';')[0].slice('__Host-PBSAuthCookie='.length));
    const v = await pbs('GET', '/version', { ticket: value });
    eq(`${P}.http-only.cookie-authenticates`, 'pbs §2.1', 200, v.status);
  }
  return pbsAuthChecksRest(pbs, sim, P, d);
}

async function pbsAuthChecksRest(pbs, sim, P, d) {
  const { ticket, csrf } = { ticket: d.ticket, csrf: d.CSRFPreventionToken };

  // Cookie names: __Host- name and the old fallback
  const v1 = await pbs('GET', '/version', { ticket });
  const [major, minor, patch] = sim.pbsVersion.split('.');
  ok(`${P}.version`, 'pbs §8 ({version:"major.minor",release:"patch",repoid})',
    v1.status === 200 && v1.json?.data?.version === `${major}.${minor}` && v1.json?.data?.release === patch && typeof v1.json?.data?.repoid === 'string',
    { version: `${major}.${minor}`, release: patch, repoid: '<string>' }, reply(v1));
  const v2 = await pbs('GET', '/version', { ticket, cookieName: 'PBSAuthCookie' });
  eq(`${P}.old-cookie-name-accepted`, 'pbs §2.1 (PBSAuthCookie fallback), findings #1 (read by every version)', 200, v2.status);
  const v3 = await pbs('GET', '/version', { ticket, cookieName: '__Host-PBSAuthCookie' });
  const readsHost = atLeast(sim.pbsVersion, '3.3.4');
  eq(`${P}.host-cookie-name-${readsHost ? 'read' : 'ignored'}`,
    'findings #1 (proxmox-auth-api reads __Host-PBSAuthCookie only since 0.4.8 = PBS 3.3.4; before, a ticket there is no credential)',
    readsHost ? 200 : 401, v3.status);

  // Unknown path with credentials: 404 text
  const nf = await pbs('GET', '/nope/x', { ticket });
  eq(`${P}.unknown-path`, 'pbs §1 (404 Path … not found.)', { status: 404, body: "Path '/api2/json/nope/x' not found." }, reply(nf));

  // Delayed 401/403 answers run in parallel to keep the probe short (pbs §1: 401 after ~3 s).
  const tokenName = `probe${crypto.randomBytes(3).toString('hex')}`;
  const tk = await pbs('POST', `/access/users/root@pam/token/${tokenName}`, { form: { comment: 'probe' }, ticket, csrf });
  ok(`${P}.token.create`, 'pbs §2.3 ({tokenid,value})',
    tk.status === 200 && tk.json?.data?.tokenid === `root@pam!${tokenName}` && /^[0-9a-f-]{36}$/.test(tk.json?.data?.value ?? ''),
    { tokenid: `root@pam!${tokenName}`, value: '<uuid>' }, reply(tk));
  const tokenId = tk.json?.data?.tokenid ?? `root@pam!${tokenName}`;
  const secret = tk.json?.data?.value ?? 'none';

  const fmt = await pbs('GET', '/version', { ticket, format: 'xml' });
  eq(`${P}.unsupported-format`, 'pbs §1', { status: 400, body: "Unsupported output format 'xml'." }, reply(fmt));

  await Promise.all([
    (async () => {
      const n = await pbs('GET', '/nope/x');
      eq(`${P}.unknown-path-no-credentials`, 'pbs §1 (without credentials the 401 comes first)', { status: 401, body: AUTH_FAILED }, reply(n));
    })(),
    (async () => {
      const n = await pbs('GET', '/access/users', { format: 'extjs' });
      eq(`${P}.no-credentials.extjs`, 'pbs §1 (401 is the same for extjs)', { status: 401, body: AUTH_FAILED }, reply(n));
    })(),
    (async () => {
      const w = await pbs('POST', '/access/ticket', { form: { username: 'root@pam', password: `${sim.rootPassword}-wrong` } });
      eq(`${P}.wrong-password`, 'pbs §2.1 (401 "permission check failed.")', { status: 401, body: 'permission check failed.' }, reply(w));
    })(),
    (async () => {
      const n = await pbs('GET', '/access/users');
      eq(`${P}.no-credentials`, 'pbs §1, §13.3 (401 "authentication failed")', { status: 401, body: AUTH_FAILED }, reply(n));
      const name = ticketCookieName(sim.pbsVersion);
      ok(`${P}.no-credentials.clears-cookie`, 'pbs §1 (Set-Cookie clearing the ticket cookie on every 401), findings #1 (name by version)',
        clearsAuthCookie(n.headers, name), `${name}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; …`, n.headers['set-cookie']);
    })(),
    (async () => {
      const c = await pbs('POST', '/config/access/openid',
        { form: { realm: 'nocsrf', 'issuer-url': 'https://id.example.com', 'client-id': 'x' }, ticket });
      eq(`${P}.write-without-csrf`, 'pbs §2.1 (missing CSRFPreventionToken → 401)', 401, c.status);
      const g = await pbs('GET', '/config/access/openid/nocsrf', { ticket });
      eq(`${P}.write-without-csrf.not-applied`, 'pbs §3.3', { status: 400, body: "no such openid 'nocsrf'" }, reply(g));
    })(),
    (async () => {
      const c = await pbs('POST', '/config/access/openid',
        { form: { realm: 'badcsrf', 'issuer-url': 'https://id.example.com', 'client-id': 'x' }, ticket, csrf: `${csrf.split(':')[0]}:AAAA` });
      eq(`${P}.write-with-wrong-csrf`, 'pbs §2.1 (wrong CSRF token → 401)', 401, c.status);
    })(),
    (async () => {
      const b = await pbs('GET', '/access/users', { token: `PBSAPIToken=${tokenId}:00000000-0000-0000-0000-000000000000` });
      eq(`${P}.token.bad-secret`, 'pbs §2.3 (401 "authentication failed")', { status: 401, body: AUTH_FAILED }, reply(b));
    })(),
    (async () => {
      // pbs §2.3: a token has no permissions until it gets its own ACL; not a superuser even for root@pam
      const f = await pbs('POST', '/config/access/openid',
        { form: { realm: 'tokrealm', 'issuer-url': 'https://id.example.com', 'client-id': 'x' }, token: `PBSAPIToken=${tokenId}:${secret}` });
      eq(`${P}.token.no-acl-forbidden`, 'pbs §2.3 (privsep: new token has no permissions), §1 (403 "permission check failed")',
        { status: 403, body: 'permission check failed' }, reply(f));
    })(),
  ]);

  // Token header formats, then ACL "/" Admin for the token and a write without CSRF
  const t1 = await pbs('GET', '/access/users', { token: `PBSAPIToken=${tokenId}:${secret}` });
  eq(`${P}.token.header-equals`, 'pbs §2.3 (Authorization: PBSAPIToken=<id>:<secret>)', 200, t1.status);
  const t2 = await pbs('GET', '/access/users', { token: `PBSAPIToken ${tokenId}:${secret}` });
  eq(`${P}.token.header-space`, 'pbs §2.3 (PBSAPIToken <id>:<secret>)', 200, t2.status);
  const acl = await pbs('PUT', '/access/acl', { form: { path: '/', role: 'Admin', 'auth-id': tokenId }, ticket, csrf });
  eq(`${P}.token.acl-admin`, 'pbs §6.2', { status: 200, body: { data: null } }, { status: acl.status, body: acl.json });
  const tw = await pbs('POST', '/config/access/openid',
    { form: { realm: 'tokrealm', 'issuer-url': 'https://id.example.com', 'client-id': 'x' }, token: `PBSAPIToken=${tokenId}:${secret}` });
  eq(`${P}.token.write-without-csrf`, 'pbs §2.3 (no CSRF header with tokens)', { status: 200, body: { data: null } }, { status: tw.status, body: tw.json });
  const tu = await pbs('GET', '/access/users', { query: { include_tokens: 1 }, ticket });
  const root = (tu.json?.data ?? []).find((u) => u.userid === 'root@pam');
  ok(`${P}.users.include_tokens`, 'pbs §5.1 (include_tokens, root@pam "Superuser")',
    root?.comment === 'Superuser' && (root?.tokens ?? []).some((t) => t.tokenid === tokenId) && /^[0-9a-f]{64}$/.test(tu.json?.digest ?? ''),
    `root@pam with comment Superuser and tokens containing ${tokenId}; top-level digest`, tu.json);

  // Logout (World): {"data":{},"status":200,"success":true} and an expiring cookie
  const lo = await pbs('DELETE', '/access/ticket');
  const cookieName = ticketCookieName(sim.pbsVersion);
  ok(`${P}.logout`, 'pbs §2.1 (DELETE /access/ticket), findings #1 (the cookie name this version reads)',
    lo.status === 200 && deepEqual(lo.json, { data: {}, status: 200, success: true }) && clearsAuthCookie(lo.headers, cookieName),
    `200 {"data":{},"status":200,"success":true} + Set-Cookie ${cookieName}=; Expires=1970`, { ...reply(lo), setCookie: lo.headers['set-cookie'] });

  // World-readable endpoints
  const dom = await pbs('GET', '/access/domains');
  const realms = Object.fromEntries((dom.json?.data ?? []).map((x) => [x.realm, x]));
  ok(`${P}.domains.world-readable`, 'pbs §4 (World; pam default:true, pbs; type present)',
    dom.status === 200 && realms.pam?.type === 'pam' && realms.pam?.default === true && realms.pbs?.type === 'pbs'
      && !('default' in (realms.pbs ?? {})),
    'pam {type:pam, default:true}, pbs {type:pbs} (no default key)', reply(dom));

  return { ticket, csrf, tokenId, secret };
}

async function pbsRealmChecks(pbs, auth, tag) {
  const P = `${tag}.pbs.realm`;
  const { ticket, csrf } = auth;
  const create = (form, format) => pbs('POST', '/config/access/openid', { form, ticket, csrf, format });
  const base = { 'issuer-url': 'https://id.example.com', 'client-id': 'probe-client' };
  const bad = (p, reason) => `parameter verification failed - '${p}': ${reason}`;

  const c1 = await create({ realm: 'probe1', ...base, 'client-key': 'k', autocreate: 1, 'username-claim': 'username', comment: 'one' });
  eq(`${P}.create`, 'pbs §3.1 (POST returns null)', { status: 200, body: { data: null } }, { status: c1.status, body: c1.json });
  const g1 = await pbs('GET', '/config/access/openid/probe1', { ticket });
  eq(`${P}.get`, 'pbs §3.2 (kebab-case keys, no type, unset keys left out; client-key returned)',
    { realm: 'probe1', 'issuer-url': 'https://id.example.com', 'client-id': 'probe-client', 'client-key': 'k', autocreate: true, 'username-claim': 'username', comment: 'one' },
    g1.json?.data);
  ok(`${P}.get.digest`, 'pbs §3.4 (top-level digest, sha256 hex)', /^[0-9a-f]{64}$/.test(g1.json?.digest ?? ''), '64 hex chars', g1.json?.digest);
  const list = await pbs('GET', '/config/access/openid', { ticket });
  ok(`${P}.list`, 'pbs §3.1, §3.4 (array + same digest as item)',
    Array.isArray(list.json?.data) && list.json.data.some((x) => x.realm === 'probe1') && list.json?.digest === g1.json?.digest,
    'array containing probe1, digest equal to the item digest', list.json);

  // Digest
  const wrongDigest = '0'.repeat(64);
  const pd = await pbs('PUT', '/config/access/openid/probe1', { form: { comment: 'x', digest: wrongDigest }, ticket, csrf });
  eq(`${P}.put.digest-mismatch`, 'pbs §3.3', { status: 400, body: DIGEST_MISMATCH }, reply(pd));
  // DELETE parameters: body (form) and query string are both read (pbs §1 "Parameter encoding")
  await create({ realm: 'probedel', ...base });
  const dd = await pbs('DELETE', '/config/access/openid/probedel', { form: { digest: wrongDigest }, ticket, csrf });
  eq(`${P}.delete.digest-mismatch.form-body`, 'pbs §1 (DELETE body is form or JSON), §3.3', { status: 400, body: DIGEST_MISMATCH }, reply(dd));
  await create({ realm: 'probedel', ...base });
  const dq = await pbs('DELETE', '/config/access/openid/probedel', { query: { digest: wrongDigest }, ticket, csrf });
  eq(`${P}.delete.digest-mismatch.query`, 'pbs §1 (query string read as well), §3.3', { status: 400, body: DIGEST_MISMATCH }, reply(dq));
  const g1b = await pbs('GET', '/config/access/openid/probe1', { ticket });
  const pg = await pbs('PUT', '/config/access/openid/probe1', { form: { comment: '  two  ', digest: g1b.json?.digest }, ticket, csrf });
  eq(`${P}.put.digest-current`, 'pbs §3.4', 200, pg.status);
  const g2 = await pbs('GET', '/config/access/openid/probe1', { ticket });
  eq(`${P}.put.comment-trimmed`, 'pbs §3.3 (comment trimmed)', 'two', g2.json?.data?.comment);
  ok(`${P}.put.digest-changes`, 'pbs §3.4', g2.json?.digest && g2.json.digest !== g1b.json?.digest, 'a new digest', [g1b.json?.digest, g2.json?.digest]);

  // username-claim is create-only
  const uc = await pbs('PUT', '/config/access/openid/probe1', { form: { 'username-claim': 'email' }, ticket, csrf });
  eq(`${P}.put.username-claim-refused`, 'pbs §3.2', { status: 400, body: bad('username-claim', 'schema does not allow additional properties.') }, reply(uc));
  const del = await pbs('PUT', '/config/access/openid/probe1', { form: { delete: ['client-key', 'comment'] }, ticket, csrf });
  const g3 = await pbs('GET', '/config/access/openid/probe1', { ticket });
  ok(`${P}.put.delete-repeated-key`, 'pbs §1 (array params repeat the key), §3.2 (delete)',
    del.status === 200 && g3.json?.data && !('client-key' in g3.json.data) && !('comment' in g3.json.data) && g3.json.data.autocreate === true,
    'client-key and comment removed, autocreate kept', { put: reply(del), get: g3.json?.data });
  const ni = await pbs('PUT', '/config/access/openid/probe1', { form: { delete: 'issuer-url' }, ticket, csrf });
  eq(`${P}.put.delete-issuer-refused`, 'pbs §3.2 (issuer-url not deletable; enum)',
    { status: 400, body: bad('delete', "value 'issuer-url' is not defined in the enumeration.") }, reply(ni));

  // default: create with default=true moves it; PUT without default clears it
  const cd = await create({ realm: 'probedef', ...base, default: 1 });
  const dom1 = await pbs('GET', '/access/domains');
  const r1 = Object.fromEntries((dom1.json?.data ?? []).map((x) => [x.realm, x]));
  ok(`${P}.default.create-moves`, 'pbs §3.3 (create with default=true clears the others), §4',
    cd.status === 200 && r1.probedef?.default === true && r1.probedef?.type === 'openid' && !r1.pam?.default,
    'probedef {type:openid, default:true}; pam without default', { create: reply(cd), domains: dom1.json?.data });
  const pu = await pbs('PUT', '/config/access/openid/probedef', { form: { comment: 'no default sent' }, ticket, csrf });
  const gd = await pbs('GET', '/config/access/openid/probedef', { ticket });
  ok(`${P}.default.put-without-clears`, 'pbs §3.3 (PUT without default=true clears default)',
    pu.status === 200 && gd.json?.data && gd.json.data.default !== true, 'no default:true after the PUT', gd.json?.data);
  const dom2 = await pbs('GET', '/access/domains');
  ok(`${P}.default.domains-after-clear`, 'pbs §3.3, §4', !(dom2.json?.data ?? []).some((x) => x.default === true && x.realm === 'probedef'),
    'probedef not default', dom2.json?.data);
  const pk = await pbs('PUT', '/config/access/openid/probedef', { form: { default: 1 }, ticket, csrf });
  const gk = await pbs('GET', '/config/access/openid/probedef', { ticket });
  eq(`${P}.default.put-true-sets`, 'pbs §3.3', [200, true], [pk.status, gk.json?.data?.default]);

  // Bad names, missing and extra parameters, types
  const cases = [
    ['name-too-short', { realm: 'a', ...base }, bad('realm', 'value must be at least 2 characters long')],
    ['name-too-long', { realm: 'r'.repeat(33), ...base }, bad('realm', 'value may only be 32 characters long')],
    ['name-space', { realm: 'bad name', ...base }, bad('realm', 'value does not match the regex pattern')],
    ['name-leading-dash', { realm: '-bad', ...base }, bad('realm', 'value does not match the regex pattern')],
    ['missing-client-id', { realm: 'probe2', 'issuer-url': 'https://id.example.com' }, bad('client-id', 'parameter is missing and it is not optional.')],
    ['unknown-param', { realm: 'probe2', ...base, 'groups-claim': 'groups' }, bad('groups-claim', 'schema does not allow additional properties.')],
    ['bad-boolean', { realm: 'probe2', ...base, autocreate: 'maybe' }, bad('autocreate', 'Unable to parse boolean option.')],
    ['duplicate', { realm: 'probe1', ...base }, bad('realm', "realm 'probe1' already exists.")],
    ['duplicate-pam', { realm: 'pam', ...base }, bad('realm', "realm 'pam' already exists.")],
  ];
  for (const [name, form, body] of cases) {
    const r = await create(form);
    eq(`${P}.create.${name}`, 'pbs §1 (parameter errors), §3.2, §3.3', { status: 400, body }, reply(r));
  }
  const jb = await pbs('POST', '/config/access/openid', { json: { realm: 'probe2', ...base, autocreate: 1 }, ticket, csrf });
  eq(`${P}.create.json-integer-boolean`, 'pbs §1 (JSON booleans must be true/false)', { status: 400, body: bad('autocreate', 'Expected boolean value.') }, reply(jb));
  const ex = await create({ realm: 'a', ...base }, 'extjs');
  eq(`${P}.create.extjs-parameter-error`, 'pbs §1 (extjs: HTTP 200, message "parameter verification errors", errors map)',
    { status: 200, body: { message: 'parameter verification errors', errors: { realm: 'value must be at least 2 characters long' }, success: false, status: 400 } },
    { status: ex.status, body: ex.json });

  // Missing realms and other types
  const gn = await pbs('GET', '/config/access/openid/nosuch', { ticket });
  eq(`${P}.get.unknown`, 'pbs §3.3', { status: 400, body: "no such openid 'nosuch'" }, reply(gn));
  const gp = await pbs('GET', '/config/access/openid/pam', { ticket });
  eq(`${P}.get.other-type`, 'pbs §3.3, §4 (pam is a domains.cfg entry in 3.4+)', { status: 400, body: "got unexpected type 'pam' for openid 'pam'" }, reply(gp));
  const pn = await pbs('PUT', '/config/access/openid/nosuch', { form: { comment: 'x' }, ticket, csrf });
  eq(`${P}.put.unknown`, 'pbs §3.3', { status: 400, body: "no such openid 'nosuch'" }, reply(pn));
  const dn = await pbs('DELETE', '/config/access/openid/nosuch', { ticket, csrf });
  eq(`${P}.delete.unknown`, 'pbs §3.3', { status: 404, body: "realm 'nosuch' does not exist." }, reply(dn));
  const ge = await pbs('GET', '/config/access/openid/nosuch', { ticket, format: 'extjs' });
  ok(`${P}.get.unknown.extjs`, 'pbs §1 (extjs errors: HTTP 200, success:false, status)',
    ge.status === 200 && ge.json?.success === false && ge.json?.status === 400 && ge.json?.message === "no such openid 'nosuch'",
    { status: 200, body: { message: "no such openid 'nosuch'", success: false, status: 400 } }, reply(ge));
  const dl = await pbs('DELETE', '/config/access/openid/probe1', { ticket, csrf });
  const ga = await pbs('GET', '/config/access/openid/probe1', { ticket });
  eq(`${P}.delete`, 'pbs §3.1, §3.3', [200, 400], [dl.status, ga.status]);
}

async function pbsAclChecks(pbs, auth, tag) {
  const P = `${tag}.pbs.acl`;
  const { ticket, csrf } = auth;
  const put = (form) => pbs('PUT', '/access/acl', { form, ticket, csrf });
  const bad = (p, reason) => `parameter verification failed - '${p}': ${reason}`;

  const user = `probe${crypto.randomBytes(2).toString('hex')}@pbs`;
  const cu = await pbs('POST', '/access/users', { form: { userid: user, email: 'probe@example.com' }, ticket, csrf });
  eq(`${P}.user.create`, 'pbs §5.2', 200, cu.status);
  const cdup = await pbs('POST', '/access/users', { form: { userid: user }, ticket, csrf });
  eq(`${P}.user.duplicate`, 'pbs §5.2', { status: 400, body: `user '${user}' already exists.` }, reply(cdup));
  const cur = await pbs('POST', '/access/users', { form: { userid: 'x@norealm' }, ticket, csrf });
  eq(`${P}.user.unknown-realm`, 'pbs §5.2', { status: 400, body: "unknown realm 'norealm'" }, reply(cur));

  const cases = [
    ['role-Administrator', { path: '/', role: 'Administrator', 'auth-id': user }, bad('role', "value 'Administrator' is not defined in the enumeration.")],
    ['path-unknown-top', { path: '/vms', role: 'Admin', 'auth-id': user }, "invalid acl path '/vms'."],
    ['path-8-namespace-levels', { path: '/datastore/store1/a/b/c/d/e/f/g/h', role: 'Admin', 'auth-id': user }, "invalid acl path '/datastore/store1/a/b/c/d/e/f/g/h'."],
    ['path-system-unknown', { path: '/system/foo', role: 'Admin', 'auth-id': user }, "invalid acl path '/system/foo'."],
    ['path-trailing-slash', { path: '/datastore/', role: 'Admin', 'auth-id': user }, bad('path', 'value does not match the regex pattern')],
    ['path-space', { path: '/datastore/a b', role: 'Admin', 'auth-id': user }, bad('path', 'value does not match the regex pattern')],
    ['unknown-user', { path: '/', role: 'Admin', 'auth-id': 'nobody@pbs' }, 'no such user.'],
    ['group', { path: '/', role: 'Admin', group: 'admins' }, "parameter 'group' - groups are currently not supported."],
    ['no-auth-id', { path: '/', role: 'Admin' }, "missing 'userid' or 'group' parameter."],
    ['missing-role', { path: '/', 'auth-id': user }, bad('role', 'parameter is missing and it is not optional.')],
  ];
  for (const [name, form, body] of cases) {
    const r = await put(form);
    eq(`${P}.put.${name}`, 'pbs §6.2, §6.3, §14', { status: 400, body }, reply(r));
  }

  const ok1 = await put({ path: '/datastore/store1', role: 'DatastoreBackup', 'auth-id': user });
  const ok2 = await put({ path: '/datastore/store1', role: 'DatastoreReader', 'auth-id': user, propagate: 0 });
  const ok3 = await put({ path: '/datastore/store1/a/b/c/d/e/f/g', role: 'DatastoreAudit', 'auth-id': user });
  eq(`${P}.put.valid`, 'pbs §6.2, §6.3 (7 namespace levels allowed; datastore not checked for existence)', [200, 200, 200], [ok1.status, ok2.status, ok3.status]);
  const list = await pbs('GET', '/access/acl', { query: { path: '/datastore/store1', exact: 1 }, ticket });
  const mine = (list.json?.data ?? []).filter((e) => e.ugid === user)
    .map((e) => ({ path: e.path, ugid: e.ugid, ugid_type: e.ugid_type, propagate: e.propagate, roleid: e.roleid }))
    .sort((a, b) => a.roleid.localeCompare(b.roleid));
  eq(`${P}.get.snake-case-several-roles`, 'pbs §6.1 (snake_case keys), §6.2 (several roles, propagate default true)', [
    { path: '/datastore/store1', ugid: user, ugid_type: 'user', propagate: true, roleid: 'DatastoreBackup' },
    { path: '/datastore/store1', ugid: user, ugid_type: 'user', propagate: false, roleid: 'DatastoreReader' },
  ], mine);
  ok(`${P}.get.digest`, 'pbs §6.1 (top-level digest)', /^[0-9a-f]{64}$/.test(list.json?.digest ?? ''), '64 hex', list.json?.digest);
  const na = await put({ path: '/datastore/store1', role: 'NoAccess', 'auth-id': user });
  const l2 = await pbs('GET', '/access/acl', { query: { path: '/datastore/store1', exact: 1 }, ticket });
  eq(`${P}.put.noaccess-wipes`, 'pbs §6.2 (NoAccess removes the other roles at that path)', [200, ['NoAccess']],
    [na.status, (l2.json?.data ?? []).filter((e) => e.ugid === user).map((e) => e.roleid)]);
  const dg = await put({ path: '/', role: 'Admin', 'auth-id': 'ghost@pbs', delete: 1 });
  eq(`${P}.delete.unknown-user-allowed`, 'pbs §6.2 (deleting for a missing user is allowed)', 200, dg.status);
  const dw = await put({ path: '/', role: 'Admin', 'auth-id': user, digest: '0'.repeat(64) });
  eq(`${P}.put.digest-mismatch`, 'pbs §3.4 (acl.cfg digest), §3.3 (message)', { status: 400, body: DIGEST_MISMATCH }, reply(dw));
}

async function pbsRoleChecks(pbs, auth, tag, pbsVersion) {
  const P = `${tag}.pbs.roles`;
  const r = await pbs('GET', '/access/roles', { ticket: auth.ticket });
  const roles = Object.fromEntries((r.json?.data ?? []).map((x) => [x.roleid, x]));
  const pushRoles = ['RemoteSyncPushOperator', 'RemoteDatastorePowerUser', 'RemoteDatastoreAdmin'];
  const older = !atLeast(pbsVersion, '3.3.0');
  const expectedIds = Object.keys(ROLES_42).filter((id) => !(older && pushRoles.includes(id))).sort();
  eq(`${P}.ids`, `pbs §6.4 (${older ? '15 roles before 3.3' : '18 roles'})`, expectedIds, Object.keys(roles).sort());
  ok(`${P}.no-Administrator`, 'pbs §6.4, §14', !('Administrator' in roles), 'no roleid "Administrator"', Object.keys(roles));
  const privs = older ? ALL_PRIVS.filter((p) => !/^Remote\.Datastore/.test(p)) : ALL_PRIVS;
  for (const id of ['Admin', 'Audit', 'NoAccess', 'DatastoreAdmin', 'DatastoreBackup', 'DatastorePowerUser', 'TapeOperator']) {
    const [comment, p] = ROLES_42[id];
    eq(`${P}.${id}`, 'pbs §6.4 ({roleid,privs,comment}; privs in table order)',
      { roleid: id, privs: id === 'Admin' ? privs : p, comment }, roles[id] && { roleid: roles[id].roleid, privs: roles[id].privs, comment: roles[id].comment });
  }
}

// ------------------------------------------------------------------------------------------------
// Pocket ID checks

const NOT_FOUND_ROUTE = { error: 'API endpoint not found' };

async function pocketIdChecks(pid, sim, tag) {
  const P = `${tag}.pid`;
  const structured = true; // 2.13 and 2.14 both have structured errors (pid §4.1, §13)

  for (const [name, key] of [['no-key', null], ['bad-key', 'not-the-key-0123456789']]) {
    const r = await pid('GET', '/api/oidc/clients', { key });
    const body = r.json ?? {};
    ok(`${P}.auth.${name}`, 'pid §3.2, §4.1 (401 {error:"You are not signed in",code:"not_signed_in",request_id})',
      r.status === 401 && body.error === 'You are not signed in' && body.code === 'not_signed_in'
        && (!structured || (typeof body.request_id === 'string' && body.request_id === r.headers['x-request-id'])) && !('details' in body),
      { status: 401, body: { error: 'You are not signed in', code: 'not_signed_in', request_id: '<= X-Request-ID>' } }, { ...reply(r), xRequestId: r.headers['x-request-id'] });
  }
  const lower = await pid('GET', '/api/users/me', { headers: { 'x-api-key': sim.apiKey }, key: null });
  ok(`${P}.auth.key-header-case-insensitive`, 'pid §1 item 1, §3.1 (X-API-Key, name case-insensitive); isAdmin',
    lower.status === 200 && lower.json?.isAdmin === true, '200 UserDto with isAdmin:true', reply(lower));
  const ver = await pid('GET', '/api/version/current');
  eq(`${P}.version-current`, 'pid §12', { status: 200, body: { currentVersion: sim.pocketIdVersion } }, { status: ver.status, body: ver.json });
  const hz = await pid('GET', '/healthz', { key: null });
  eq(`${P}.healthz`, 'pid §12', 204, hz.status);
  const cc = await pid('GET', '/api/oidc/clients');
  ok(`${P}.cache-control`, 'pid §2 (Cache-Control: private, no-store)', /private/.test(cc.headers['cache-control'] ?? '') && /no-store/.test(cc.headers['cache-control'] ?? ''),
    'private, no-store', cc.headers['cache-control']);

  // Unknown route and wrong method
  const u1 = await pid('GET', '/api/does-not-exist');
  eq(`${P}.unknown-route`, 'pid §2 (404 {"error":"API endpoint not found"})', { status: 404, body: NOT_FOUND_ROUTE }, { status: u1.status, body: u1.json });
  const u2 = await pid('PATCH', '/api/oidc/clients');
  eq(`${P}.wrong-method`, 'pid §2 (wrong method = same 404)', { status: 404, body: NOT_FOUND_ROUTE }, { status: u2.status, body: u2.json });

  // Discovery
  const disc = await pid('GET', '/.well-known/openid-configuration', { key: null });
  const doc = disc.json ?? {};
  eq(`${P}.discovery.issuer-printed`, 'pid §11.1 (issuer = APP_URL)', sim.issuer, doc.issuer);
  ok(`${P}.discovery.issuer-no-trailing-slash`, 'pid §11.1 (no trailing slash, no path, lower case)',
    typeof doc.issuer === 'string' && !doc.issuer.endsWith('/') && new URL(doc.issuer).pathname === '/' && doc.issuer === doc.issuer.toLowerCase(),
    'scheme://host:port', doc.issuer);
  eq(`${P}.discovery.endpoints`, 'pid §11.1', {
    authorization_endpoint: `${doc.issuer}/authorize`, token_endpoint: `${doc.issuer}/api/oidc/token`,
    userinfo_endpoint: `${doc.issuer}/api/oidc/userinfo`, jwks_uri: `${doc.issuer}/.well-known/jwks.json`,
    end_session_endpoint: `${doc.issuer}/api/oidc/end-session`,
  }, {
    authorization_endpoint: doc.authorization_endpoint, token_endpoint: doc.token_endpoint, userinfo_endpoint: doc.userinfo_endpoint,
    jwks_uri: doc.jwks_uri, end_session_endpoint: doc.end_session_endpoint,
  });
  ok(`${P}.discovery.fingerprint`, 'pid §12 (claims_supported has display_name; code_challenge_methods plain,S256)',
    (doc.claims_supported ?? []).includes('display_name') && (doc.claims_supported ?? []).includes('preferred_username')
      && deepEqual(doc.code_challenge_methods_supported, ['plain', 'S256']) && deepEqual(doc.response_types_supported, ['code']),
    'display_name, preferred_username in claims_supported; ["plain","S256"]; ["code"]', doc);
  const is214 = sim.pocketIdVersion === '2.14.0';
  eq(`${P}.discovery.service_documentation`, 'pid §11.1, §13 (v2.14+ only)', is214 ? 'https://pocket-id.org/docs' : undefined, doc.service_documentation);
  const oas = await pid('GET', '/.well-known/oauth-authorization-server', { key: null });
  eq(`${P}.discovery.oauth-authorization-server`, 'pid §11.1, §13 (v2.14+ only)', is214 ? 200 : 404, oas.status);

  // Client create and validation
  const id = `probe-${crypto.randomBytes(4).toString('hex')}`;
  const createBody = {
    id, name: 'Probe PBS', callbackURLs: ['https://pbs.example.com:8007'], logoutCallbackURLs: [], isPublic: false,
    pkceEnabled: false, requiresReauthentication: false, isGroupRestricted: false, credentials: { federatedIdentities: [] },
  };
  const c = await pid('POST', '/api/oidc/clients', { json: createBody });
  ok(`${P}.client.create`, 'pid §5.3, §5.4 (201; no secret created)',
    c.status === 201 && c.json?.id === id && deepEqual(c.json?.callbackURLs, ['https://pbs.example.com:8007']) && c.json?.isPublic === false
      && (c.json?.credentials?.secrets ?? null) === null && (c.json?.allowedUserGroups ?? null) === null,
    '201 {id, callbackURLs:[…], isPublic:false, credentials.secrets null, allowedUserGroups null}', reply(c));
  const dup = await pid('POST', '/api/oidc/clients', { json: createBody });
  ok(`${P}.client.duplicate-id`, 'pid §4.3, §5.3 (409 client_id_already_exists)',
    dup.status === 409 && dup.json?.code === 'client_id_already_exists', '409 client_id_already_exists', reply(dup));
  const nn = await pid('POST', '/api/oidc/clients', { json: { callbackURLs: ['https://x.example.com'] } });
  ok(`${P}.client.name-required`, 'pid §4.1 (400 validation_failed "Name is required", details.fields)',
    nn.status === 400 && nn.json?.code === 'validation_failed' && nn.json?.error === 'Name is required'
      && deepEqual(nn.json?.details?.fields, [{ field: 'name', code: 'required', message: 'is required' }]),
    { error: 'Name is required', code: 'validation_failed', details: { fields: [{ field: 'name', code: 'required', message: 'is required' }] } }, reply(nn));
  const ct = await pid('POST', '/api/oidc/clients', { raw: JSON.stringify({ name: 'x' }), headers: { 'Content-Type': 'text/plain' } });
  ok(`${P}.client.content-type`, 'pid §2 (v2.13+: JSON Content-Type required → 400 invalid_request_body)',
    ct.status === 400 && ct.json?.code === 'invalid_request_body', '400 invalid_request_body', reply(ct));

  // Secrets by version (pid §6, §13)
  if (is214) {
    const s = await pid('POST', `/api/oidc/clients/${id}/secrets`);
    const sb = s.json ?? {};
    ok(`${P}.secrets.v2.14-plural-201`, 'pid §6.1 (201 {id,prefix,createdAt,expiresAt,isActive,secret}; 32 alnum; prefix = first 4)',
      s.status === 201 && /^[A-Za-z0-9]{32}$/.test(sb.secret ?? '') && sb.prefix === sb.secret?.slice(0, 4) && sb.isActive === true
        && sb.expiresAt === null && typeof sb.id === 'string' && typeof sb.createdAt === 'string',
      '201 {id, prefix, createdAt, expiresAt:null, isActive:true, secret}', reply(s));
    const s1 = await pid('POST', `/api/oidc/clients/${id}/secret`);
    eq(`${P}.secrets.v2.14-singular-404`, 'pid §6, §13 (…/secret removed in 2.14)', { status: 404, body: NOT_FOUND_ROUTE }, { status: s1.status, body: s1.json });
    const ls = await pid('GET', `/api/oidc/clients/${id}/secrets`);
    ok(`${P}.secrets.v2.14-list-no-values`, 'pid §6.1 (metadata only, never the value)',
      ls.status === 200 && Array.isArray(ls.json) && ls.json.length === 1 && !('secret' in ls.json[0]) && ls.json[0].prefix === sb.prefix,
      '[{id,prefix,createdAt,expiresAt,isActive}]', reply(ls));
    const del = await pid('DELETE', `/api/oidc/clients/${id}/secrets/${sb.id}`);
    const after = await pid('GET', `/api/oidc/clients/${id}/secrets`);
    ok(`${P}.secrets.v2.14-delete`, 'findings #8 (DELETE …/secrets/{secretId} → 204, then gone from the list)',
      del.status === 204 && (after.json ?? []).length === 0, '204, then no secrets', { del: reply(del), after: reply(after) });
    const md = await pid('DELETE', `/api/oidc/clients/no-such-client-${id}`);
    ok(`${P}.client.delete-missing`, 'pid §5.1 (2.14: 404 not_found)', md.status === 404 && md.json?.code === 'not_found', '404 not_found', reply(md));
  } else {
    const s = await pid('POST', `/api/oidc/clients/${id}/secret`);
    ok(`${P}.secrets.v2.13-singular-200`, 'pid §6.2 (200 {"secret"})',
      s.status === 200 && deepEqual(Object.keys(s.json ?? {}), ['secret']) && /^[A-Za-z0-9]{32}$/.test(s.json?.secret ?? ''),
      '200 {"secret":"<32 alnum>"}', reply(s));
    const s2 = await pid('POST', `/api/oidc/clients/${id}/secrets`);
    eq(`${P}.secrets.v2.13-plural-404`, 'pid §6.3, §13 (…/secrets does not exist before 2.14)', { status: 404, body: NOT_FOUND_ROUTE }, { status: s2.status, body: s2.json });
    const md = await pid('DELETE', `/api/oidc/clients/no-such-client-${id}`);
    eq(`${P}.client.delete-missing`, 'pid §5.1 (≤ 2.13: 204 even if missing)', 204, md.status);
  }

  // The admin audit log the sign-in diagnosis reads (findings "offered": GET /api/audit-logs/all, filters[clientName]).
  const al = await pid('GET', '/api/audit-logs/all?filters%5BclientName%5D=Proxmox%20Backup%20Server&sort%5Bcolumn%5D=createdAt&sort%5Bdirection%5D=desc');
  ok(`${P}.audit-log.all`, 'findings "offered" (admin list: 200 {data:[…], pagination})',
    al.status === 200 && Array.isArray(al.json?.data) && typeof al.json?.pagination === 'object', '200 {data:[…], pagination}', reply(al));
  const alAnon = await pid('GET', '/api/audit-logs/all', { key: null });
  ok(`${P}.audit-log.admin-only`, 'findings "offered" (admin only: no key → 401)', alAnon.status === 401, 401, reply(alAnon));
}

/** Creates a confidential client for `callbacks`, returns {id, secret}, using the version's secret endpoint. */
async function createClientWithSecret(pid, sim, callbacks) {
  const id = `pbs-${crypto.randomBytes(4).toString('hex')}`;
  const c = await pid('POST', '/api/oidc/clients', {
    json: { id, name: 'Proxmox Backup Server', callbackURLs: callbacks, logoutCallbackURLs: [], isPublic: false, pkceEnabled: false, isGroupRestricted: false },
  });
  if (c.status !== 201) {
    throw new Error(`client create failed: ${c.status} ${c.text}`);
  }
  const is214 = sim.pocketIdVersion === '2.14.0';
  const s = await pid('POST', `/api/oidc/clients/${id}/${is214 ? 'secrets' : 'secret'}`);
  if (s.status !== (is214 ? 201 : 200)) {
    throw new Error(`secret create failed: ${s.status} ${s.text}`);
  }
  sim.secrets.push(s.json.secret);
  return { id, secret: s.json.secret };
}

async function signIn(sim, username) {
  const r = await request(`${sim.pocketIdOrigin}/_sim/sign-in`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: formBody({ username }),
  });
  const cookies = [r.headers['set-cookie'] ?? []].flat().map((c) => c.split(';')[0]).filter((c) => !c.endsWith('='));
  if (!(r.status === 204 || r.status === 303) || cookies.length === 0) {
    throw new Error(`/_sim/sign-in ${username}: ${r.status} ${r.text}`);
  }
  return cookies.join('; ');
}

function authorizeUrl(sim, clientId, redirectUri, extra = {}) {
  return authorizeRequest(sim, clientId, redirectUri, extra).url;
}

function authorizeRequest(sim, clientId, redirectUri, extra = {}) {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  const q = new URLSearchParams({
    response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'openid profile email',
    state: crypto.randomBytes(8).toString('hex'), nonce: crypto.randomBytes(8).toString('hex'),
    code_challenge: challenge, code_challenge_method: 'S256', ...extra,
  });
  return { url: `${sim.issuer}/authorize?${q}`, verifier, nonce: q.get('nonce'), state: q.get('state') };
}

function codeFrom(location) {
  if (!location) {
    return null;
  }
  try {
    return new URL(location).searchParams.get('code');
  } catch {
    return null;
  }
}

async function callbackPortChecks(pid, sim, tag) {
  const P = `${tag}.pid.callback`;
  const registered = `https://pbs.example.com:8007`;
  const local = `https://localhost:${sim.pbsPort}`;
  const otherPort = sim.pbsPort === 65535 ? sim.pbsPort - 1 : sim.pbsPort + 1;
  const client = await createClientWithSecret(pid, sim, [registered, local]);
  const cookie = await signIn(sim, 'alice');

  const good = await request(authorizeUrl(sim, client.id, registered), { headers: { Cookie: cookie } });
  ok(`${P}.exact-match-issues-code`, 'pid §11.6 (exact match) — control for the refusals below',
    good.status >= 300 && good.status < 400 && (good.headers.location ?? '').startsWith(`${registered}?`) && codeFrom(good.headers.location),
    `3xx to ${registered}?code=…`, { status: good.status, location: good.headers.location });

  for (const [name, uri] of [['other-port', 'https://pbs.example.com:8008'], ['other-port-localhost', `https://localhost:${otherPort}`],
    ['trailing-slash', `${registered}/`], ['no-port', 'https://pbs.example.com']]) {
    const r = await request(authorizeUrl(sim, client.id, uri), { headers: { Cookie: cookie } });
    ok(`${P}.${name}-refused`, 'pid §11.5, §11.6 (no match → 400 "Invalid callback URL", no redirect, no code)',
      r.status === 400 && !r.headers.location && !codeFrom(r.headers.location),
      '400 page, no Location, no code', { uri, status: r.status, location: r.headers.location, body: r.text.slice(0, 200) });
  }
  // pid §11.6: fosite lets a loopback IP callback use any port (checked with http, RFC 8252 §7.3 native-app style)
  const loop = await createClientWithSecret(pid, sim, ['http://127.0.0.1:9/cb']);
  const lp = await request(authorizeUrl(sim, loop.id, 'http://127.0.0.1:10/cb'), { headers: { Cookie: cookie } });
  ok(`${P}.loopback-ip-any-port-accepted`, 'pid §11.6 (loopback hosts 127.0.0.1/[::1] may use any port)',
    lp.status >= 300 && lp.status < 400 && (lp.headers.location ?? '').startsWith('http://127.0.0.1:10/cb?') && codeFrom(lp.headers.location),
    '3xx to http://127.0.0.1:10/cb?code=…', { status: lp.status, location: lp.headers.location });

  const noSignIn = await request(authorizeUrl(sim, client.id, registered));
  ok(`${P}.not-signed-in-no-code`, 'pid §3.3 (authorize needs a session), §11.5',
    !codeFrom(noSignIn.headers.location) && !/[?&]code=/.test(noSignIn.text), 'no code without a session',
    { status: noSignIn.status, location: noSignIn.headers.location });
}

function decodeJwtPart(part) {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

async function tokenChecks(pid, sim, tag) {
  const P = `${tag}.pid.oidc`;
  const redirect = 'https://pbs.example.com:8007';
  const client = await createClientWithSecret(pid, sim, [redirect]);
  const cookie = await signIn(sim, 'alice');
  const ar = authorizeRequest(sim, client.id, redirect);
  const az = await request(ar.url, { headers: { Cookie: cookie } });
  const code = codeFrom(az.headers.location);
  const basic = (id, secret) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
  const token = (form, auth) => request(`${sim.pocketIdOrigin}/api/oidc/token`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(auth ? { Authorization: auth } : {}) }, body: formBody(form),
  });

  const bad = await token({ grant_type: 'authorization_code', code: 'not-a-code', redirect_uri: redirect, code_verifier: ar.verifier }, basic(client.id, 'wrong-secret-0123456789'));
  ok(`${P}.token.wrong-secret`, 'pid §4.3 (protocol errors are RFC 6749 JSON), §11.3; RFC 6749 §5.2 (invalid_client, 401 with Basic)',
    bad.status === 401 && bad.json?.error === 'invalid_client', '401 {"error":"invalid_client",…}', reply(bad));

  const tr = await token({ grant_type: 'authorization_code', code: code ?? '', redirect_uri: redirect, code_verifier: ar.verifier }, basic(client.id, client.secret));
  const tj = tr.json ?? {};
  ok(`${P}.token.exchange`, 'pid §11.3 ({access_token, token_type:"bearer", expires_in, scope, id_token})',
    tr.status === 200 && typeof tj.access_token === 'string' && tj.token_type === 'bearer' && Number.isInteger(tj.expires_in) && typeof tj.id_token === 'string',
    '200 {access_token, token_type:"bearer", expires_in, scope, id_token}', reply(tr));
  const [h, c, sig] = (tj.id_token ?? '..').split('.');
  const header = decodeJwtPart(h) ?? {};
  const claims = decodeJwtPart(c) ?? {};
  ok(`${P}.id-token.header`, 'pid §11.2 (typ "JWT", issue #440), §11.1 (RS256)', header.typ === 'JWT' && header.alg === 'RS256' && typeof header.kid === 'string',
    { alg: 'RS256', typ: 'JWT', kid: '<kid>' }, header);
  const aud = [claims.aud].flat();
  ok(`${P}.id-token.claims`, 'pid §11.2 (iss, aud = client_id, nonce, sub = user UUID, preferred_username, email, type "id-token")',
    claims.iss === sim.issuer && aud.includes(client.id) && claims.nonce === ar.nonce && /^[0-9a-f-]{36}$/.test(claims.sub ?? '')
      && claims.preferred_username === 'alice' && claims.email === 'alice@example.com' && claims.type === 'id-token',
    { iss: sim.issuer, aud: client.id, nonce: ar.nonce, sub: '<uuid>', preferred_username: 'alice', email: 'alice@example.com', type: 'id-token' }, claims);
  const jwks = await request(`${sim.issuer}/.well-known/jwks.json`);
  const jwk = (jwks.json?.keys ?? []).find((k) => k.kid === header.kid);
  let verified = false;
  if (jwk && sig) {
    try {
      verified = crypto.verify('RSA-SHA256', Buffer.from(`${h}.${c}`), crypto.createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(sig, 'base64url'));
    } catch {
      verified = false;
    }
  }
  ok(`${P}.id-token.signature`, 'pid §11.1 (JWKS at /.well-known/jwks.json, RS256)', verified, 'signature verifies with the JWKS key of the same kid', { kid: header.kid, jwks: jwks.json });

  const ui = await request(`${sim.pocketIdOrigin}/api/oidc/userinfo`, { headers: { Authorization: `Bearer ${tj.access_token}` } });
  ok(`${P}.userinfo`, 'pid §11.2 (same claim map as the ID token)',
    ui.status === 200 && ui.json?.sub === claims.sub && ui.json?.preferred_username === 'alice' && ui.json?.email === 'alice@example.com',
    { sub: claims.sub, preferred_username: 'alice', email: 'alice@example.com' }, reply(ui));
  const un = await request(`${sim.pocketIdOrigin}/api/oidc/userinfo`);
  ok(`${P}.userinfo.no-token`, 'pid §11.2 (RFC 6749 error JSON plus WWW-Authenticate: Bearer …)',
    un.status === 401 && /^Bearer/.test(un.headers['www-authenticate'] ?? '') && typeof un.json?.error === 'string',
    '401, WWW-Authenticate: Bearer error=…, {"error":…}', { ...reply(un), wwwAuthenticate: un.headers['www-authenticate'] });
  const again = await token({ grant_type: 'authorization_code', code: code ?? '', redirect_uri: redirect, code_verifier: ar.verifier }, basic(client.id, client.secret));
  ok(`${P}.token.code-single-use`, 'pid §11.3 (fosite authorization codes), RFC 6749 §4.1.2 (code used once → invalid_grant)',
    again.status === 400 && again.json?.error === 'invalid_grant', '400 {"error":"invalid_grant",…}', reply(again));
}

// ------------------------------------------------------------------------------------------------
// Sign-in round trip: Pocket ID client + PBS realm + auth-url + authorize + openid/login

async function roundTrip(pbs, pid, sim, auth, tag) {
  const P = `${tag}.roundtrip`;
  const { ticket, csrf } = auth;
  const pbsOrigin = sim.pbsOrigin; // pbs §7.5: the redirect URL is the bare origin incl. port
  const client = await createClientWithSecret(pid, sim, [pbsOrigin]);

  const mk = await pbs('POST', '/config/access/openid', {
    form: { realm: 'PocketID', 'issuer-url': sim.issuer, 'client-id': client.id, 'client-key': client.secret, autocreate: 1, 'username-claim': 'username' },
    ticket, csrf,
  });
  eq(`${P}.realm.create`, 'pbs §3.1', 200, mk.status);
  const pre = await pbs('POST', '/access/users', { form: { userid: 'carol@PocketID', password: 'long-enough-pw' }, ticket, csrf });
  eq(`${P}.precreate.with-password`, 'pbs §5.2 (501 for OpenID realms)', { status: 501, body: 'storing passwords is not implemented for OpenID realms' }, reply(pre));
  const at = await pbs('POST', '/access/users', { form: { userid: 'dave@example.com@PocketID' }, ticket, csrf });
  const ul = await pbs('GET', '/access/users', { ticket });
  const ids = (ul.json?.data ?? []).map((u) => u.userid);
  ok(`${P}.precreate.users-exist`, 'pbs §5.2 (user saved before the password step), §5.3 (split at the last @)',
    at.status === 200 && ids.includes('carol@PocketID') && ids.includes('dave@example.com@PocketID'),
    'carol@PocketID and dave@example.com@PocketID listed', { create: reply(at), ids });

  const au = await pbs('POST', '/access/openid/auth-url', { form: { realm: 'PocketID', 'redirect-url': pbsOrigin } });
  const url = au.json?.data;
  ok(`${P}.auth-url`, 'pbs §7.1 (World; data = IdP authorization URL)', au.status === 200 && typeof url === 'string' && url.startsWith(`${sim.issuer}/authorize?`),
    `200 {data:"${sim.issuer}/authorize?…"}`, reply(au));
  const q = url ? new URL(url).searchParams : new URLSearchParams();
  let stateJson;
  try {
    stateJson = JSON.parse(q.get('state'));
  } catch {
    stateJson = undefined;
  }
  eq(`${P}.auth-url.params`, 'pbs §7.1 (code + PKCE S256, redirect_uri = redirect-url, scope "openid" + default "email profile")', {
    response_type: 'code', client_id: client.id, redirect_uri: pbsOrigin, scope: 'openid email profile', code_challenge_method: 'S256',
    has_nonce: true, has_challenge: true, state_realm: 'PocketID', state_has_csrf: true,
  }, {
    response_type: q.get('response_type'), client_id: q.get('client_id'), redirect_uri: q.get('redirect_uri'), scope: q.get('scope'),
    code_challenge_method: q.get('code_challenge_method'), has_nonce: Boolean(q.get('nonce')), has_challenge: Boolean(q.get('code_challenge')),
    state_realm: stateJson?.realm, state_has_csrf: typeof stateJson?.csrf_token === 'string',
  });

  const cookie = await signIn(sim, 'alice');
  const az = await request(url, { headers: { Cookie: cookie } });
  const loc = az.headers.location ?? '';
  const back = loc ? new URL(loc) : null;
  ok(`${P}.authorize.redirect`, 'pid §11.5, §11.6 (3xx to the registered origin with code and the same state; iss §11.1)',
    az.status >= 300 && az.status < 400 && back && back.origin === pbsOrigin && back.searchParams.get('code')
      && back.searchParams.get('state') === q.get('state') && back.searchParams.get('iss') === sim.issuer,
    `3xx ${pbsOrigin}?code=…&state=<same>&iss=${sim.issuer}`, { status: az.status, location: loc });

  const li = await pbs('POST', '/access/openid/login', {
    form: { state: back?.searchParams.get('state') ?? '', code: back?.searchParams.get('code') ?? '', 'redirect-url': pbsOrigin },
  });
  const ld = li.json?.data ?? {};
  ok(`${P}.login`, 'pbs §7.2 (same shape as the ticket answer; userid = preferred_username@realm, §7.4 "username" alias)',
    li.status === 200 && li.json?.success === true && li.json?.status === 200 && ld.username === 'alice@PocketID'
      && /^PBS:alice@PocketID:[0-9A-F]{8}::/.test(ld.ticket ?? '') && typeof ld.CSRFPreventionToken === 'string',
    '200 {data:{username:"alice@PocketID",ticket:"PBS:alice@PocketID:…",CSRFPreventionToken},status:200,success:true}', reply(li));

  const users = await pbs('GET', '/access/users', { ticket });
  const alice = (users.json?.data ?? []).find((u) => u.userid === 'alice@PocketID');
  ok(`${P}.user.autocreated`, 'pbs §5.4 (email copied from the email claim; enabled, no expiry)',
    alice?.email === 'alice@example.com' && alice.enable !== false && !alice.expire,
    '{userid:"alice@PocketID", email:"alice@example.com"}', alice ?? users.json);

  if (ld.ticket) {
    const self = await pbs('GET', '/access/users', { ticket: ld.ticket });
    eq(`${P}.user.sees-only-self`, 'pbs §5.1 (without Sys.Audit only yourself), §5.4 (no permissions)',
      [200, ['alice@PocketID']], [self.status, (self.json?.data ?? []).map((u) => u.userid)]);
  }

  // Failure paths that answer 401 after ~3 s run in parallel.
  const mail = await pbs('POST', '/config/access/openid', {
    form: { realm: 'PocketMail', 'issuer-url': sim.issuer, 'client-id': client.id, 'client-key': client.secret, autocreate: 1, 'username-claim': 'email' }, ticket, csrf,
  });
  const noauto = await pbs('POST', '/config/access/openid', {
    form: { realm: 'NoAuto', 'issuer-url': sim.issuer, 'client-id': client.id, 'client-key': client.secret, 'username-claim': 'username' }, ticket, csrf,
  });
  const slash = await pbs('POST', '/config/access/openid', {
    form: { realm: 'Slash', 'issuer-url': `${sim.issuer}/`, 'client-id': client.id, 'client-key': client.secret }, ticket, csrf,
  });
  eq(`${P}.more-realms.create`, 'pbs §3.1', [200, 200, 200], [mail.status, noauto.status, slash.status]);

  const bobCookie = await signIn(sim, 'bob');
  const flow = async (realm, sessionCookie) => {
    const a = await pbs('POST', '/access/openid/auth-url', { form: { realm, 'redirect-url': pbsOrigin } });
    const z = await request(a.json?.data, { headers: { Cookie: sessionCookie } });
    const b = new URL(z.headers.location);
    return pbs('POST', '/access/openid/login', { form: { state: b.searchParams.get('state'), code: b.searchParams.get('code'), 'redirect-url': pbsOrigin } });
  };
  await Promise.all([
    (async () => {
      const r = await flow('PocketMail', bobCookie);
      eq(`${P}.bob.email-claim-missing`, 'pbs §7.2, §7.4 (401 "missing claim \'email\'"); pid §11.2 (no email claim without an e-mail)',
        { status: 401, body: "missing claim 'email'" }, reply(r));
    })(),
    (async () => {
      const r = await flow('NoAuto', cookie);
      eq(`${P}.no-autocreate`, 'pbs §7.3 step 7 (autocreate off)', { status: 401, body: "user account 'alice@NoAuto' missing, disabled or expired." }, reply(r));
    })(),
    (async () => {
      const r = await pbs('POST', '/access/openid/auth-url', { form: { realm: 'Slash', 'redirect-url': pbsOrigin } });
      eq(`${P}.issuer-trailing-slash`, 'pbs §7.1, §7.6 (issuer must be string-identical)',
        { status: 400, body: `Validation error: unexpected issuer URI \`${sim.issuer}\` (expected \`${sim.issuer}/\`)` }, reply(r));
    })(),
    (async () => {
      const r = await pbs('POST', '/access/openid/auth-url', { form: { realm: 'NoSuchRealm', 'redirect-url': pbsOrigin } });
      eq(`${P}.auth-url.unknown-realm`, 'pbs §7.1', { status: 400, body: "no such openid 'NoSuchRealm'" }, reply(r));
    })(),
    (async () => {
      const r = await pbs('POST', '/access/openid/login', { form: { state: '{"csrf_token":"nope","realm":"PocketID"}', code: 'x', 'redirect-url': pbsOrigin } });
      eq(`${P}.login.unknown-state`, 'pbs §7.3 step 1', { status: 401, body: 'no openid auth state found (possible timeout)' }, reply(r));
    })(),
    (async () => {
      const r = await pbs('POST', '/access/openid/login', { form: { state: 's', code: 'x' } });
      eq(`${P}.login.missing-redirect-url`, 'pbs §7.2 (missing parameter = normal 400)',
        { status: 400, body: "parameter verification failed - 'redirect-url': parameter is missing and it is not optional." }, reply(r));
    })(),
    (async () => {
      // alice's new ticket has no Realm.Allocate: 403 after ~0.5 s
      if (ld.ticket) {
        const r = await pbs('GET', '/config/access/openid', { ticket: ld.ticket });
        eq(`${P}.user.no-permissions`, 'pbs §2.4, §1 (403 "permission check failed"), §5.4', { status: 403, body: 'permission check failed' }, reply(r));
      }
    })(),
  ]);
}

// ------------------------------------------------------------------------------------------------
// Older PBS profile (3.2.4): no `default` property (pbs §0 version table, §14)

async function oldPbsChecks(pbs, auth, tag) {
  const P = `${tag}.pbs.old`;
  const { ticket, csrf } = auth;
  const r = await pbs('POST', '/config/access/openid', {
    form: { realm: 'olddef', 'issuer-url': 'https://id.example.com', 'client-id': 'x', default: 1 }, ticket, csrf,
  });
  eq(`${P}.default-refused`, 'pbs §0 (default since 3.3.7), §14 ("older PBS rejects default")',
    { status: 400, body: "parameter verification failed - 'default': schema does not allow additional properties." }, reply(r));
  const dom = await pbs('GET', '/access/domains');
  const realms = Object.fromEntries((dom.json?.data ?? []).map((x) => [x.realm, x]));
  ok(`${P}.domains`, 'pbs §4 (<3.4: pam default:true and pbs hard-coded)', realms.pam?.default === true && realms.pbs?.type === 'pbs',
    'pam default:true, pbs', dom.json);
  const pam = await pbs('PUT', '/config/access/pam', { form: { comment: 'x' }, ticket, csrf });
  eq(`${P}.pam-config-path-absent`, 'findings "Matches" (PUT /config/access/pam|pbs exist from 3.3.7)', 404, pam.status);
}

// PBS 3.3.7+: the built-in realms have their own config paths, with the digest of every config update (findings "Matches").
async function builtinRealmChecks(pbs, auth, tag) {
  const P = `${tag}.pbs.builtin-realms`;
  const { ticket, csrf } = auth;
  const g = await pbs('GET', '/config/access/pbs', { ticket });
  ok(`${P}.get`, 'findings "Matches" (GET /config/access/pbs, with digest)', g.status === 200 && typeof g.json?.digest === 'string',
    '200 with digest', reply(g));
  const stale = await pbs('PUT', '/config/access/pbs', { form: { comment: 'probe', digest: '0'.repeat(64) }, ticket, csrf });
  eq(`${P}.stale-digest`, 'pbs §3.4 (digest mismatch), findings "Matches" (same rules as openid)', { status: 400, body: DIGEST_MISMATCH }, reply(stale));
  const fresh = await pbs('PUT', '/config/access/pbs', { form: { comment: 'probe', digest: g.json?.digest ?? '' }, ticket, csrf });
  eq(`${P}.current-digest`, 'pbs §3.4', 200, fresh.status);
}

// ------------------------------------------------------------------------------------------------
// Pocket ID client rules from the real source (real-source-findings.md #3, #5, #8, "Offered")

async function pidClientRuleChecks(pid, sim, tag) {
  const P = `${tag}.pid.client-rules`;
  const id = `rules-${crypto.randomBytes(4).toString('hex')}`;
  const base = { name: 'Rules', callbackURLs: ['https://pbs.example.com:8007'] };
  const c = await pid('POST', '/api/oidc/clients', { json: { id, ...base, pkceEnabled: true } });
  const put = await pid('PUT', `/api/oidc/clients/${id}`, { json: base });
  eq(`${P}.pkce-reset-by-full-put`, 'findings #3 (a full-replace PUT without pkceEnabled resets it)',
    { created: true, afterPut: false }, { created: c.json?.pkceEnabled, afterPut: put.json?.pkceEnabled });

  // Logo types and the dark-mode logo (findings "Offered": png, jpg, svg, webp, ico, gif, avif; ?light=false)
  const types = { png: 'image/png', jpg: 'image/jpeg', svg: 'image/svg+xml', webp: 'image/webp', ico: 'image/x-icon', gif: 'image/gif', avif: 'image/avif' };
  const uploaded = {};
  for (const ext of Object.keys(types)) {
    const up = await uploadLogo(pid, id, `logo.${ext}`, true);
    const got = await pid('GET', `/api/oidc/clients/${id}/logo`, { key: null });
    uploaded[ext] = [up.status, got.headers['content-type']];
  }
  eq(`${P}.logo-types`, 'findings "Offered" (logo types Pocket ID accepts; pid §7)',
    Object.fromEntries(Object.entries(types).map(([ext, type]) => [ext, [204, type]])), uploaded);
  const dark = await uploadLogo(pid, id, 'dark.svg', false);
  const light = await uploadLogo(pid, id, 'light.png', true);
  const getDark = await pid('GET', `/api/oidc/clients/${id}/logo?light=false`, { key: null });
  const getLight = await pid('GET', `/api/oidc/clients/${id}/logo`, { key: null });
  eq(`${P}.dark-logo`, 'findings "Offered" (dark-mode logo: POST/GET …/logo?light=false)',
    [204, 204, 'image/svg+xml', 'image/png'], [dark.status, light.status, getDark.headers['content-type'], getLight.headers['content-type']]);

  // Preview for a user outside the allowed groups: 403 (findings "Matches", #5)
  const groups = await pid('GET', '/api/user-groups?search=pbs-admins');
  const groupId = groups.json?.data?.[0]?.id;
  await pid('PUT', `/api/oidc/clients/${id}`, { json: { ...base, isGroupRestricted: true } });
  await pid('PUT', `/api/oidc/clients/${id}/allowed-user-groups`, { json: { userGroupIds: [groupId] } });
  const users = await pid('GET', '/api/users?search=bob');
  const bob = (users.json?.data ?? []).find((u) => u.username === 'bob');
  const pv = await pid('GET', `/api/oidc/clients/${id}/preview/${bob?.id}?scopes=openid`);
  eq(`${P}.preview-outside-groups`, 'findings "Matches" (preview 403 when the user is outside the allowed groups)', 403, pv.status);
  ok(`${P}.group-names`, 'findings #5 (groups have name and friendlyName)',
    groups.json?.data?.[0]?.name === 'pbs-admins' && typeof groups.json?.data?.[0]?.friendlyName === 'string', '{name, friendlyName}', groups.json?.data?.[0]);

  // Usernames may contain '@'; the admin API refuses whitespace (findings #6)
  const at = await pid('POST', '/api/users', { json: { username: `erin@corp${crypto.randomBytes(2).toString('hex')}`, email: 'erin@example.com', firstName: 'Erin' } });
  const space = await pid('POST', '/api/users', { json: { username: 'erin smith', email: 'erin2@example.com', firstName: 'Erin' } });
  eq(`${P}.username-rule`, 'findings #6 (usernames may contain "@"; dto/validations.go)', [201, 400], [at.status, space.status]);

  if (sim.pocketIdVersion !== '2.14.0') {
    return;
  }
  // Secrets (2.14): at most 20, DELETE one, list without values (findings #8)
  const statuses = [];
  for (let i = 0; i < 21; i++) {
    const r = await pid('POST', `/api/oidc/clients/${id}/secrets`);
    statuses.push(r.status);
    if (r.json?.secret) {
      sim.secrets.push(r.json.secret);
    }
    if (i === 20) {
      eq(`${P}.secret-limit`, 'findings #8 (at most 20 secrets per client)',
        { status: 400, error: 'A client cannot have more than 20 secrets' }, { status: r.status, error: r.json?.error });
    }
  }
  const list = await pid('GET', `/api/oidc/clients/${id}/secrets`);
  const first = list.json?.[0]?.id;
  const del = await pid('DELETE', `/api/oidc/clients/${id}/secrets/${first}`);
  const after = await pid('GET', `/api/oidc/clients/${id}/secrets`);
  eq(`${P}.secret-delete`, 'findings #8 (DELETE /api/oidc/clients/{id}/secrets/{secretId}; list without values)',
    { listed: 20, deleted: 204, left: 20 - 1, values: false },
    { listed: list.json?.length, deleted: del.status, left: after.json?.length, values: (after.json ?? []).some((x) => 'secret' in x) });
}

async function uploadLogo(pid, clientId, fileName, light) {
  const boundary = `probe${crypto.randomBytes(6).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    Buffer.from([1, 2, 3, 4]),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return pid('POST', `/api/oidc/clients/${clientId}/logo?light=${light}`, { raw: body, headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } });
}

// ------------------------------------------------------------------------------------------------
// The realm's sign-in options (findings "Offered": prompt, acr-values, audiences from 4.2.1)

async function realmOptionChecks(pbs, sim, auth, tag) {
  const P = `${tag}.realm-options`;
  const { ticket, csrf } = auth;
  const bad = (p, reason) => `parameter verification failed - '${p}': ${reason}`;
  const base = { 'issuer-url': 'https://id.example.com', 'client-id': 'probe-opts', 'client-key': 'k' };
  const hasAudiences = atLeast(sim.pbsVersion, '4.2.1');

  const withAud = await pbs('POST', '/config/access/openid', { form: { realm: 'OptsA', ...base, audiences: 'probe-api' }, ticket, csrf });
  if (hasAudiences) {
    eq(`${P}.audiences.accepted`, 'findings "Offered" (audiences: PBS 4.2.1+)', 200, withAud.status);
  } else {
    eq(`${P}.audiences.unknown-before-4.2.1`, 'findings "Offered" (audiences only from 4.2.1), pbs §1 (unknown keys → 400)',
      { status: 400, body: bad('audiences', 'schema does not allow additional properties.') }, reply(withAud));
  }

  const mk = await pbs('POST', '/config/access/openid', {
    form: { realm: 'Opts', ...base, prompt: 'login', 'acr-values': 'urn:probe:a,urn:probe:b', ...(hasAudiences ? { audiences: 'api-1 api-2' } : {}) },
    ticket, csrf,
  });
  eq(`${P}.create`, 'pbs schema OpenIdRealmConfig (prompt, acr-values, audiences)', 200, mk.status);
  const got = await pbs('GET', '/config/access/openid/Opts', { ticket });
  eq(`${P}.stored`, 'pbs §3.2 (the values read back as sent)',
    { prompt: 'login', 'acr-values': 'urn:probe:a,urn:probe:b', audiences: hasAudiences ? 'api-1 api-2' : undefined },
    { prompt: got.json?.data?.prompt, 'acr-values': got.json?.data?.['acr-values'], audiences: got.json?.data?.audiences });

  const badPrompt = await pbs('POST', '/config/access/openid', { form: { realm: 'OptsB', ...base, prompt: 'log in' }, ticket, csrf });
  eq(`${P}.prompt.safe-id`, 'pbs schema (prompt: SAFE_ID format)', 400, badPrompt.status);
  const badAcr = await pbs('POST', '/config/access/openid', { form: { realm: 'OptsB', ...base, 'acr-values': 'urn:a#b' }, ticket, csrf });
  eq(`${P}.acr.uri-format`, 'pbs schema (acr-values items: no "#", "<", ">", quotes or spaces)', 400, badAcr.status);

  const del = await pbs('PUT', '/config/access/openid/Opts', {
    form: { delete: hasAudiences ? ['prompt', 'acr-values', 'audiences'] : ['prompt', 'acr-values'], digest: got.json?.digest }, ticket, csrf,
  });
  const after = await pbs('GET', '/config/access/openid/Opts', { ticket });
  eq(`${P}.deleted`, 'pbs §3.3 (delete removes the options)', [200, undefined, undefined, undefined],
    [del.status, after.json?.data?.prompt, after.json?.data?.['acr-values'], after.json?.data?.audiences]);
  if (!hasAudiences) {
    const delAud = await pbs('PUT', '/config/access/openid/Opts', { form: { delete: 'audiences', digest: after.json?.digest }, ticket, csrf });
    eq(`${P}.delete-audiences.unknown-before-4.2.1`, 'findings "Offered" (no audiences property to delete before 4.2.1)', 400, delAud.status);
  }
  for (const realm of ['Opts', 'OptsA']) {
    await pbs('DELETE', `/config/access/openid/${realm}`, { ticket, csrf });
  }
}

// ------------------------------------------------------------------------------------------------
// TFA recovery keys (findings #10: `recovery:KEY`, each key once)

/** The challenge inside a partial `PBS:!tfa!{json}:TIME::SIG` ticket (':' and '%' percent-encoded), or null. */
function tfaChallenge(ticket) {
  const m = /^PBS:!tfa!([^:]*):/.exec(ticket ?? '');
  try {
    return m ? JSON.parse(decodeURIComponent(m[1])) : null;
  } catch {
    return null;
  }
}

async function recoveryKeyInstance() {
  const tag = 'pbs4.2.3.recovery';
  const keys = ['3f2a-9c41-0b7d-e865', '0011-2233-4455-6677'];
  const sim = await startSimulators({ pocketIdVersion: '2.14.0', extraArgs: ['--pbs-root-recovery-keys', keys.join(',')] });
  try {
    const pbs = await pinAndConnect(sim, tag);
    const first = () => pbs('POST', '/access/ticket', { form: { username: 'root@pam', password: sim.rootPassword } });
    const second = (partial, answer) => pbs('POST', '/access/ticket', { form: { username: 'root@pam', password: answer, 'tfa-challenge': partial } });

    const s1 = await first();
    eq(`${tag}.challenge`, 'pbs §2.2, findings #10 (a user with recovery keys gets a challenge listing the unused ones)',
      { status: 200, challenge: { recovery: [0, 1] } }, { status: s1.status, challenge: tfaChallenge(s1.json?.data?.ticket) });
    const used = await second(s1.json?.data?.ticket, `recovery:${keys[0]}`);
    ok(`${tag}.recovery-key.accepted`, 'findings #10 (recovery:KEY answers the challenge)',
      used.status === 200 && /^PBS:root@pam:/.test(used.json?.data?.ticket ?? ''), '200 with a full ticket', reply(used));

    const s2 = await first();
    eq(`${tag}.challenge.after-use`, 'proxmox-tfa (a used key drops out of the list)', { recovery: [1] }, tfaChallenge(s2.json?.data?.ticket));
    const [again, webauthn] = await Promise.all([
      second(s2.json?.data?.ticket, `recovery:${keys[0]}`),
      second((await first()).json?.data?.ticket, 'webauthn:{}'),
    ]);
    eq(`${tag}.recovery-key.single-use`, 'findings #10 (each recovery key works once)', 401, again.status);
    eq(`${tag}.webauthn.refused`, 'findings #10 (a security-key answer cannot come from a server-side client)', 401, webauthn.status);

    const s3 = await first();
    const last = await second(s3.json?.data?.ticket, `recovery:${keys[1]}`);
    eq(`${tag}.recovery-key.second`, 'findings #10', 200, last.status);
    const s4 = await first();
    eq(`${tag}.challenge.all-used`, 'proxmox-tfa (keys all used: the challenge stays, with an empty list)', { recovery: [] }, tfaChallenge(s4.json?.data?.ticket));
  } finally {
    await stopSimulators(sim);
  }
}

// ------------------------------------------------------------------------------------------------
// How PBS builds the user id at sign-in, and a sign-in Pocket ID authorized that PBS could not finish
// (real-source-findings.md #2, #3, #4, #6, "Offered": audit log, prompt/acr)

async function signInIdChecks(pbs, pid, sim, auth, tag) {
  const P = `${tag}.signin-ids`;
  const { ticket, csrf } = auth;
  const client = await createClientWithSecret(pid, sim, [sim.pbsOrigin]);
  const mk = await pbs('POST', '/config/access/openid', {
    form: { realm: 'Ids', 'issuer-url': sim.issuer, 'client-id': client.id, 'client-key': client.secret, autocreate: 1, 'username-claim': 'username', prompt: 'login', 'acr-values': 'urn:probe:a urn:probe:b' },
    ticket, csrf,
  });
  eq(`${P}.realm.create`, 'pbs §3.1 (prompt, acr-values are realm properties)', 200, mk.status);
  const au = await pbs('POST', '/access/openid/auth-url', { form: { realm: 'Ids', 'redirect-url': sim.pbsOrigin } });
  const q = au.json?.data ? new URL(au.json.data).searchParams : new URLSearchParams();
  eq(`${P}.auth-url.prompt-acr`, 'findings #4 (the authorize URL carries PKCE S256, prompt and acr values)',
    { prompt: 'login', acr_values: 'urn:probe:a urn:probe:b', code_challenge_method: 'S256' },
    { prompt: q.get('prompt'), acr_values: q.get('acr_values'), code_challenge_method: q.get('code_challenge_method') });

  const addUser = (username) => request(`${sim.pocketIdOrigin}/_sim/users`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: formBody({ username, email: 'x@example.com' }),
  });
  const flow = async (username) => {
    const a = await pbs('POST', '/access/openid/auth-url', { form: { realm: 'Ids', 'redirect-url': sim.pbsOrigin } });
    const z = await request(a.json?.data, { headers: { Cookie: await signIn(sim, username) } });
    const b = new URL(z.headers.location);
    return pbs('POST', '/access/openid/login', { form: { state: b.searchParams.get('state'), code: b.searchParams.get('code'), 'redirect-url': sim.pbsOrigin } });
  };
  const long = `l${'o'.repeat(58)}ng`;
  for (const name of ['frank@corp', long, 'gina smith']) {
    const r = await addUser(name);
    eq(`${P}.sim-user.${name.length > 20 ? 'long' : name}`, 'simulator hook /_sim/users (LDAP-like user)', 201, r.status);
  }

  const at = await flow('frank@corp');
  eq(`${P}.username-with-at`, 'findings #2, #6 (id = value@realm, split at the last "@")', [200, 'frank@corp@Ids'], [at.status, at.json?.data?.username]);
  const acl = await pbs('PUT', '/access/acl', { form: { path: '/', 'auth-id': 'frank@corp@Ids', role: 'Audit' }, ticket, csrf });
  eq(`${P}.username-with-at.acl`, 'findings #2 (a valid id works in ACLs)', 200, acl.status);

  const lg = await flow(long);
  eq(`${P}.over-64.login-accepted`, 'findings #2 (the 64-character limit is not checked at login)', [200, `${long}@Ids`], [lg.status, lg.json?.data?.username]);
  const lacl = await pbs('PUT', '/access/acl', { form: { path: '/', 'auth-id': `${long}@Ids`, role: 'Audit' }, ticket, csrf });
  ok(`${P}.over-64.acl-refused`, 'findings #2 (every later call refuses an id over 64 characters, ACLs included); pbs schema auth-id maxLength 64',
    lacl.status === 400 && /64 characters/.test(lacl.text), '400 … value may only be 64 characters long', reply(lacl));

  const bad = await flow('gina smith');
  eq(`${P}.invalid-user-name`, 'findings #2 (no whitespace, ":", "/" or control characters)', { status: 401, body: 'invalid user name in user id' }, reply(bad));

  // PBS's token exchange fails after Pocket ID authorized: arm the PBS simulator's outbound fault (one use).
  const arm = await request(`${sim.pbsOrigin}/_sim/faults`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ method: 'POST', path: 'idp:token', drop: true }), tlsOptions: sim.pbsTls,
  });
  ok(`${P}.fault.armed`, 'simulator hook /_sim/faults (outbound idp:token)', arm.status === 200, '200', reply(arm));
  const failed = await flow('alice');
  eq(`${P}.token-exchange-failed`, 'findings #4 (PBS must reach the token endpoint itself)',
    { status: 401, body: 'Failed to contact token endpoint: Request failed' }, reply(failed));

  const users = await pid('GET', '/api/users?search=alice');
  const alice = (users.json?.data ?? []).find((u) => u.username === 'alice');
  const log = await pid('GET', `/api/audit-logs/all?filters[userID]=${alice?.id}&filters[clientName]=${encodeURIComponent('Proxmox Backup Server')}&sort[column]=createdAt&sort[direction]=desc`);
  const rows = log.json?.data ?? [];
  ok(`${P}.audit-log.authorized`, 'findings "Offered" (GET /api/audit-logs/all, admin; filters[userID], filters[clientName]; audit_log_controller.go)',
    log.status === 200 && rows.length > 0 && rows.every((x) => x.userID === alice?.id && x.data?.clientName === 'Proxmox Backup Server')
      && rows.some((x) => x.event === 'CLIENT_AUTHORIZATION' || x.event === 'NEW_CLIENT_AUTHORIZATION'),
    'rows of alice authorizing "Proxmox Backup Server"', reply(log));
  const pbsUsers = await pbs('GET', '/access/users', { ticket });
  ok(`${P}.token-exchange-failed.no-pbs-user`, 'findings #4 (Pocket ID authorized, PBS could not finish)',
    !(pbsUsers.json?.data ?? []).some((u) => u.userid === 'alice@Ids'), 'no alice@Ids in PBS', (pbsUsers.json?.data ?? []).map((u) => u.userid));
  const noKey = await pid('GET', '/api/audit-logs/all', { key: null });
  eq(`${P}.audit-log.needs-auth`, 'pid §3 (admin route: 401 without credentials)', 401, noKey.status);
}

// ------------------------------------------------------------------------------------------------

async function runInstance({ pbsVersion, pocketIdVersion }) {
  const tag = `pbs${pbsVersion ?? '4.2.3'}+pid${pocketIdVersion}`;
  const sim = await startSimulators({ pbsVersion, pocketIdVersion });
  try {
    ok(`${tag}.started`, 'probe', sim.pbsOrigin && sim.fingerprint && sim.issuer && sim.pocketIdOrigin,
      'printed PBS origin, TLS fingerprint, Pocket ID origin and issuer', sim.stdout());
    eq(`${tag}.pid.printed-issuer`, 'pid §11.1 (lower case, no trailing slash)', `http://127.0.0.1:${sim.pocketIdPort}`, sim.issuer);
    const pbs = await pinAndConnect(sim, tag);
    const pid = pocketIdClient(sim.pocketIdOrigin, sim.apiKey);
    const reset = await request(`${sim.pocketIdOrigin}/_sim/reset`, { method: 'POST' });
    ok(`${tag}.pid.hook-reset`, 'simulator hook /_sim/reset', reset.status >= 200 && reset.status < 300, '2xx', reply(reset));

    let auth;
    await group(`${tag}.pbs.auth`, async () => { auth = await pbsAuthChecks(pbs, sim, tag); });
    auth ??= await login(pbs, sim);
    await group(`${tag}.pid`, () => pocketIdChecks(pid, sim, tag));
    await group(`${tag}.pid.callback`, () => callbackPortChecks(pid, sim, tag));
    await group(`${tag}.pid.oidc`, () => tokenChecks(pid, sim, tag));
    await group(`${tag}.pbs.roles`, () => pbsRoleChecks(pbs, auth, tag, sim.pbsVersion));
    if (!atLeast(sim.pbsVersion, '3.3.7')) {
      await group(`${tag}.pbs.old`, () => oldPbsChecks(pbs, auth, tag));
    } else {
      await group(`${tag}.pbs.realm`, () => pbsRealmChecks(pbs, auth, tag));
      await group(`${tag}.pbs.builtin-realms`, () => builtinRealmChecks(pbs, auth, tag));
      await group(`${tag}.pbs.acl`, () => pbsAclChecks(pbs, auth, tag));
    }
    await group(`${tag}.pid.client-rules`, () => pidClientRuleChecks(pid, sim, tag));
    await group(`${tag}.roundtrip`, () => roundTrip(pbs, pid, sim, auth, tag));
    await group(`${tag}.signin-ids`, () => signInIdChecks(pbs, pid, sim, auth, tag));
    await group(`${tag}.realm-options`, () => realmOptionChecks(pbs, sim, auth, tag));
    const log = await request(`${sim.pocketIdOrigin}/_sim/requests`);
    ok(`${tag}.pid.hook-requests`, 'simulator hook /_sim/requests (token endpoint called by PBS)',
      log.status === 200 && /\/api\/oidc\/token/.test(log.text), 'log includes /api/oidc/token', reply(log));
    const leaked = [sim.apiKey, ...sim.secrets].filter((x) => x && log.text.includes(x));
    eq(`${tag}.pid.request-log-has-no-secrets`, 'HELPERS.md (secrets never in logs); docs: log has no bodies or headers', [], leaked.map((x) => `${x.slice(0, 4)}…`));
  } finally {
    const end = await stopSimulators(sim);
    eq(`${tag}.stops-on-sigterm`, 'SimulatorsCommand (stops on SIGTERM, prints "simulators stopped", exit 0)',
      { code: 0, killed: false, printed: true }, { code: end.code, killed: end.killed, printed: /simulators stopped/.test(sim.stdout()) });
  }
}

async function main() {
  if (!fs.existsSync(dll)) {
    record('setup.dll-exists', 'probe', false, `built ${dll}`, 'missing (build Release first)');
    return;
  }
  await group('pbs4.2.3+pid2.14.0', () => runInstance({ pocketIdVersion: '2.14.0' }));
  await group('pbs3.2.4+pid2.13.0', () => runInstance({ pbsVersion: '3.2.4', pocketIdVersion: '2.13.0' }));
  await group('pbs3.3.3+pid2.14.0', () => runInstance({ pbsVersion: '3.3.3', pocketIdVersion: '2.14.0' }));
  await group('pbs4.2.3.recovery', () => recoveryKeyInstance());
}

function finish(code) {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`probe: ${passed} passed, ${failed} failed`);
  if (process.env.RESULTS) {
    fs.mkdirSync(process.env.RESULTS, { recursive: true });
    fs.writeFileSync(path.join(process.env.RESULTS, 'probe.passed'), `${passed}\n`);
    fs.writeFileSync(path.join(process.env.RESULTS, 'probe.failed'), `${failed}\n`);
  }
  process.exit(code ?? (failed > 0 ? 1 : 0));
}

const globalTimer = setTimeout(() => {
  record('probe.global-timeout', 'probe', false, `done within ${GLOBAL_TIMEOUT_MS / 1000} s`, 'timed out');
  finish(1);
}, GLOBAL_TIMEOUT_MS);

main().then(() => {
  clearTimeout(globalTimer);
  finish();
}, (error) => {
  clearTimeout(globalTimer);
  record('probe.crashed', 'probe', false, 'no exception', String(error?.stack ?? error));
  finish(1);
});
