// `npm run bench [-- NAME] [ARGS]`: runs one benchmark (or `all` of them in turn) through tsx;
// each writes its own part of docs/benchmarks.md. Without a name, the server benchmark.
//
//   server     the store, the API server over HTTPS, kubectl over 10,000 pods, cold start
//              (bench/run.ts; builds the bundle first, the figures are for what users run).
//              Arguments: --quick, --source, --entry FILE, --no-write, --cpu-prof DIR, --pods N
//   pod-start  pod start latency on a real node, containerd and host processes, and the
//              kubelet's CPU and RSS with 100 pods (bench/pod-start.ts; needs root)
//   scheduler  scheduler throughput, 5,000 nodes and 10,000 pending pods (bench/scheduler.ts)
//   scale      5,000 simulated nodes and 100,000 pods in one process: RSS, kubectl get pods -A
//              (bench/simulated-scale.ts; several minutes and a few GB)
//   rollout    a 1,000-replica Deployment rolled to a new image (bench/rollout.ts)
//   network    Services on a containerd node: ClusterIP vs pod IP requests/s, pod Ready →
//              traffic, cluster DNS queries/s and p99 (bench/network.ts; needs root)
//   all        every one of them; KUBELITE_BENCH_SKIP_BIG=1 leaves out the ones that take
//              minutes (scale, scheduler)
//
// Benchmarks other than `server` run the TypeScript sources in-process.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchmarks = {
  server: { script: 'bench/run.ts', build: true },
  'pod-start': { script: 'bench/pod-start.ts' },
  scheduler: { script: 'bench/scale-report.ts', args: ['scheduler'], big: true },
  scale: { script: 'bench/scale-report.ts', args: ['scale'], big: true },
  rollout: { script: 'bench/rollout.ts' },
  network: { script: 'bench/network.ts' },
};

const argv = process.argv.slice(2);
const first = argv[0] && !argv[0].startsWith('-') ? argv[0] : undefined;
const rest = first ? argv.slice(1) : argv;
const names = first === 'all' ? Object.keys(benchmarks) : [first ?? 'server'];
for (const name of names) {
  if (!(name in benchmarks)) {
    console.error(`bench: no benchmark named ${name}; choose one of ${Object.keys(benchmarks).join(', ')} or all`);
    process.exit(2);
  }
}

function run(name, args) {
  const b = benchmarks[name];
  if (b.build && !args.includes('--source') && !args.includes('--entry')) {
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) {
      console.error('bench: the build failed; run with --source to measure the TypeScript sources instead');
      return build.status ?? 1;
    }
  }
  console.error(`bench: ${name}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', b.script, ...(b.args ?? []), ...args], { cwd: root, stdio: 'inherit' });
  return r.status ?? 1;
}

let failed = 0;
for (const name of names) {
  if (first === 'all' && benchmarks[name].big && process.env.KUBELITE_BENCH_SKIP_BIG === '1') {
    console.error(`bench: ${name} skipped (KUBELITE_BENCH_SKIP_BIG=1)`);
    continue;
  }
  // With `all`, arguments are the server benchmark's (the others take their own when run alone).
  const status = run(name, first === 'all' && name !== 'server' ? [] : rest);
  if (status !== 0) failed = status;
}
process.exit(failed);
