// The host-process runtime: each container a host process, isolated with namespaces and cgroups
// when running as root (see README.md).

export { ProcessRuntime, defaultPath, type ProcessRuntimeOptions, type ProcessRuntimeFeatures } from './process-runtime.js';
export { runtimeNames, runtimeTag } from './names.js';
