import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeState } from '../../src/features/applications/repository.ts';
import { LEASE_MS, leasedCount, runDeadlines } from '../../src/features/deadlines/job.ts';
import { DEADLINE_POLICIES } from '../../src/features/deadlines/policy.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { loadReferenceProviders } from '../../src/features/providers/reference-data.ts';
import { fromRoot } from '../../src/shared/paths.ts';
import { candidateScope } from '../../src/shared/scope.ts';
import { engines, openTestDatabase, POSTGRES_URL, type TestDatabase } from '../helpers/databases.ts';

/**
 * The deadlines job under stress: runners racing for the same rows, a runner failing and a
 * runner killed between claiming rows and finishing them. Whatever happens, each passed
 * deadline is applied exactly once: one state change, one audit row, one email to each side.
 */
const SERVICE_URL = 'http://localhost:3000';
const version = DEADLINE_POLICIES[0]!.version;

for (const engine of engines) {
  describe.skipIf(engine.skip)(`the deadlines job: races and crashes (${engine.name})`, () => {
    let database: TestDatabase;
    let providerId: number;
    let batchNo = 0;

    beforeAll(async () => {
      database = await openTestDatabase(engine.name);
      await loadReferenceProviders(database.db);
      await seedSampleData(database.db, 0);
      providerId = (
        await database.db
          .selectFrom('providers')
          .select('id')
          .where('slug', '=', 'sample-provider-worldwide-online')
          .executeTakeFirstOrThrow()
      ).id;
    }, 60_000);
    afterAll(async () => database?.dispose());

    /** Applications with deadlines that passed a minute before `now`: decisions, and offers. */
    async function passedDeadlines(decisions: number, offers: number, now: Date): Promise<number[]> {
      const db = database.db;
      const batch = ++batchNo;
      const stamp = new Date(now.getTime() - 30 * 86_400_000).toISOString();
      const due = new Date(now.getTime() - 60_000).toISOString();
      const ids: number[] = [];
      for (let i = 0; i < decisions + offers; i++) {
        const offer = i >= decisions;
        const email = `race.${batch}.${i}@example.org`;
        const user = await db
          .insertInto('users')
          .values({
            email,
            name: null,
            role: 'candidate',
            created_at: stamp,
            last_signed_in_at: null,
            time_zone: 'Pacific/Auckland',
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const app = await db
          .insertInto('applications')
          .values({
            reference: `IQTS-R${String(batch).padStart(2, '0')}${String(i).padStart(4, '0')}`,
            candidate_id: user.id,
            provider_id: providerId,
            status: offer ? 'offer' : 'awaiting-decision',
            answers: '{}',
            candidate_name: `Sample Candidate ${batch}.${i}`,
            submitted_at: stamp,
            created_at: stamp,
            updated_at: stamp,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await db
          .insertInto('deadlines')
          .values({
            application_id: app.id,
            kind: offer ? 'offer-response' : 'provider-decision',
            policy_version: version,
            zone: offer ? 'Pacific/Auckland' : 'Europe/London',
            last_day: due.slice(0, 10),
            due_at: due,
            opened_at: stamp,
            next_reminder_at: null,
            lease_until: null,
            lease_token: null,
            closed_at: null,
            closed_by: null,
            applied_at: null,
          })
          .execute();
        ids.push(app.id);
      }
      return ids;
    }

    /** Each application decided by default exactly once, with one audit row and one email a side. */
    async function appliedOnce(ids: number[]) {
      const db = database.db;
      const apps = await db
        .selectFrom('applications')
        .select(['id', 'status', 'reference'])
        .where('id', 'in', ids)
        .execute();
      for (const a of apps) expect(['rejected', 'declined'], a.reference).toContain(a.status);
      const audits = await db
        .selectFrom('audit_events')
        .select('application_id')
        .where('application_id', 'in', ids)
        .where('action', 'in', ['reject-by-default', 'decline-by-default'])
        .execute();
      expect(audits.length).toBe(ids.length);
      expect(new Set(audits.map((a) => a.application_id)).size).toBe(ids.length);
      const mails = await db
        .selectFrom('outbox')
        .select(['template', 'body'])
        .where('template', 'in', ['application-rejected-by-default', 'offer-declined-by-default'])
        .execute();
      for (const a of apps) expect(mails.filter((m) => m.body.includes(a.reference)).length, a.reference).toBe(1);
      const open = await db
        .selectFrom('deadlines')
        .select(['closed_by', 'lease_token'])
        .where('application_id', 'in', ids)
        .execute();
      expect(open.every((d) => d.closed_by === 'default' && d.lease_token === null)).toBe(true);
    }

    it('50 runners racing apply each default exactly once', async () => {
      const now = new Date();
      const ids = await passedDeadlines(30, 10, now);
      const runs = await Promise.all(
        Array.from({ length: 50 }, () => runDeadlines(database.db, { serviceUrl: SERVICE_URL, now, batch: 3 })),
      );
      let applied = runs.reduce((n, r) => n + r.applied, 0);
      // Anything no runner reached (each skipped rows others held) is taken by the next run.
      for (;;) {
        const more = await runDeadlines(database.db, { serviceUrl: SERVICE_URL, now });
        if (!more.claimed) break;
        applied += more.applied;
      }
      expect(applied).toBe(ids.length);
      await appliedOnce(ids);
    }, 120_000);

    it('a candidate answering as the job declines: each offer is accepted or declined by default, never both', async () => {
      const now = new Date();
      const ids = await passedDeadlines(0, 20, now);
      const apps = await database.db
        .selectFrom('applications')
        .select(['id', 'candidate_id', 'reference'])
        .where('id', 'in', ids)
        .execute();
      await Promise.all([
        ...apps.map((a) =>
          changeState(database.db, candidateScope(a.candidate_id), {
            applicationId: a.id,
            event: 'accept-offer',
            serviceUrl: SERVICE_URL,
          }),
        ),
        ...Array.from({ length: 10 }, () => runDeadlines(database.db, { serviceUrl: SERVICE_URL, now, batch: 2 })),
      ]);
      for (;;) if (!(await runDeadlines(database.db, { serviceUrl: SERVICE_URL, now })).claimed) break;
      const after = await database.db
        .selectFrom('applications as a')
        .innerJoin('deadlines as d', 'd.application_id', 'a.id')
        .select(['a.id', 'a.status', 'a.reference', 'd.closed_by'])
        .where('a.id', 'in', ids)
        .execute();
      const audits = await database.db
        .selectFrom('audit_events')
        .select(['application_id', 'action'])
        .where('application_id', 'in', ids)
        .execute();
      for (const a of after) {
        const actions = audits.filter((e) => e.application_id === a.id).map((e) => e.action);
        if (a.status === 'declined') {
          expect(a.closed_by).toBe('default');
          expect(actions).toEqual(['decline-by-default']);
        } else {
          expect(a.status, a.reference).toBe('conditions-pending');
          expect(a.closed_by).toBe('decided');
          expect(actions).toEqual(['accept-offer']);
        }
      }
      expect(after).toHaveLength(ids.length);
    }, 60_000);

    it('a run that fails between claiming and finishing leaves nothing half done; the rows come back when the lease lapses', async () => {
      const now = new Date();
      const ids = await passedDeadlines(6, 4, now);
      await expect(
        runDeadlines(database.db, {
          serviceUrl: SERVICE_URL,
          now,
          afterClaim: () => {
            throw new Error('the process stopped here');
          },
        }),
      ).rejects.toThrow('the process stopped here');
      expect(await leasedCount(database.db)).toBe(ids.length);
      const statuses = await database.db.selectFrom('applications').select('status').where('id', 'in', ids).execute();
      expect(statuses.every((s) => s.status === 'awaiting-decision' || s.status === 'offer')).toBe(true);
      // Still held: another run now leaves them alone.
      expect((await runDeadlines(database.db, { serviceUrl: SERVICE_URL, now })).claimed).toBe(0);
      const later = new Date(now.getTime() + LEASE_MS + 1000);
      expect((await runDeadlines(database.db, { serviceUrl: SERVICE_URL, now: later })).applied).toBe(ids.length);
      expect((await runDeadlines(database.db, { serviceUrl: SERVICE_URL, now: later })).claimed).toBe(0);
      await appliedOnce(ids);
    });

    it('a runner process killed (SIGKILL) after claiming: a rerun applies every deadline once, none twice, none missed', async () => {
      const now = new Date();
      const ids = await passedDeadlines(8, 4, now);
      const child = spawn(process.execPath, ['--import', 'tsx', fromRoot('test/deadlines/claim-then-wait.ts')], {
        cwd: fromRoot(),
        env: {
          ...process.env,
          DATABASE_URL: engine.name === 'sqlite' ? database.url : POSTGRES_URL,
          ...(database.schema ? { DATABASE_SCHEMA: database.schema } : {}),
          RUN_AT: now.toISOString(),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const claimed = await new Promise<number>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /claimed (\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.on('exit', (code) => reject(new Error(`the runner stopped by itself (${code})`)));
      });
      expect(claimed).toBe(ids.length);
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      expect(await leasedCount(database.db)).toBe(ids.length);
      const later = new Date(now.getTime() + LEASE_MS + 1000);
      const rerun = await Promise.all(
        Array.from({ length: 5 }, () => runDeadlines(database.db, { serviceUrl: SERVICE_URL, now: later })),
      );
      expect(rerun.reduce((n, r) => n + r.applied, 0)).toBe(ids.length);
      await appliedOnce(ids);
    }, 60_000);
  });
}
