import { Harness, waitForEvent } from '../helpers/harness';

const h = new Harness();
beforeEach(() => h.start());
afterEach(() => h.stop());

test('two clients exchange a peer message with hasPeerReceived', async () => {
  const alice = await h.login('alice');
  const bob = await h.login('bob');
  const got = waitForEvent<[unknown, string, { serverReceivedTs: number }]>(bob, 'MessageFromPeer');
  const result = await alice.sendMessageToPeer({ text: 'hi' }, 'bob');
  expect(result).toEqual({ hasPeerReceived: true });
  const [msg, from, props] = await got;
  expect(msg).toEqual({ text: 'hi', messageType: 'TEXT' });
  expect(from).toBe('alice');
  expect(typeof props.serverReceivedTs).toBe('number');
});
