// The fake runtime: an in-memory ContainerRuntime for fast kubelet tests (see fake-runtime.ts).

export { FakeRuntime, type FakeRuntimeOptions } from './fake-runtime.js';
export { duplexPair } from './duplex.js';
export { Shell, parseScript, type ShellHost } from './shell.js';
