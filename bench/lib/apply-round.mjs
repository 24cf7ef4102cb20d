// One automated apply of the wizard's command line against the standalone simulators, with the "human" part (the
// first sign-in) done by this script as soon as the CLI asks for it (or HOLD_SECONDS later), the way a browser does it:
// PBS auth-url -> Pocket ID sign-in + authorize -> PBS openid/login (pbs-api.md §7, the simulators' /_sim/sign-in).
// Prints one JSON object: timings (ms since spawn) and the simulators' request logs split into the wizard's requests
// and the sign-in's own. Run with NODE_EXTRA_CA_CERTS=<PBS simulator certificate> so TLS verification stays on.
// Usage: node apply-round.mjs WIZARD_DLL ANSWERS DATA_DIR PBS_URL POCKET_ID_URL REALM USER HOLD_SECONDS
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const [dll, answers, dataDir, pbs, pid, realm, user, holdSeconds] = process.argv.slice(2);
const t0 = performance.now();
const wall0 = Date.now();
const now = () => performance.now() - t0;
const marks = {};
const lines = [];

const form = o => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(o) });
async function ok(res, what) {
  if (!res.ok && res.status !== 302 && res.status !== 303) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return res;
}

async function signIn() {
  const origin = new URL(pbs).origin;
  const authUrl = (await (await ok(await fetch(`${pbs}/api2/json/access/openid/auth-url`, form({ realm, 'redirect-url': origin })), 'auth-url')).json()).data;
  const session = await ok(await fetch(`${pid}/_sim/sign-in`, { ...form({ username: user }), redirect: 'manual' }), 'sign-in');
  const cookie = session.headers.getSetCookie().map(c => c.split(';')[0]).join('; ');
  const authorize = await ok(await fetch(authUrl, { headers: { cookie }, redirect: 'manual' }), 'authorize');
  const back = new URL(authorize.headers.get('location'));
  const login = await ok(await fetch(`${pbs}/api2/json/access/openid/login`,
    form({ state: back.searchParams.get('state'), code: back.searchParams.get('code'), 'redirect-url': origin })), 'openid/login');
  await login.arrayBuffer();
}

const child = spawn('dotnet', [dll, 'apply', '--answers', answers, '--data-dir', dataDir, '--yes', '--wait-timeout', '300'],
  { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' } });
let stderr = '';
child.stderr.on('data', d => { stderr += d; });
let signInTask = null;
createInterface({ input: child.stdout }).on('line', line => {
  const t = now();
  lines.push(`${t.toFixed(0).padStart(6)} ${line}`);
  if (/^\[5\/\d+\]/.test(line)) marks.step5 = t;
  if (/Waiting for the first sign-in/.test(line) && !signInTask) {
    marks.waiting = t;
    signInTask = (async () => {
      await new Promise(r => setTimeout(r, Number(holdSeconds) * 1000));
      marks.signInStart = now();
      await signIn();
      marks.signInEnd = now();
    })();
  }
  if (/new user: .*@/.test(line) || /already in PBS: /.test(line)) marks.detected ??= t;
});
const code = await new Promise(r => child.on('exit', r));
marks.end = now();
if (signInTask) await signInTask;

const wallOf = ms => wall0 + ms;
const logOf = async base => (await (await fetch(`${base}/_sim/requests`)).json());
const [pbsLog, pidLog] = await Promise.all([logOf(pbs), logOf(pid)]);
const inSignIn = e => marks.signInStart !== undefined
  && Date.parse(e.at) >= wallOf(marks.signInStart) - 5 && Date.parse(e.at) <= wallOf(marks.signInEnd) + 5
  && !(e.method === 'GET' && e.path === '/api2/json/access/users');
const polls = (from, to) => pbsLog.filter(e => e.method === 'GET' && e.path === '/api2/json/access/users'
  && Date.parse(e.at) >= wallOf(from) && Date.parse(e.at) <= wallOf(to)).length;
const seen = [...pbsLog.map(e => ({ ...e, server: 'pbs' })), ...pidLog.map(e => ({ ...e, server: 'pocket-id' }))].filter(e => !inSignIn(e));
// Each PBS auth-url call (the wizard's "PBS reaches Pocket ID" check) makes PBS itself fetch Pocket ID's discovery
// document and JWKS: those two requests per call reach the Pocket ID log but are PBS's, not the wizard's.
const authUrlCalls = seen.filter(e => e.server === 'pbs' && e.method === 'POST' && e.path === '/api2/json/access/openid/auth-url').length;
const backChannel = [];
for (const path of ['/.well-known/openid-configuration', '/.well-known/jwks.json']) {
  let left = authUrlCalls;
  for (let i = seen.length - 1; i >= 0 && left > 0; i--) {
    if (seen[i].server === 'pocket-id' && seen[i].method === 'GET' && seen[i].path === path) {
      backChannel.push(seen.splice(i, 1)[0]);
      left--;
    }
  }
}
const wizard = seen;

console.log(JSON.stringify({
  exitCode: code,
  marks,
  applyMsExcludingSignIn: marks.end - (marks.signInEnd !== undefined ? marks.signInEnd - marks.waiting : 0),
  applyMsExcludingPause: marks.detected !== undefined && marks.step5 !== undefined ? marks.end - (marks.detected - marks.step5) : null,
  graceMs: marks.waiting !== undefined && marks.step5 !== undefined ? marks.waiting - marks.step5 : null,
  detectionMs: marks.detected !== undefined && marks.signInEnd !== undefined ? marks.detected - marks.signInEnd : null,
  pollsWhileHolding: marks.signInStart !== undefined ? polls(marks.waiting, marks.signInStart) : null,
  pbsRequestsWhileHolding: marks.signInStart !== undefined ? pbsLog.filter(e => Date.parse(e.at) >= wallOf(marks.waiting)
    && Date.parse(e.at) <= wallOf(marks.signInStart)).length : null,
  holdMs: marks.signInStart !== undefined ? marks.signInStart - marks.waiting : null,
  wizardRequests: wizard.length,
  wizardRequestsByServer: { pbs: wizard.filter(e => e.server === 'pbs').length, pocketId: wizard.filter(e => e.server === 'pocket-id').length },
  wizardRequestList: wizard.map(e => `${e.server} ${e.method} ${e.path} ${e.status}`),
  pbsBackChannelRequests: backChannel.length,
  signInRequests: pbsLog.length + pidLog.length - wizard.length - backChannel.length,
  stdout: lines,
  stderr: stderr.split('\n').slice(-20),
}));
