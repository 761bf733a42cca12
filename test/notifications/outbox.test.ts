import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectDatabase, type DatabaseHandle } from '../../src/db/connect.ts';
import {
  backoffMs,
  claimDue,
  describeFailure,
  enqueueEmail,
  enqueueEmails,
  LEASE_MS,
  MAX_ATTEMPTS,
  outboxBacklog,
} from '../../src/notifications/outbox.ts';
import { MissingPersonalisationError } from '../../src/notifications/templates.ts';
import { smtpTransport, type EmailMessage, type EmailTransport } from '../../src/notifications/transports.ts';
import { startOutboxWorker, type OutboxLogger } from '../../src/notifications/worker.ts';
import { engines, openTestDatabase, POSTGRES_URL, type TestDatabase } from '../helpers/databases.ts';
import { startTestSmtpServer, type TestSmtpServer } from './smtp-server.ts';

/**
 * An in-process transport: it keeps every message it is asked to send. It can be made
 * to fail (with an error that quotes the address, as real ones do) or to wait at a gate.
 */
class RecordingTransport implements EmailTransport {
  name = 'recording';
  sent: EmailMessage[] = [];
  started = 0;
  failWith: Error | undefined;
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }
  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  async send(message: EmailMessage): Promise<{ id: string }> {
    this.started++;
    if (this.gate) await this.gate;
    // A little real waiting, so concurrent workers interleave.
    await new Promise((resolve) => setTimeout(resolve, 1 + Math.floor(Math.random() * 3)));
    if (this.failWith) throw this.failWith;
    this.sent.push(message);
    return { id: `recording-${message.reference}` };
  }
}

const application = {
  candidateName: 'Amina Okafor',
  providerName: 'Sample Provider',
  reference: 'IQTS-0000001',
  serviceUrl: 'http://localhost:3000',
};
const signIn = { code: '123456', minutes: '10', serviceUrl: 'http://localhost:3000' };

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const engine of engines) {
  describe.skipIf(engine.skip)(`email outbox (${engine.name})`, () => {
    let d: TestDatabase;
    /** A second, separate connection to the same database: another process's worker. */
    let other: DatabaseHandle;

    beforeAll(async () => {
      d = await openTestDatabase(engine.name);
      other =
        engine.name === 'postgres'
          ? await connectDatabase(POSTGRES_URL, { schema: d.schema!, poolSize: 5 })
          : await connectDatabase(d.url);
    });
    afterAll(async () => {
      await other?.close();
      await d?.dispose();
    });
    beforeEach(async () => {
      await d.db.deleteFrom('outbox').execute();
    });

    it('an email written in a transaction that rolls back is never sent; one that commits is sent once', async () => {
      await expect(
        d.db.transaction().execute(async (trx) => {
          await enqueueEmail(trx, { to: 'rolled.back@example.org', template: 'sign-in-code', personalisation: signIn });
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      await d.db.transaction().execute(async (trx) => {
        await enqueueEmails(trx, [
          {
            to: 'amina@example.org',
            template: 'offer-made',
            personalisation: { ...application, conditions: '* Fitness to teach check' },
          },
          { to: 'admissions@example.org', template: 'application-submitted-provider', personalisation: application },
        ]);
      });

      const transport = new RecordingTransport();
      const worker = startOutboxWorker({ db: d.db, transport, autoStart: false });
      expect(await worker.runOnce()).toEqual({ claimed: 2, sent: 2, failed: 0, gaveUp: 0 });
      expect(await worker.runOnce()).toEqual({ claimed: 0, sent: 0, failed: 0, gaveUp: 0 });

      expect(transport.sent.map((m) => m.to).sort()).toEqual(['admissions@example.org', 'amina@example.org']);
      const offer = transport.sent.find((m) => m.to === 'amina@example.org')!;
      expect(offer.subject).toBe('You have an offer from Sample Provider');
      expect(offer.body).toContain('* Fitness to teach check');
      expect(offer.template).toBe('offer-made');
      expect(offer.personalisation).toMatchObject({
        candidateName: 'Amina Okafor',
        conditions: '* Fitness to teach check',
      });
      expect(offer.reference).toMatch(/^outbox-\d+$/);

      const rows = await d.db.selectFrom('outbox').selectAll().orderBy('id').execute();
      expect(rows.map((r) => r.to_email)).not.toContain('rolled.back@example.org');
      for (const row of rows) {
        expect(row.status).toBe('sent');
        expect(row.transport_id).toBe(`recording-outbox-${row.id}`);
        expect(row.sent_at).toMatch(/^\d{4}-\d\d-\d\dT/);
        expect(row.locked_until).toBeNull();
      }
      expect(await outboxBacklog(d.db)).toBe(0);
    });

    it('a committed email is sent exactly once when workers on two connections run at the same time', async () => {
      const total = 60;
      await enqueueEmails(
        d.db,
        Array.from({ length: total }, (_, i) => ({
          to: `once${i}@example.org`,
          template: 'sign-in-code' as const,
          personalisation: signIn,
        })),
      );
      const transports = [
        new RecordingTransport(),
        new RecordingTransport(),
        new RecordingTransport(),
        new RecordingTransport(),
      ];
      // Two workers on each connection, as two processes with two workers each.
      const workers = transports.map((transport, i) =>
        startOutboxWorker({ db: i % 2 === 0 ? d.db : other.db, transport, autoStart: false, batch: 7 }),
      );
      for (let round = 0; round < 20 && (await outboxBacklog(d.db)) > 0; round++)
        await Promise.all(workers.map((w) => w.runOnce()));

      const sent = transports.flatMap((t) => t.sent.map((m) => m.to));
      expect(sent).toHaveLength(total);
      expect(new Set(sent).size).toBe(total);
      // Both connections did some of the work.
      expect(transports[0]!.sent.length + transports[2]!.sent.length).toBeGreaterThan(0);
      expect(transports[1]!.sent.length + transports[3]!.sent.length).toBeGreaterThan(0);
      const rows = await d.db.selectFrom('outbox').select(['status', 'attempts']).execute();
      expect(rows.every((r) => r.status === 'sent' && r.attempts === 0)).toBe(true);
    });

    it('two claims at the same moment on two connections never share a row', async () => {
      await enqueueEmails(
        d.db,
        Array.from({ length: 30 }, (_, i) => ({
          to: `claim${i}@example.org`,
          template: 'sign-in-code' as const,
          personalisation: signIn,
        })),
      );
      const now = new Date();
      const [a, b, c] = await Promise.all([
        claimDue(d.db, 12, now),
        claimDue(other.db, 12, now),
        claimDue(other.db, 12, now),
      ]);
      const ids = [...a, ...b, ...c].map((r) => r.id);
      expect(ids).toHaveLength(30);
      expect(new Set(ids).size).toBe(30);
      const lease = new Date(now.getTime() + LEASE_MS).toISOString();
      expect([...a, ...b, ...c].every((r) => r.locked_until === lease)).toBe(true);
    });

    it('rows claimed by a worker that stopped are not sent by another until the lease runs out, then they are', async () => {
      await enqueueEmail(d.db, { to: 'stranded@example.org', template: 'sign-in-code', personalisation: signIn });
      const t0 = new Date();
      // A worker claims the row and dies before sending it.
      expect(await claimDue(d.db, 10, t0)).toHaveLength(1);

      let now = new Date(t0.getTime() + LEASE_MS / 2);
      const transport = new RecordingTransport();
      const worker = startOutboxWorker({ db: other.db, transport, autoStart: false, clock: () => now });
      expect((await worker.runOnce()).claimed).toBe(0);
      now = new Date(t0.getTime() + LEASE_MS + 1);
      expect(await worker.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
      expect(transport.sent.map((m) => m.to)).toEqual(['stranded@example.org']);
    });

    it('a failing transport is retried with growing waits, then the email is marked failed and left alone', async () => {
      await enqueueEmail(d.db, { to: 'unlucky@example.org', template: 'sign-in-code', personalisation: signIn });
      const transport = new RecordingTransport();
      transport.failWith = Object.assign(
        new Error("Can't send mail - all recipients were rejected: 550 <unlucky@example.org>: User unknown"),
        { name: 'SmtpError', code: 'EENVELOPE', responseCode: 550 },
      );
      let now = new Date();
      const logged: { level: string; entry: Record<string, unknown>; message: string }[] = [];
      const logger = Object.fromEntries(
        ['info', 'warn', 'error'].map((level) => [
          level,
          (entry: Record<string, unknown>, message: string) => logged.push({ level, entry, message }),
        ]),
      ) as unknown as OutboxLogger;
      const worker = startOutboxWorker({
        db: d.db,
        transport,
        autoStart: false,
        clock: () => now,
        random: () => 0,
        logger,
      });
      const read = () =>
        d.db.selectFrom('outbox').selectAll().where('to_email', '=', 'unlucky@example.org').executeTakeFirstOrThrow();

      const waits: number[] = [];
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const run = await worker.runOnce();
        expect(run).toEqual({ claimed: 1, sent: 0, failed: 1, gaveUp: attempt === MAX_ATTEMPTS ? 1 : 0 });
        const row = await read();
        expect(row.attempts).toBe(attempt);
        expect(row.last_error).toContain('SmtpError EENVELOPE 550');
        expect(row.last_error).not.toContain('unlucky');
        expect(row.locked_until).toBeNull();
        if (attempt === MAX_ATTEMPTS) {
          expect(row.status).toBe('failed');
          break;
        }
        expect(row.status).toBe('pending');
        const due = new Date(row.next_attempt_at);
        waits.push(due.getTime() - now.getTime());
        // Not before it is due…
        now = new Date(due.getTime() - 1);
        expect((await worker.runOnce()).claimed).toBe(0);
        // …and again once it is.
        now = due;
      }
      expect(waits).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000]);
      expect(transport.started).toBe(MAX_ATTEMPTS);
      expect(logged.map((l) => l.level)).toEqual([...Array<string>(MAX_ATTEMPTS - 1).fill('warn'), 'error']);
      expect(logged[0]!.entry).toMatchObject({ template: 'sign-in-code', attempts: 1, transport: 'recording' });
      expect(JSON.stringify(logged)).not.toMatch(/unlucky|123456/);

      now = new Date(now.getTime() + 24 * 3_600_000);
      expect((await worker.runOnce()).claimed).toBe(0);
      expect(transport.started).toBe(MAX_ATTEMPTS);
      expect(await outboxBacklog(d.db)).toBe(0);
    });

    it('a transport that never answers counts as a failed attempt, and the email is tried again later', async () => {
      await enqueueEmail(d.db, { to: 'slow@example.org', template: 'sign-in-code', personalisation: signIn });
      const transport = new RecordingTransport();
      transport.hold();
      const worker = startOutboxWorker({ db: d.db, transport, autoStart: false, sendTimeoutMs: 50 });
      expect(await worker.runOnce()).toMatchObject({ sent: 0, failed: 1 });
      transport.release();
      const row = await d.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row.last_error).toContain('SendTimeout');
    });

    it('stop() waits for the email being sent, records it, and polls no more', async () => {
      await enqueueEmail(d.db, { to: 'first@example.org', template: 'sign-in-code', personalisation: signIn });
      const transport = new RecordingTransport();
      transport.hold();
      const worker = startOutboxWorker({ db: d.db, transport, intervalMs: 10 });
      for (let i = 0; i < 200 && transport.started === 0; i++) await wait(5);
      expect(transport.started).toBe(1);

      let stopped = false;
      const stopping = worker.stop().then(() => (stopped = true));
      await wait(30);
      expect(stopped).toBe(false);
      transport.release();
      await stopping;
      const row = await d.db
        .selectFrom('outbox')
        .selectAll()
        .where('to_email', '=', 'first@example.org')
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('sent');

      await enqueueEmail(d.db, { to: 'after@example.org', template: 'sign-in-code', personalisation: signIn });
      await wait(50);
      expect(transport.sent.map((m) => m.to)).toEqual(['first@example.org']);
      expect(await worker.runOnce()).toEqual({ claimed: 0, sent: 0, failed: 0, gaveUp: 0 });
    });

    it('a running worker delivers emails as they are committed', async () => {
      const transport = new RecordingTransport();
      const worker = startOutboxWorker({ db: d.db, transport, intervalMs: 10, logger: pino({ level: 'silent' }) });
      try {
        await d.db
          .transaction()
          .execute((trx) =>
            enqueueEmail(trx, { to: 'soon@example.org', template: 'offer-made', personalisation: application }),
          );
        for (let i = 0; i < 200 && transport.sent.length === 0; i++) await wait(5);
        expect(transport.sent.map((m) => m.subject)).toEqual(['You have an offer from Sample Provider']);
      } finally {
        await worker.stop();
      }
    });

    it('an email missing personalisation it needs is refused, and the change it belongs to rolls back', async () => {
      await expect(
        d.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('content_feedback')
            .values({ page_path: '/outbox-test', useful: 1, comment: null, created_at: new Date().toISOString() })
            .execute();
          await enqueueEmail(trx, {
            to: 'amina@example.org',
            template: 'application-rejected',
            personalisation: application,
          });
        }),
      ).rejects.toBeInstanceOf(MissingPersonalisationError);
      expect(
        await d.db.selectFrom('content_feedback').select('id').where('page_path', '=', '/outbox-test').execute(),
      ).toEqual([]);
      expect(await d.db.selectFrom('outbox').select('id').execute()).toEqual([]);
    });
  });
}

describe('email outbox over real SMTP', () => {
  let d: TestDatabase;
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    d = await openTestDatabase('sqlite');
    smtp = await startTestSmtpServer();
  });
  afterAll(async () => {
    await smtp?.close();
    await d?.dispose();
  });

  it('the worker delivers a committed email to an SMTP server and records the server’s message id', async () => {
    await d.db
      .transaction()
      .execute((trx) =>
        enqueueEmail(trx, { to: 'amina@example.org', template: 'sign-in-code', personalisation: signIn }),
      );
    const worker = startOutboxWorker({
      db: d.db,
      transport: smtpTransport(smtp.url, 'iQTS service <no-reply@example.org>'),
      autoStart: false,
    });
    expect(await worker.runOnce()).toMatchObject({ sent: 1, failed: 0 });
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.to).toEqual(['amina@example.org']);
    expect(mail.headers.get('subject')).toBe('123456 is your iQTS security code');
    expect(mail.text).toContain('123456');
    const row = await d.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
    expect(row.status).toBe('sent');
    expect(row.transport_id).toBe(mail.headers.get('message-id'));
  });

  it('a recipient the server refuses is retried later, with no address in the error kept', async () => {
    smtp.rejectRecipients.add('nobody@example.org');
    await enqueueEmail(d.db, { to: 'nobody@example.org', template: 'sign-in-code', personalisation: signIn });
    const worker = startOutboxWorker({
      db: d.db,
      transport: smtpTransport(smtp.url, 'no-reply@example.org'),
      autoStart: false,
    });
    expect(await worker.runOnce()).toMatchObject({ sent: 0, failed: 1 });
    const row = await d.db
      .selectFrom('outbox')
      .selectAll()
      .where('to_email', '=', 'nobody@example.org')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.last_error).toContain('550');
    expect(row.last_error).not.toContain('nobody');
  });
});

describe('retry waits', () => {
  const none = () => 0;
  it('start at 30 seconds and double with each failure', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n, none))).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000,
    ]);
  });

  it('never exceed an hour', () => {
    expect(backoffMs(8, none)).toBe(3_600_000);
    expect(backoffMs(50, none)).toBe(3_600_000);
    expect(backoffMs(1000, () => 0.5)).toBeLessThanOrEqual(3_600_000);
  });

  it('are spread by up to a fifth, so failures together do not retry together', () => {
    expect(backoffMs(1, () => 0.999_999)).toBe(24_000);
    expect(backoffMs(1, () => 0.5)).toBe(27_000);
    const samples = new Set(Array.from({ length: 50 }, () => backoffMs(3)));
    expect(samples.size).toBeGreaterThan(1);
    for (const ms of samples) {
      expect(ms).toBeGreaterThanOrEqual(96_000);
      expect(ms).toBeLessThanOrEqual(120_000);
    }
  });

  it('always grow until the hour, even with the most unlucky jitter', () => {
    for (let n = 1; n < 7; n++) expect(backoffMs(n + 1, () => 1)).toBeGreaterThan(backoffMs(n, () => 0));
  });
});

describe('failure descriptions', () => {
  it('keep the kind of error and its status but no address or code', () => {
    const error = Object.assign(new Error('Recipient <Amina.Okafor@Example.org> rejected; your code 123456'), {
      name: 'SmtpError',
      responseCode: 550,
    });
    const text = describeFailure(error, 'Amina.Okafor@Example.org');
    expect(text).toBe('SmtpError 550: Recipient <[recipient]> rejected; your code [number]');
    expect(describeFailure(new Error('to someone@else.example failed'))).toBe('Error: to [email] failed');
    expect(describeFailure('plain text')).toBe('Error: plain text');
    expect(
      describeFailure({
        name: 'AxiosError',
        code: 'ERR_BAD_REQUEST',
        response: { status: 400, data: { errors: [{ error: 'BadRequestError' }] } },
      }),
    ).toBe('AxiosError ERR_BAD_REQUEST 400 BadRequestError');
  });
});
