import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { connectDatabase } from '../../src/db/connect.ts';
import { monthsBefore, RETENTION_JOB, runRetention } from '../../src/jobs/retention.ts';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.ts';

const NOW = new Date('2026-11-30T12:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
const policy = { outboxDays: 30, draftMonths: 12 };
const intervalMs = 60 * 60_000;

for (const engine of engines) {
  describe.skipIf(engine.skip)(`data retention (${engine.name})`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await openTestDatabase(engine.name);
    });
    afterAll(async () => database?.dispose());

    const labels = async (table: 'sessions' | 'sign_in_codes' | 'outbox' | 'applications') => {
      const db = database.db;
      if (table === 'sessions')
        return (await db.selectFrom('sessions').select('id').orderBy('id').execute()).map((r) => r.id);
      if (table === 'sign_in_codes')
        return (await db.selectFrom('sign_in_codes').select('email').orderBy('email').execute()).map((r) => r.email);
      if (table === 'outbox')
        return (await db.selectFrom('outbox').select('to_email').orderBy('to_email').execute()).map((r) => r.to_email);
      return (await db.selectFrom('applications').select('reference').orderBy('reference').execute()).map(
        (r) => r.reference,
      );
    };
    const retentionAudit = () =>
      database.db
        .selectFrom('audit_events')
        .select(['actor_user_id', 'detail', 'created_at'])
        .where('action', '=', RETENTION_JOB)
        .orderBy('id')
        .execute();

    it('the settings default to 30 days for sent emails, 12 months for drafts, hourly', () => {
      expect(loadConfig({}).retention).toEqual({ intervalMinutes: 60, outboxDays: 30, draftMonths: 12 });
      expect(loadConfig({ OUTBOX_RETENTION_DAYS: '7', DRAFT_RETENTION_MONTHS: '6' }).retention).toMatchObject({
        outboxDays: 7,
        draftMonths: 6,
      });
      expect(() => loadConfig({ DRAFT_RETENTION_MONTHS: '0' })).toThrow(/DRAFT_RETENTION_MONTHS/);
      expect(monthsBefore(new Date('2026-03-31T10:00:00Z'), 1).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    });

    it('deletes only what is past each limit, and records the counts in the audit trail', async () => {
      const db = database.db;
      const session = (id: string, expires: number) => ({
        id,
        data: '{}',
        expires_at: at(expires),
        created_at: at(-2 * HOUR),
        updated_at: at(-HOUR),
      });
      await db
        .insertInto('sessions')
        .values([session('expired-a-minute-ago', -60_000), session('live-for-a-minute', 60_000)])
        .execute();

      const code = (email: string, created: number, used: boolean) => ({
        email,
        code_hash: 'x'.repeat(64),
        ip: '192.0.2.1',
        expires_at: at(created + 10 * 60_000),
        used_at: used ? at(created + 60_000) : null,
        created_at: at(created),
      });
      await db
        .insertInto('sign_in_codes')
        .values([
          code('expired-25h-ago@example.org', -25 * HOUR, false),
          code('used-25h-ago@example.org', -25 * HOUR, true),
          code('expired-23h-ago@example.org', -23 * HOUR, false),
          code('used-23h-ago@example.org', -23 * HOUR, true),
          code('live@example.org', -5 * 60_000, false),
        ])
        .execute();

      const email = (to: string, status: string, created: number, sent: number | null) => ({
        to_email: to,
        template: 'sign-in-code',
        subject: 's',
        body: 'b',
        personalisation: '{}',
        status,
        next_attempt_at: at(created),
        locked_until: null,
        last_error: null,
        sent_at: sent === null ? null : at(sent),
        transport_id: null,
        created_at: at(created),
      });
      await db
        .insertInto('outbox')
        .values([
          email('sent-31-days-ago@example.org', 'sent', -31 * DAY, -31 * DAY),
          email('sent-29-days-ago@example.org', 'sent', -31 * DAY, -29 * DAY),
          email('pending-60-days@example.org', 'pending', -60 * DAY, null),
          email('failed-60-days@example.org', 'failed', -60 * DAY, null),
        ])
        .execute();

      // Two candidates: a candidate has one draft at a time.
      const [user, other] = await db
        .insertInto('users')
        .values(
          ['candidate@example.org', 'other.candidate@example.org'].map((email) => ({
            email,
            name: null,
            role: 'candidate',
            created_at: at(-800 * DAY),
            last_signed_in_at: null,
          })),
        )
        .returning('id')
        .execute();
      const yearAgo = new Date('2025-11-30T12:00:00.000Z').getTime() - NOW.getTime();
      const application = (reference: string, status: string, updated: number, candidateId = user!.id) => ({
        reference,
        candidate_id: candidateId,
        provider_id: null,
        status,
        answers: '{}',
        updated_at: at(updated),
        created_at: at(-800 * DAY),
      });
      await db
        .insertInto('applications')
        .values([
          application('DRAFT-OLD', 'draft', yearAgo - DAY),
          application('DRAFT-RECENT', 'draft', yearAgo + DAY, other!.id),
          application('SUBMITTED-OLD', 'withdrawn', -700 * DAY),
        ])
        .execute();

      // The public check's counts: a window that ended over a day ago goes; the current one stays.
      const nowSeconds = Math.floor(NOW.getTime() / 1000);
      await db
        .insertInto('check_rate_limits')
        .values([
          { bucket: 'check:192.0.2.1', window_start: nowSeconds - 86_400 - 600, hits: 3 },
          { bucket: 'check:192.0.2.1', window_start: nowSeconds - 300, hits: 1 },
        ])
        .execute();

      const counts = await runRetention(db, policy, { intervalMs, now: NOW });
      expect(counts).toEqual({
        sessions: 1,
        signInCodes: 2,
        sentEmails: 1,
        draftApplications: 1,
        rateLimitWindows: 1,
      });
      expect(await db.selectFrom('check_rate_limits').select('hits').execute()).toEqual([{ hits: 1 }]);
      expect(await labels('sessions')).toEqual(['live-for-a-minute']);
      expect(await labels('sign_in_codes')).toEqual([
        'expired-23h-ago@example.org',
        'live@example.org',
        'used-23h-ago@example.org',
      ]);
      expect(await labels('outbox')).toEqual([
        'failed-60-days@example.org',
        'pending-60-days@example.org',
        'sent-29-days-ago@example.org',
      ]);
      expect(await labels('applications')).toEqual(['DRAFT-RECENT', 'SUBMITTED-OLD']);
      const audit = await retentionAudit();
      expect(audit).toHaveLength(1);
      expect(audit[0]!.actor_user_id).toBeNull();
      expect(JSON.parse(audit[0]!.detail!)).toEqual(counts);
      console.log(`retention (${engine.name}): deleted ${JSON.stringify(counts)}; kept every row inside its limit`);
    });

    it('runs once an interval: not again before it is due, then again after', async () => {
      expect(await runRetention(database.db, policy, { intervalMs, now: new Date(NOW.getTime() + 60_000) })).toBe(
        undefined,
      );
      expect(await retentionAudit()).toHaveLength(1);
      const later = await runRetention(database.db, policy, { intervalMs, now: new Date(NOW.getTime() + intervalMs) });
      // An hour on, the session that had a minute left has expired too.
      expect(later).toEqual({ sessions: 1, signInCodes: 0, sentEmails: 0, draftApplications: 0, rateLimitWindows: 0 });
      expect(await labels('sessions')).toEqual([]);
      expect(await retentionAudit()).toHaveLength(2);
    });

    it('with several processes due at once, exactly one runs it', async () => {
      const others = await Promise.all(
        Array.from({ length: 4 }, () =>
          connectDatabase(database.url, database.schema ? { schema: database.schema, poolSize: 2 } : {}),
        ),
      );
      try {
        const due = new Date(NOW.getTime() + 3 * intervalMs);
        const runs = await Promise.all(others.map((other) => runRetention(other.db, policy, { intervalMs, now: due })));
        expect(runs.filter((r) => r !== undefined)).toHaveLength(1);
        expect(await retentionAudit()).toHaveLength(3);
        console.log(`retention (${engine.name}): 4 processes due at once → ${runs.filter(Boolean).length} ran it`);
      } finally {
        await Promise.all(others.map((other) => other.close()));
      }
    });
  });
}
