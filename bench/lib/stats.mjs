// Summary statistics of numbers given one per line on stdin: prints "median min max q1 q3 n" (space-separated).
// Quartiles by linear interpolation between closest ranks.
const input = await new Promise(resolve => {
  let data = '';
  process.stdin.on('data', c => { data += c; });
  process.stdin.on('end', () => resolve(data));
});
const xs = input.split(/\s+/).filter(Boolean).map(Number).filter(Number.isFinite).sort((a, b) => a - b);
if (xs.length === 0) {
  console.log('NA NA NA NA NA 0');
  process.exit(0);
}
const q = p => {
  const pos = (xs.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo);
};
const f = v => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1));
console.log([q(0.5), xs[0], xs[xs.length - 1], q(0.25), q(0.75)].map(f).join(' ') + ` ${xs.length}`);
