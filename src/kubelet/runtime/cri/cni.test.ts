// The shared hostPort chains' cleanup: one transaction that cannot take another node's rules.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sharedHostportCleanupPayload } from './cni.js';

const shared = [
  '-P PREROUTING ACCEPT',
  '-N CNI-HOSTPORT-DNAT',
  '-N CNI-HOSTPORT-MASQ',
  '-N CNI-HOSTPORT-SETMARK',
  '-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
  '-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
  '-A POSTROUTING -m comment --comment "kubelite postrouting rules KL-5bce98" -j KL-5bce98-POSTROUTING',
  '-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ',
  '-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE',
  '-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000',
];

describe('sharedHostportCleanupPayload', () => {
  it('removes the jumps, empties MASQ and SETMARK, and deletes the chains, leaving DNAT unflushed', () => {
    assert.equal(
      sharedHostportCleanupPayload(shared),
      [
        '*nat',
        '-D PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
        '-D OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
        '-D POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ',
        '-F CNI-HOSTPORT-MASQ',
        '-F CNI-HOSTPORT-SETMARK',
        '-X CNI-HOSTPORT-DNAT',
        '-X CNI-HOSTPORT-MASQ',
        '-X CNI-HOSTPORT-SETMARK',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  it('names only what exists (a missing rule would fail the whole transaction)', () => {
    const partial = shared.filter((l) => !l.includes('OUTPUT') && !l.includes('SETMARK'));
    const payload = sharedHostportCleanupPayload(partial)!;
    assert.doesNotMatch(payload, /OUTPUT|SETMARK/);
    assert.match(payload, /^-X CNI-HOSTPORT-DNAT$/m);
    assert.equal(sharedHostportCleanupPayload(['-P PREROUTING ACCEPT']), undefined);
  });
});
