// Cold start: spawns a server command, polls URL every 5 ms until it answers 200, prints the milliseconds from spawn
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

let elapsed = -1;
while (performance.now() - started < Number(timeoutMs) && !exited) {
  try {
    const res = await fetch(url, { redirect: 'manual' });
    await res.arrayBuffer();
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
