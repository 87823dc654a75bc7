// `npm run bench`: builds the bundle (the figures are for what users run), then runs the
// benchmark (bench/run.ts) through tsx. Arguments pass through: --quick, --source,
// --entry FILE, --no-write, --cpu-prof DIR, --pods N (see bench/run.ts).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
if (!args.includes('--source') && !args.includes('--entry')) {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('bench: the build failed; run with --source to measure the TypeScript sources instead');
    process.exit(build.status ?? 1);
  }
}
const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
