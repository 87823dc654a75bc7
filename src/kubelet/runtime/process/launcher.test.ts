import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execArgv } from './launcher.js';
import type { HostTools } from './host.js';

const tools = { nsenter: '/usr/bin/nsenter', sh: '/bin/sh' } as HostTools;

describe('execArgv', () => {
  it("enters the container's root and working directory, not the mount namespace's original root", () => {
    const argv = execArgv({ tools, pid: 4242, cgroupProcs: [], netns: true, uts: false, workingDir: '/srv/app', exec: ['pwd'] });
    assert.deepEqual(argv, ['/usr/bin/nsenter', '-t', '4242', '-m', '-n', '--root', '--wd=/proc/4242/root/srv/app', '--', 'pwd']);
  });

  it('joins the cgroups first when there are any', () => {
    const argv = execArgv({ tools, pid: 7, cgroupProcs: ['/sys/fs/cgroup/memory/x/cgroup.procs'], netns: false, uts: true, workingDir: '/', exec: ['sh'] });
    assert.equal(argv[0], '/bin/sh');
    assert.deepEqual(argv.slice(argv.indexOf('--') + 1), ['/usr/bin/nsenter', '-t', '7', '-m', '-u', '--root', '--wd=/proc/7/root/', '--', 'sh']);
  });
});
