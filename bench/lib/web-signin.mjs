// The web wizard at the pause: the CLI runs apply up to the first-sign-in wait and is interrupted (the run is kept in
// the shared data directory), then the web wizard (live mode, same data directory) is opened in headless Chromium
// through the DevTools protocol; it resumes at "First sign-in" and starts watching PBS. After HOLD_SECONDS the
// scripted sign-in happens and the page's text is polled until the new user shows. Prints one JSON object.
// Run with NODE_EXTRA_CA_CERTS=<PBS simulator certificate> and node --experimental-websocket (Node 20).
// Usage: node web-signin.mjs WIZARD_DLL ANSWERS DATA_DIR PBS_URL POCKET_ID_URL REALM USER HOLD_SECONDS WEB_PORT DEVTOOLS_PORT TOKEN
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { openSync } from 'node:fs';
import { dirname } from 'node:path';

const [dll, answers, dataDir, pbs, pid, realm, user, holdSeconds, webPort, devtoolsPort, token] = process.argv.slice(2);
const sleep = ms => new Promise(r => setTimeout(r, ms));
const form = o => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(o) });
const fail = message => { console.log(JSON.stringify({ error: message })); process.exit(1); };

async function signIn() {
  const origin = new URL(pbs).origin;
  const authUrl = (await (await fetch(`${pbs}/api2/json/access/openid/auth-url`, form({ realm, 'redirect-url': origin }))).json()).data;
  const session = await fetch(`${pid}/_sim/sign-in`, { ...form({ username: user }), redirect: 'manual' });
  const cookie = session.headers.getSetCookie().map(c => c.split(';')[0]).join('; ');
  const authorize = await fetch(authUrl, { headers: { cookie }, redirect: 'manual' });
  const back = new URL(authorize.headers.get('location'));
  const login = await fetch(`${pbs}/api2/json/access/openid/login`,
    form({ state: back.searchParams.get('state'), code: back.searchParams.get('code'), 'redirect-url': origin }));
  if (!login.ok) throw new Error(`openid/login ${login.status}`);
}

// 1. CLI apply up to the pause, then Ctrl+C (the run is kept).
const cli = spawn('dotnet', [dll, 'apply', '--answers', answers, '--data-dir', dataDir, '--yes', '--wait-timeout', '300'],
  { stdio: ['ignore', 'pipe', 'ignore'] });
await new Promise(resolve => createInterface({ input: cli.stdout }).on('line', line => {
  if (/Waiting for the first sign-in/.test(line)) { cli.kill('SIGINT'); resolve(); }
}));
const cliExit = await new Promise(r => cli.on('exit', r));

// 2. The web wizard on the same data directory.
const webLog = openSync(`${dataDir}.web.log`, 'w');
const web = spawn('dotnet', [dll, '--urls', `http://127.0.0.1:${webPort}`], {
  stdio: ['ignore', webLog, webLog],
  cwd: dirname(dll), // content root: appsettings.json and the published static assets
  env: { ...process.env, Wizard__Mode: 'Live', Wizard__DataDirectory: dataDir, Wizard__AccessToken: token, Wizard__PublicHost: '127.0.0.1' },
});
const stopWeb = async () => { web.kill('SIGTERM'); await new Promise(r => web.on('exit', r)); };
try {
  for (let i = 0; ; i++) {
    try { if ((await fetch(`http://127.0.0.1:${webPort}/health`)).ok) break; } catch { /* not yet */ }
    if (i > 600) fail('web wizard did not start');
    await sleep(100);
  }

  // 3. One page through the DevTools protocol.
  const target = await (await fetch(`http://127.0.0.1:${devtoolsPort}/json/new?about:blank`, { method: 'PUT' })).json();
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
  let nextId = 0;
  const pending = new Map();
  ws.onmessage = m => { const d = JSON.parse(m.data); if (d.id && pending.has(d.id)) { pending.get(d.id)(d); pending.delete(d.id); } };
  const send = (method, params = {}) => new Promise(resolve => { const id = ++nextId; pending.set(id, resolve); ws.send(JSON.stringify({ id, method, params })); });
  const text = async () => (await send('Runtime.evaluate', { expression: 'document.body ? document.body.innerText : ""', returnByValue: true })).result?.result?.value ?? '';
  const waitFor = async (re, timeoutMs) => {
    const start = performance.now();
    while (performance.now() - start < timeoutMs) { if (re.test(await text())) return performance.now(); await sleep(20); }
    return null;
  };

  await send('Page.navigate', { url: `http://127.0.0.1:${webPort}/?token=${token}` });
  const watching = await waitFor(/Watching PBS for new users/, 60000);
  if (watching === null) fail(`the page did not reach the first sign-in watch: ${(await text()).slice(0, 300)}`);
  const watchWall = Date.now();

  // 4. Hold, count the web wizard's requests to PBS, then sign in and time until the page shows the user.
  await sleep(Number(holdSeconds) * 1000);
  const holdEndWall = Date.now();
  const signInStart = performance.now();
  await signIn();
  const signInEnd = performance.now();
  const shown = await waitFor(new RegExp(`${user}@${realm}`), 60000);
  const log = await (await fetch(`${pbs}/_sim/requests`)).json();
  const during = log.filter(e => Date.parse(e.at) >= watchWall && Date.parse(e.at) <= holdEndWall);
  console.log(JSON.stringify({
    cliExit,
    holdMs: holdEndWall - watchWall,
    pbsRequestsWhileHolding: during.length,
    pollsWhileHolding: during.filter(e => e.method === 'GET' && e.path === '/api2/json/access/users').length,
    signInMs: signInEnd - signInStart,
    detectionMs: shown === null ? null : shown - signInEnd,
    pageText: shown === null ? (await text()).slice(0, 1500) : undefined,
  }));
  ws.close();
} finally {
  await stopWeb();
}
