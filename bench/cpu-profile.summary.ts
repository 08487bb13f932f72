// Where a box office's CPU went, from the V8 CPU profile a benchmark writes
// with BENCH_PROFILE_DIR: self time (the function on top of the stack) and
// total time (anywhere on the stack), by package and by function, as a share
// of the time the main thread was busy. `--turns` keeps only the SMS rush:
// from the first to the last sample inside the SMS adapter.
//
//   BENCH_PROFILE_DIR=/tmp/prof BENCH_STRIPE_LATENCY_MS=0 npm run bench:rush
//   npx tsx bench/cpu-profile.summary.ts /tmp/prof/CPU.*.cpuprofile --turns [--top 40]
//
// Total time stops at the first await: what runs after it hangs under the
// microtask queue, not under its caller. And the profiler weighs native work
// (system calls, above all) heavier than it costs unprofiled: read the shares
// as where to look, then measure with the benchmark's own CPU line.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, ...flags] = process.argv.slice(2);
if (!file) throw new Error('usage: tsx bench/cpu-profile.summary.ts <file.cpuprofile> [--turns] [--top N]');
const top = flags.includes('--top') ? Number(flags[flags.indexOf('--top') + 1]) : 30;
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

const where = (url: string) => url.replace(/^file:\/\/\/.*?\/(dist\/)/, '$1').replace(/^.*node_modules\//, '');
const name = (node: ProfileNode) => `${node.callFrame.functionName || '(anonymous)'} ${where(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
function packageOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) return functionName; // (garbage collector), (program), native calls
  if (url.startsWith('node:')) return 'node';
  return /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? `ours: ${/dist\/((?:src\/)?[^/]+)/.exec(url)?.[1] ?? url}`;
}
function stackOf(id: number): ProfileNode[] {
  const stack: ProfileNode[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) stack.push(byId.get(at)!);
  return stack;
}

// Each sample stands for the time until the next one. Times in µs, weights in ms.
const times: number[] = [];
let clock = 0;
for (const delta of profile.timeDeltas) times.push((clock += delta));
const weight = (i: number) => (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;

let [from, to] = [0, Infinity];
if (flags.includes('--turns')) {
  const inTurn = profile.samples.flatMap((id, i) =>
    stackOf(id).some((node) => node.callFrame.url.includes('channels/sms/sms.adapter.js') && node.callFrame.lineNumber > 0) ? [times[i]!] : [],
  );
  if (inTurn.length === 0) throw new Error('no sample inside the SMS adapter: is this a profile of bench:rush?');
  [from, to] = [Math.min(...inTurn), Math.max(...inTurn)];
}

const tallies = { selfPackage: new Map<string, number>(), selfFunction: new Map<string, number>(), totalPackage: new Map<string, number>(), totalFunction: new Map<string, number>() };
const add = (tally: Map<string, number>, key: string, ms: number) => tally.set(key, (tally.get(key) ?? 0) + ms);
let busy = 0;
let idle = 0;
profile.samples.forEach((id, i) => {
  if (times[i]! < from || times[i]! > to) return;
  const ms = weight(i);
  const stack = stackOf(id);
  if (stack[0]!.callFrame.functionName === '(idle)') {
    idle += ms;
    return;
  }
  busy += ms;
  add(tallies.selfPackage, packageOf(stack[0]!), ms);
  add(tallies.selfFunction, name(stack[0]!), ms);
  for (const key of new Set(stack.filter((node) => node.callFrame.url).map(packageOf))) add(tallies.totalPackage, key, ms);
  for (const key of new Set(stack.map(name))) add(tallies.totalFunction, key, ms);
});

console.log(`${file}: ${((to === Infinity ? clock : to - from) / 1e6).toFixed(2)} s from ${(from / 1e6).toFixed(2)} s; busy ${(busy / 1000).toFixed(2)} s, idle ${(idle / 1000).toFixed(2)} s`);
for (const [title, tally] of Object.entries(tallies)) {
  console.log(`\n${title} (share of busy time)`);
  for (const [key, ms] of [...tally].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * ms) / busy).toFixed(1).padStart(6)}% ${ms.toFixed(0).padStart(7)} ms  ${key}`);
  }
}
