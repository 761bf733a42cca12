import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/audit/repository.ts';
import { removeSampleData, seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { cleanUp } from '../../src/jobs/retention.ts';
import { signIn } from '../helpers/accounts.ts';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';

/**
 * The DfE's audit log: filters in the URL, newest first, a page at a time, the same rows as
 * CSV; bad filters answered with the error summary. And the trail itself is append-only:
 * the database refuses to change or delete a row, and no code under src/ tries.
 */
const auditCount = async (t: TestApp) =>
  Number(
    (
      await t.database.db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** CSV lines, without the header: one per row (no cell here holds a line break). */
const csvRows = (body: string) => body.trim().split('\r\n').slice(1);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.(ts|js|mjs)$/.test(name) ? [path] : [];
  });
}

it('no code under src/ updates or deletes audit rows', () => {
  const root = new URL('../../src', import.meta.url).pathname;
  const files = sourceFiles(root);
  expect(files.length).toBeGreaterThan(50);
  const writes = [
    /(updateTable|deleteFrom)\(\s*['"`]audit_events\b/,
    /\b(update|delete\s+from|truncate(\s+table)?)\s+["`]?audit_events\b/i,
    /\.(replaceInto|mergeInto)\(\s*['"`]audit_events\b/,
  ];
  const offenders = files.filter((file) => writes.some((pattern) => pattern.test(readFileSync(file, 'utf8'))));
  expect(offenders).toEqual([]);
  // The scan finds what it looks for: the patterns match the calls they forbid.
  expect(writes[0]!.test("db.deleteFrom('audit_events').execute()")).toBe(true);
  expect(writes[1]!.test('sql`delete from audit_events`')).toBe(true);
});

for (const engine of engines) {
  describe.skipIf(engine.skip)(`the audit trail is append-only (${engine.name})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
      await recordAudit(t.database.db, {
        actorUserId: null,
        providerId: null,
        applicationId: null,
        action: 'probe',
      });
    }, 60_000);
    afterAll(async () => t?.close());

    it('the database refuses to update or delete an audit row', async () => {
      const db = t.database.db;
      const before = await db.selectFrom('audit_events').selectAll().orderBy('id').execute();
      expect(before.length).toBeGreaterThan(0);
      await expect(sql`update audit_events set action = 'changed'`.execute(db)).rejects.toThrow(/append-only/);
      await expect(sql`delete from audit_events`.execute(db)).rejects.toThrow(/append-only/);
      if (engine.name === 'postgres')
        await expect(sql`truncate audit_events`.execute(db)).rejects.toThrow(/append-only/);
      // Inside a transaction too, which then rolls back.
      await expect(
        db.transaction().execute(async (trx) => {
          await recordAudit(trx, { actorUserId: null, providerId: null, applicationId: null, action: 'in-trx' });
          await sql`delete from audit_events where action = 'probe'`.execute(trx);
        }),
      ).rejects.toThrow(/append-only/);
      expect(await db.selectFrom('audit_events').selectAll().orderBy('id').execute()).toEqual(before);
    });

    it('the sample-data unloader and the retention job keep the audit rows of what they delete', async () => {
      const db = t.database.db;
      await seedSampleData(db, 0, { trainees: { serviceUrl: 'http://iqts.test' } });
      const beforeRemove = await auditCount(t);
      expect(beforeRemove).toBeGreaterThan(10);
      await removeSampleData(db);
      expect(await auditCount(t)).toBe(beforeRemove + 1);
      const removed = await db
        .selectFrom('audit_events')
        .select('detail')
        .where('action', '=', 'remove-sample-data')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(removed.detail!)).toMatchObject({ providers: 6 });

      // A draft application with an audit row, old enough for retention to delete.
      const old = '2020-01-01T00:00:00.000Z';
      const user = await db
        .insertInto('users')
        .values({
          email: 'old.draft@example.org',
          name: null,
          role: 'candidate',
          created_at: old,
          last_signed_in_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const draft = await db
        .insertInto('applications')
        .values({
          reference: 'IQTS-OLDDRFT',
          candidate_id: user.id,
          provider_id: null,
          status: 'draft',
          answers: '{}',
          candidate_name: null,
          country: null,
          phase: null,
          offer_conditions: null,
          rejection: null,
          withdrawal_reason: null,
          placement_school_id: null,
          submitted_at: null,
          updated_at: old,
          created_at: old,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(db, { actorUserId: user.id, providerId: null, applicationId: draft.id, action: 'probe-draft' });
      const counts = await cleanUp(db, { outboxDays: 30, draftMonths: 12 });
      expect(counts.draftApplications).toBe(1);
      const kept = await db
        .selectFrom('audit_events')
        .select('application_id')
        .where('action', '=', 'probe-draft')
        .execute();
      expect(kept).toEqual([{ application_id: draft.id }]);
    }, 120_000);
  });

  describe.skipIf(engine.skip)(`the DfE's audit log (${engine.name})`, () => {
    let t: TestApp;
    let admin: FormClient;
    let providerA: { id: number; name: string };
    let providerB: { id: number; name: string };
    let actorId: number;
    let otherActorId: number;
    let reference: string;
    let applicationId: number;
    let traineeId: number;

    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
      const db = t.database.db;
      const provider = async (slug: string) =>
        db.selectFrom('providers').select(['id', 'name']).where('slug', '=', slug).executeTakeFirstOrThrow();
      providerA = await provider('university-of-derby');
      providerB = await provider('university-of-warwick');
      const user = async (email: string, role: string) =>
        (
          await db
            .insertInto('users')
            .values({ email, name: null, role, created_at: new Date().toISOString(), last_signed_in_at: null })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
      actorId = await user('actor.one@example.org', 'provider');
      otherActorId = await user('actor.two@example.org', 'provider');
      await user('audit.admin@example.org', 'admin');
      const candidate = await user('audit.candidate@example.org', 'candidate');
      const stamp = '2026-03-01T10:00:00.000Z';
      reference = 'IQTS-AUD1T00';
      applicationId = (
        await db
          .insertInto('applications')
          .values({
            reference,
            candidate_id: candidate,
            provider_id: providerA.id,
            status: 'recruited',
            answers: '{}',
            candidate_name: 'Audit Candidate',
            country: 'NG',
            phase: 'secondary',
            offer_conditions: null,
            rejection: null,
            withdrawal_reason: null,
            placement_school_id: null,
            submitted_at: stamp,
            updated_at: stamp,
            created_at: stamp,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      traineeId = (
        await db
          .insertInto('trainees')
          .values({
            application_id: applicationId,
            provider_id: providerA.id,
            candidate_id: candidate,
            name: 'Audit Candidate',
            state: 'awarded',
            start_date: '2025-09-01',
            expected_end_date: '2026-07-01',
            study_mode: 'full-time',
            days_per_week: 5,
            age_range: '11 to 18',
            subjects: '["Mathematics"]',
            training_country: 'NG',
            criteria_version: '2025-04',
            cohort: '2025',
            updated_at: stamp,
            created_at: stamp,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      const teacher = await db
        .insertInto('teachers')
        .values({
          trn: '7654321',
          email: 'audit.candidate@example.org',
          date_of_birth: '1990-01-01',
          name: 'Audit Candidate',
          created_at: stamp,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('awards')
        .values({
          trainee_id: traineeId,
          teacher_id: teacher.id,
          trn: '7654321',
          date_of_birth: '1990-01-01',
          name: 'Audit Candidate',
          outcome_date: '2026-07-01',
          route: 'iQTS',
          training_country: 'NG',
          provider_id: providerA.id,
          provider_name: providerA.name,
          age_range: '11 to 18',
          subjects: '["Mathematics"]',
          verify_code: 'abcdefghijklmnopqrstuv',
          awarded_by: null,
          awarded_at: stamp,
          revoked_at: null,
          revoke_reason: null,
        })
        .execute();
      // 60 rows for provider A by actor one across March 2026, one a day-ish; 5 for provider B by actor two.
      for (let i = 0; i < 60; i++) {
        await recordAudit(
          db,
          {
            actorUserId: actorId,
            providerId: providerA.id,
            applicationId: i < 10 ? applicationId : null,
            traineeId: i >= 10 && i < 15 ? traineeId : null,
            action: i % 2 ? 'make-offer' : 'edit-provider-profile',
            from: i % 2 ? 'awaiting-provider-decision' : null,
            to: i % 2 ? 'offer' : null,
            detail: { n: i },
          },
          new Date(Date.parse('2026-03-01T00:00:00.000Z') + i * 12 * 3_600_000),
        );
      }
      for (let i = 0; i < 5; i++)
        await recordAudit(
          db,
          { actorUserId: otherActorId, providerId: providerB.id, applicationId: null, action: 'add-partner-school' },
          new Date(Date.parse('2026-04-10T12:00:00.000Z') + i * 60_000),
        );
      // A value that a spreadsheet would run as a formula.
      await recordAudit(
        db,
        {
          actorUserId: null,
          providerId: providerB.id,
          applicationId: null,
          action: '=HYPERLINK("http://x")',
          detail: '@cmd',
        },
        new Date('2026-04-11T00:00:00.000Z'),
      );
      admin = new FormClient(t.app);
      await signIn(admin, db, 'audit.admin@example.org');
    }, 60_000);
    afterAll(async () => t?.close());

    const page = async (query: string) => {
      const res = await admin.get(`/admin/audit${query}`);
      return { res, $: $(res) };
    };
    const totalOf = (p: Awaited<ReturnType<typeof page>>) =>
      Number(/^(\d+) change/.exec(p.$('#results-heading').text())?.[1]);
    /** The page's total, the CSV file's rows, and the database's count agree. */
    const agree = async (query: string, expected: number) => {
      const p = await page(query);
      expect(p.res.statusCode, query).toBe(200);
      expect(totalOf(p), query).toBe(expected);
      const csv = await admin.get(`/admin/audit.csv${query}`);
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csvRows(csv.body), query).toHaveLength(expected);
      return p;
    };

    it('shows every row newest first, 50 a page, with the filters kept in the page links', async () => {
      const all = await agree('', await auditCount(t));
      const rows = all.$('tbody tr');
      expect(rows).toHaveLength(50);
      expect(rows.first().text()).toContain('=HYPERLINK');
      expect(all.$('a[href="/admin/audit"]').text()).toContain('Clear filters');
      const filtered = await page(`?providerId=${providerA.id}`);
      const next = filtered.$('.govuk-pagination__next a').attr('href');
      expect(next).toBe(`/admin/audit?providerId=${providerA.id}&page=2`);
      const second = $(await admin.get(next!));
      expect(second('tbody tr')).toHaveLength(10);
      // The oldest row is last on the last page.
      expect(second('tbody tr').last().text()).toContain('{"n":0}');
      expect(second('#providerId option[selected]').attr('value')).toBe(String(providerA.id));
    });

    it('filters by provider, actor, record, action and dates, and the CSV file holds exactly the rows shown', async () => {
      await agree(`?providerId=${providerA.id}`, 60);
      await agree(`?providerId=${providerB.id}`, 6);
      await agree(`?actor=${otherActorId}`, 5);
      await agree(`?actor=${encodeURIComponent('Actor.Two@Example.org')}`, 5);
      await agree(`?actor=nobody%40example.org`, 0);
      await agree(`?reference=${reference.toLowerCase()}`, 15);
      await agree(`?traineeId=${traineeId}`, 5);
      await agree('?trn=7654321', 5);
      await agree('?trn=1111111', 0);
      await agree('?action=make-offer', 30);
      await agree(`?action=make-offer&providerId=${providerA.id}&actor=${actorId}`, 30);
      // Dates are whole UTC days, both included: 1 March 00:00 and 12:00 are rows 0 and 1.
      await agree('?from-day=1&from-month=3&from-year=2026&to-day=1&to-month=3&to-year=2026', 2);
      await agree('?from-day=10&from-month=4&from-year=2026', 6);
      await agree('?to-day=31&to-month=mar&to-year=2026', 60);
      const p = await page(`?reference=${reference}`);
      expect(p.$('#reference').val()).toBe(reference);
      expect(p.$('tbody').text()).toContain(providerA.name);
      expect(p.$('tbody').text()).toContain('awaiting-provider-decision to offer');
      expect(p.$(`tbody a[href="/admin/users/${actorId}"]`).first().text()).toBe('actor.one@example.org');
    });

    it('a CSV cell never starts a formula', async () => {
      const csv = await admin.get(`/admin/audit.csv?providerId=${providerB.id}&to-day=11&to-month=4&to-year=2026`);
      expect(csv.headers['content-disposition']).toContain('attachment');
      const lines = csv.body.trim().split('\r\n');
      expect(lines[0]).toBe(
        'id,time (UTC),actor user id,actor email,provider id,provider,application id,application reference,trainee id,action,from,to,detail',
      );
      const formula = lines.find((l) => l.includes('HYPERLINK'))!;
      expect(formula).toContain(`"'=HYPERLINK(""http://x"")"`);
      expect(formula.split(',').every((cell) => !/^[=+\-@]/.test(cell))).toBe(true);
    });

    it('invalid filters: the error summary, a 400 and no rows, never a 500', async () => {
      const range = await page('?from-day=10&from-month=4&from-year=2026&to-day=1&to-month=4&to-year=2026');
      expect(range.res.statusCode).toBe(400);
      expect(range.$('title').text()).toMatch(/^Error: Audit log/);
      expect(range.$('.govuk-error-summary a').attr('href')).toBe('#to-day');
      expect(range.$('.govuk-error-summary').text()).toContain('To date must be the same as or after the from date');
      expect(range.$('#to-day').val()).toBe('1');
      expect(range.$('tbody tr')).toHaveLength(0);
      const cases: [string, string][] = [
        ['?from-day=31&from-month=2&from-year=2026', 'From date must be a real date'],
        ['?to-day=1&to-year=2026', 'To date must include a day, month and year'],
        ['?providerId=abc', 'Select a provider from the list'],
        ['?actor=%3Cscript%3E', 'email address in the correct format'],
        ['?reference=IQTS-1', 'application reference in the correct format'],
        ['?traineeId=-1', 'Enter a trainee ID as a number'],
        ['?trn=123', 'teacher reference number of 7 digits'],
        ['?action=DROP%20TABLE', 'Select an action from the list'],
        ['?page=0', 'Page must be a number'],
      ];
      for (const [query, message] of cases) {
        const p = await page(query);
        expect(p.res.statusCode, query).toBe(400);
        expect(p.$('.govuk-error-summary').text(), query).toContain(message);
        const csv = await admin.get(`/admin/audit.csv${query}`);
        expect(csv.statusCode, query).toBe(400);
      }
      const hostile = [
        '?providerId=1&providerId=2',
        '?actor[]=1',
        '?from-day[x]=1',
        `?actor=${'a'.repeat(5000)}`,
        '?page=99999',
        '?traineeId=99999999999999999999',
        '?reference=%00',
      ];
      for (const query of hostile) {
        expect((await admin.get(`/admin/audit${query}`)).statusCode, query).toBeLessThan(500);
        expect((await admin.get(`/admin/audit.csv${query}`)).statusCode, query).toBeLessThan(500);
      }
    });
  });
}
