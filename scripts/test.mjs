// Runs the test suites with node's own test runner through tsx.
// Node 20 does not expand globs for --test, so the files are listed here.
//   node scripts/test.mjs            every group
//   node scripts/test.mjs unit e2e   only those groups (unit, e2e, containers)
//   node scripts/test.mjs path/to/x.test.ts   only those files
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const groups = {
  unit: ['src', 'bench'],
  e2e: ['test/e2e'],
  // Real containers (containerd, host processes): slower, and skipped where the tools are missing.
  containers: ['test/containers'],
};

function testFiles(dir) {
  const out = [];
  let entries = [];
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...testFiles(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const args = process.argv.slice(2);
const explicitFiles = args.filter((a) => a.endsWith('.ts'));
const chosenGroups = args.filter((a) => groups[a]);
let files = explicitFiles;
if (files.length === 0) {
  for (const group of chosenGroups.length ? chosenGroups : Object.keys(groups)) {
    for (const dir of groups[group]) files.push(...testFiles(dir));
  }
}
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// End-to-end tests run the built bin, as a user does: build it first.
if (files.some((f) => f.startsWith('test/e2e') || f.startsWith('test/containers'))) {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const result = spawnSync(
  process.execPath,
  // --test-force-exit: a file whose test left a child process (a containerd) behind must not hang the run.
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-force-exit', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, KUBELITE_TEST: '1' } },
);
process.exit(result.status ?? 1);
