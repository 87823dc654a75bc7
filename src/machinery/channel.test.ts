import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Channel } from './channel.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

test('a channel keeps no reference to items its consumer has taken', async () => {
  const channel = new Channel<{ payload: number[] }>();
  const refs: WeakRef<object>[] = [];
  for (let i = 0; i < 300; i++) {
    const item = { payload: [i] };
    refs.push(new WeakRef(item));
    channel.push(item);
  }
  const it = channel[Symbol.asyncIterator]();
  for (let i = 0; i < 200; i++) assert.equal((await it.next()).value?.payload[0], i);
  await new Promise((r) => setImmediate(r));
  gc();
  assert.equal(refs.slice(0, 200).filter((r) => r.deref() !== undefined).length, 0, 'taken items still held');
  assert.equal(refs.slice(200).filter((r) => r.deref() !== undefined).length, 100, 'queued items lost');
  assert.equal(channel.length, 100);
  for (let i = 200; i < 300; i++) assert.equal((await it.next()).value?.payload[0], i);
  assert.equal(channel.length, 0);
});

test('a channel hands items over in order across many fill-and-drain rounds', async () => {
  const channel = new Channel<number>();
  const it = channel[Symbol.asyncIterator]();
  let next = 0;
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 1500; i++) channel.push(round * 1500 + i);
    for (let i = 0; i < 1500; i++) assert.equal((await it.next()).value, next++);
  }
  channel.close();
  assert.equal((await it.next()).done, true);
});
