// Cold start: spawns a server command, polls URL every 5 ms until it answers 200 (following redirects by hand and
// carrying their cookies, as a browser does with the wizard's ?token= sign-in link), prints the milliseconds from spawn
// to that answer, then stops the server (SIGTERM, then SIGKILL after 5 s).
// Usage: node coldstart.mjs URL TIMEOUT_MS -- COMMAND [ARGS...]
import { spawn } from 'node:child_process';

const sep = process.argv.indexOf('--');
const [url, timeoutMs] = process.argv.slice(2, sep);
const [cmd, ...args] = process.argv.slice(sep + 1);

const started = performance.now();
const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'ignore'], env: process.env });
let exited = false;
child.on('exit', () => { exited = true; });

const stop = async () => {
  if (exited) return;
  child.kill('SIGTERM');
  for (let i = 0; i < 100 && !exited; i++) await new Promise(r => setTimeout(r, 50));
  if (!exited) child.kill('SIGKILL');
};

// GET with up to 5 redirects, sending back the cookies they set; returns the last response (body read).
async function get(target) {
  const cookies = [];
  for (let hop = 0; hop < 5; hop++) {
    const res = await fetch(target, { redirect: 'manual', headers: cookies.length ? { cookie: cookies.join('; ') } : {} });
    await res.arrayBuffer();
    if (res.status < 300 || res.status >= 400 || !res.headers.get('location')) return res;
    for (const c of res.headers.getSetCookie()) cookies.push(c.split(';')[0]);
    target = new URL(res.headers.get('location'), target).toString();
  }
  throw new Error('too many redirects');
}

let elapsed = -1;
while (performance.now() - started < Number(timeoutMs) && !exited) {
  try {
    const res = await get(url);
    if (res.status === 200) {
      elapsed = performance.now() - started;
      break;
    }
  } catch {
    // not listening yet
  }
  await new Promise(r => setTimeout(r, 5));
}
await stop();
if (elapsed < 0) {
  console.error(`no 200 from ${url} (server ${exited ? 'exited' : 'timed out'})`);
  process.exit(1);
}
console.log(elapsed.toFixed(1));
