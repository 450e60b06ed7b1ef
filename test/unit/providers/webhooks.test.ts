// Webhook deliveries' pure parts: the signature (a vector computed with openssl), which addresses are
// the internet's, which URLs a watch may name, what a response shows of one, the lookup that refuses
// a name resolving inside the network, and which runs a watch's webhook is told of.
import type { LookupAddress } from 'node:dns';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { notifyDue } from '../../../src/activities/watches';
import { isPublicAddress, publicOnlyLookup, signWebhook, webhookAgent, webhookTarget, webhookUrlProblem } from '../../../src/providers/webhooks';

const none = { walletsAdded: 0, walletsRemoved: 0, walletsCompared: 3, clustersChanged: 0, clustersFormed: 0, clustersDissolved: 0, clustersUnchanged: 1, linksFormed: 0, linksBroken: 0 };

describe('webhooks', () => {
  it('signs `<timestamp>.<body>` with HMAC-SHA256 as openssl does', () => {
    // printf '%s' '1765100000.{"type":"watch.run"}' | openssl dgst -sha256 -hmac 'whsec_test'
    expect(signWebhook('whsec_test', 1765100000, '{"type":"watch.run"}')).toBe('v1=6e0fa023bcc26aa24c8039f413ed766f849a45ce8aee5a873230cb1befe52237');
    expect(signWebhook('whsec_test', 1765100001, '{"type":"watch.run"}')).not.toBe(signWebhook('whsec_test', 1765100000, '{"type":"watch.run"}'));
  });

  it("tells the internet's addresses from those inside a network, IPv6 forms of IPv4 ones included", () => {
    const inside = ['127.0.0.1', '10.1.2.3', '172.16.0.9', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1%eth0', 'fd12::1', '::ffff:127.0.0.1', '::ffff:10.0.0.7', '64:ff9b::7f00:1', '::7f00:1', '::a9fe:a9fe', '168.63.129.16', '192.0.0.192', '100.100.100.200', 'not-an-address'];
    const outside = ['1.1.1.1', '8.8.8.8', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8'];
    expect(inside.filter(isPublicAddress)).toEqual([]);
    expect(outside.filter((a) => !isPublicAddress(a))).toEqual([]);
  });

  it('takes http(s) URLs to public hosts; says why it refuses any other', () => {
    expect(webhookUrlProblem('https://hooks.slack.com/services/T000/B000/XXXX', false)).toBeNull();
    expect(webhookUrlProblem('http://93.184.216.34:8080/hook', false)).toBeNull();
    expect(webhookUrlProblem('http://[2606:4700:4700::1111]/hook', false)).toBeNull();
    for (const [url, says] of [
      ['http://127.0.0.1:3000/x', 'names 127.0.0.1'],
      ['http://localhost/x', 'names localhost'],
      ['http://localhost./x', 'names localhost'],
      ['http://api.localhost/x', 'names api.localhost'],
      ['http://[::1]:80/x', 'names ::1'],
      ['http://0x7f000001/x', 'names 127.0.0.1'],
      ['http://10.0.0.1/x', 'names 10.0.0.1'],
      ['http://169.254.169.254/latest', 'names 169.254.169.254'],
      ['file:///etc/passwd', 'has the scheme file'],
      ['https://u:p@example.com/', 'carries a user or password'],
      ['example.com/hook', 'is not a URL'],
      ['https://hooks.example.com/a\u0000b', 'holds a control character'],
      ['https://hooks.example.com/a\nb', 'holds a control character'],
      ['\thttps://hooks.example.com/a', 'holds a control character'],
    ] as const) {
      expect({ url, problem: webhookUrlProblem(url, false) }).toEqual({ url, problem: expect.stringContaining(says) });
    }
    // the operator allows its own network: the scheme and credentials are still checked
    expect(webhookUrlProblem('http://127.0.0.1:3000/x', true)).toBeNull();
    expect(webhookUrlProblem('https://u:p@10.0.0.1/', true)).toContain('carries a user or password');
  });

  it("shows a webhook URL by its origin only: its path and query are often the receiver's token", () => {
    expect(webhookTarget('https://hooks.slack.com/services/T000/B000/XXXX?x=1')).toBe('https://hooks.slack.com/…');
    expect(webhookTarget('http://[::1]:8080/a')).toBe('http://[::1]:8080/…');
  });

  it('refuses, when it connects, a name that resolves to an address inside the network (all of its addresses checked)', async () => {
    const lookup = (all: boolean) =>
      new Promise<{ err: Error | null; address: string | LookupAddress[] }>((resolve) => publicOnlyLookup('localhost', { all }, (err, address) => resolve({ err, address })));
    for (const all of [true, false]) {
      const { err } = await lookup(all);
      expect(err?.message).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), an address inside the service's network$/);
    }
  });

  it("connects through the deliveries' dispatcher only to a name's public addresses: localhost's request never reaches the server on it", async () => {
    let reached = 0;
    const server = createServer((_req, res) => {
      reached += 1;
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://localhost:${(server.address() as AddressInfo).port}/hook`;
      await expect(request(url, { method: 'POST', body: '{}', dispatcher: webhookAgent(false) })).rejects.toThrow(/^localhost resolves to (127\.0\.0\.1|::1), an address inside the service's network$/);
      expect(reached).toBe(0);
      // the operator's own network allowed (WATCH_WEBHOOK_PRIVATE_ADDRESSES)
      const res = await request(url, { method: 'POST', body: '{}', dispatcher: webhookAgent(true) });
      await res.body.dump();
      expect({ status: res.statusCode, reached }).toEqual({ status: 204, reached: 1 });
    } finally {
      server.close();
    }
  });

  it("tells a watch's webhook of every run, or of the compared runs that changed something", () => {
    const changed = { ...none, linksBroken: 1 };
    expect(notifyDue(null, { comparison: 'compared', changes: changed })).toBe(false);
    expect(notifyDue('every-run', { comparison: 'first', changes: null })).toBe(true);
    expect(notifyDue('every-run', { comparison: 'not-completed', changes: null })).toBe(true);
    expect(notifyDue('changes', { comparison: 'compared', changes: none })).toBe(false);
    expect(notifyDue('changes', { comparison: 'first', changes: null })).toBe(false);
    for (const field of ['walletsAdded', 'walletsRemoved', 'clustersChanged', 'clustersFormed', 'clustersDissolved', 'linksFormed', 'linksBroken'] as const) {
      expect({ field, due: notifyDue('changes', { comparison: 'compared', changes: { ...none, [field]: 2 } }) }).toEqual({ field, due: true });
    }
    // the count of wallets compared or clusters left as they were is no change
    expect(notifyDue('changes', { comparison: 'compared', changes: { ...none, walletsCompared: 9, clustersUnchanged: 4 } })).toBe(false);
  });
});
