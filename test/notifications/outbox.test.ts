import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type DatabaseHandle } from '../../src/db/connect.ts';
import { enqueueEmail } from '../../src/notifications/outbox.ts';
import { renderEmail, TEMPLATES, type TemplateName } from '../../src/notifications/templates.ts';
import { smtpTransport, type EmailTransport } from '../../src/notifications/transports.ts';
import { backoffMs, MAX_ATTEMPTS, startOutboxWorker } from '../../src/notifications/worker.ts';
import { engines, openTestDatabase, POSTGRES_URL, type TestDatabase } from '../helpers/databases.ts';

/** A transport that keeps what it was given, and can be told to fail. */
function recordingTransport(fail = false): EmailTransport & { sent: { to: string; subject: string }[] } {
  const sent: { to: string; subject: string }[] = [];
  return {
    name: 'recording',
    sent,
    async send(m) {
      if (fail) throw Object.assign(new Error('connection refused'), { name: 'TransportError' });
      await new Promise((r) => setTimeout(r, 2));
      sent.push({ to: m.to, subject: m.subject });
      return { id: `id-${sent.length}` };
    },
  };
}

const P = { code: '123456', minutes: '10', serviceUrl: 'http://localhost:3000', candidateName: 'A', providerName: 'B', reference: 'IQTS-0000001' };

for (const engine of engines) {
  describe.skipIf(engine.skip)(`email outbox (${engine.name})`, () => {
    let d: TestDatabase;
    let second: DatabaseHandle | undefined;
    beforeAll(async () => {
      d = await openTestDatabase(engine.name);
      // A second, separate connection to the same database: another process's worker.
      second = engine.name === 'postgres' ? await connectDatabase(POSTGRES_URL, { schema: d.schema! }) : await connectDatabase(d.url);
    });
    afterAll(async () => {
      await second?.close();
      await d?.dispose();
    });

    it('an email written in a transaction that rolls back is never sent', async () => {
      await d.db
        .transaction()
        .execute(async (trx) => {
          await enqueueEmail(trx, { to: 'rolled.back@example.org', template: 'sign-in-code', personalisation: P });
          throw new Error('the change failed');
        })
        .catch(() => undefined);
      const transport = recordingTransport();
      await startOutboxWorker({ db: d.db, transport, autoStart: false }).runOnce();
      expect(transport.sent).toEqual([]);
    });

    it('a committed email is sent exactly once, even with two workers on two connections at once', async () => {
      for (let i = 0; i < 30; i++) await enqueueEmail(d.db, { to: `once${i}@example.org`, template: 'sign-in-code', personalisation: P });
      const a = recordingTransport();
      const b = recordingTransport();
      const wa = startOutboxWorker({ db: d.db, transport: a, autoStart: false, batch: 5 });
      const wb = startOutboxWorker({ db: second!.db, transport: b, autoStart: false, batch: 5 });
      for (let round = 0; round < 8; round++) await Promise.all([wa.runOnce(), wb.runOnce()]);
      const all = [...a.sent, ...b.sent].map((s) => s.to).filter((to) => to.startsWith('once'));
      expect(all.length).toBe(30);
      expect(new Set(all).size).toBe(30);
      const rows = await d.db.selectFrom('outbox').select(['status', 'transport_id']).where('to_email', 'like', 'once%').execute();
      expect(rows.every((r) => r.status === 'sent' && r.transport_id)).toBe(true);
    });

    it('a failing transport is retried later with growing waits, then the email is marked failed', async () => {
      await enqueueEmail(d.db, { to: 'unlucky@example.org', template: 'sign-in-code', personalisation: P });
      const failing = recordingTransport(true);
      const worker = startOutboxWorker({ db: d.db, transport: failing, autoStart: false });
      const waits: number[] = [];
      for (let i = 0; i < MAX_ATTEMPTS; i++) {
        // Make the row due now, as time passing would.
        await d.db.updateTable('outbox').set({ next_attempt_at: new Date(0).toISOString() }).where('to_email', '=', 'unlucky@example.org').execute();
        const before = Date.now();
        await worker.runOnce();
        const row = await d.db.selectFrom('outbox').selectAll().where('to_email', '=', 'unlucky@example.org').executeTakeFirstOrThrow();
        waits.push(new Date(row.next_attempt_at).getTime() - before);
        expect(row.last_error).toBe('TransportError');
        expect(row.last_error).not.toContain('unlucky');
      }
      const row = await d.db.selectFrom('outbox').selectAll().where('to_email', '=', 'unlucky@example.org').executeTakeFirstOrThrow();
      expect(row.status).toBe('failed');
      expect(row.attempts).toBe(MAX_ATTEMPTS);
      for (let i = 1; i < waits.length; i++) expect(waits[i]!).toBeGreaterThanOrEqual(waits[i - 1]! * 0.9);
    });
  });
}

describe('email templates and transports', () => {
  it('every template renders with no empty placeholder or "undefined"', () => {
    const full = { ...P, conditions: '* Placement school confirmed', reasons: '* Qualifications', feedback: 'Thank you', reason: 'Moving' };
    for (const name of Object.keys(TEMPLATES) as TemplateName[]) {
      const { subject, body } = renderEmail(name, full);
      expect(subject.length, name).toBeGreaterThan(5);
      expect(`${subject}\n${body}`, name).not.toMatch(/undefined|\(\(|\$\{/);
    }
  });

  it('backs off exponentially up to an hour', () => {
    const none = () => 0;
    expect(backoffMs(1, none)).toBe(30_000);
    expect(backoffMs(2, none)).toBe(60_000);
    expect(backoffMs(3, none)).toBe(120_000);
    expect(backoffMs(20, none)).toBe(3_600_000);
    expect(backoffMs(1, () => 0.999)).toBeLessThanOrEqual(33_000);
  });

  describe('SMTP transport', () => {
    let server: Server;
    let port = 0;
    const received: string[] = [];
    beforeAll(async () => {
      // A minimal SMTP server: enough of RFC 5321 for one plain message.
      server = createServer((socket) => {
        let data = false;
        let message = '';
        socket.write('220 test ESMTP\r\n');
        socket.on('data', (chunk) => {
          for (const line of chunk.toString('utf8').split('\r\n')) {
            if (data) {
              if (line === '.') {
                data = false;
                received.push(message);
                socket.write('250 OK queued as 1\r\n');
              } else message += line + '\n';
              continue;
            }
            const verb = line.slice(0, 4).toUpperCase();
            if (verb === 'EHLO' || verb === 'HELO') socket.write('250-test\r\n250 8BITMIME\r\n');
            else if (verb === 'MAIL' || verb === 'RCPT' || verb === 'RSET' || verb === 'NOOP') socket.write('250 OK\r\n');
            else if (verb === 'DATA') {
              data = true;
              message = '';
              socket.write('354 go ahead\r\n');
            } else if (verb === 'QUIT') socket.end('221 bye\r\n');
          }
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('delivers the subject and body to a real SMTP server', async () => {
      const transport = smtpTransport(`smtp://127.0.0.1:${port}`, 'iQTS service <no-reply@example.org>');
      const { subject, body } = renderEmail('sign-in-code', P);
      const result = await transport.send({ to: 'reader@example.org', subject, body, template: 'sign-in-code', reference: 'outbox-1' });
      expect(result.id).toBeTruthy();
      expect(received.length).toBe(1);
      expect(received[0]).toContain('Subject: 123456 is your iQTS security code');
      expect(received[0]).toContain('To: reader@example.org');
      expect(received[0]).toContain('Your security code is 123456');
    });
  });
});
