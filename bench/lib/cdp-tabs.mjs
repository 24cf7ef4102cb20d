// Opens N tabs in a headless Chromium through its DevTools HTTP endpoint (no npm packages needed), one after the
// other, each on URL. Usage: node cdp-tabs.mjs DEVTOOLS_PORT URL N
const [port, url, n] = process.argv.slice(2);
for (let i = 0; i < Number(n); i++) {
  const res = await fetch(`http://127.0.0.1:${port}/json/new?${url}`, { method: 'PUT' });
  if (!res.ok) {
    console.error(`tab ${i}: ${res.status} ${await res.text()}`);
    process.exit(1);
  }
  await res.json();
}
