import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { parseDaysCsv } from '../../src/features/training/import.ts';
import {
  addPlacement,
  changeTraineeState,
  importDays,
  providerTrainee,
  traineeRecord,
} from '../../src/features/training/repository.ts';
import { addDays } from '../../src/shared/local-dates.ts';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { makeTrainee, sampleProvider, SCHOOLS } from '../helpers/training-fixtures.ts';

const run = promisify(execFile);
// A Friday at noon UTC: already Saturday 14 March in Auckland, still Friday 13 March in Honolulu.
const NOW = new Date('2026-03-13T12:00:00Z');
const TERM = { start: '2026-01-05', end: '2026-07-17' };

for (const engine of engines) {
  describe.skipIf(engine.skip)(`importing placement days from a provider's file (${engine.name})`, () => {
    let d: TestDatabase;
    let provider: Awaited<ReturnType<typeof sampleProvider>>;
    let amina: Awaited<ReturnType<typeof makeTrainee>>;
    const count = async (table: 'placement_days' | 'audit_events', action?: string) =>
      Number(
        (
          await d.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .$if(action !== undefined, (q) => q.where('action' as never, '=', action as never))
            .executeTakeFirstOrThrow()
        ).n,
      );

    beforeAll(async () => {
      d = await openTestDatabase(engine.name);
      provider = await sampleProvider(d.db);
      const when = new Date('2026-01-02T09:00:00Z');
      amina = await makeTrainee(
        d.db,
        provider,
        { email: 'amina@example.com', name: 'Amina Okafor', school: SCHOOLS.dubai, ...TERM },
        when,
      );
      await makeTrainee(
        d.db,
        provider,
        { email: 'ben@example.com', name: 'Ben Tane', school: SCHOOLS.auckland, ...TERM },
        when,
      );
      await makeTrainee(
        d.db,
        provider,
        { email: 'cai@example.com', name: 'Cai Kealoha', school: SCHOOLS.honolulu, ...TERM },
        when,
      );
      const deferred = await makeTrainee(
        d.db,
        provider,
        { email: 'dee@example.com', name: 'Dee Deferred', school: SCHOOLS.dubai, ...TERM },
        when,
      );
      const dee = (await providerTrainee(d.db, provider.scope, deferred.traineeId))!;
      const changed = await changeTraineeState(d.db, provider.scope, {
        trainee: dee,
        event: 'defer',
        detail: { date: '2026-02-01', reason: 'Illness' },
        personalisation: { date: '1 February 2026', reason: 'Illness' },
        serviceUrl: 'http://localhost:3000',
      });
      expect(changed.ok).toBe(true);
    });
    afterAll(async () => d?.dispose());

    it('refuses a bad file line by line, with the trainee form’s rules, and imports nothing', async () => {
      const bad = [
        'trainee_email,school,placement_start,date,portion,kind,note,status',
        'amina@example.com,,,2026-03-02,full,teaching,,',
        'cai@example.com,,,2026-03-14,full,teaching,,',
        'amina@example.com,,,2026-03-02,half,observing,,',
        'amina@example.com,,,2026-01-02,full,teaching,,',
        'nobody@example.com,,,2026-03-02,full,teaching,,',
        'amina@example.com,,,2026-02-30,full,teaching,,',
        'amina@example.com,,,2026-03-03,quarter,napping,,',
        'dee@example.com,,,2026-03-02,full,teaching,,',
        'amina@example.com,Nowhere School,,2026-03-04,full,teaching,,',
        'amina@example.com,,,2026-03-05,full,teaching,,approved',
        'amina@example.com,,2026-02-01,2026-03-06,full,teaching,,',
      ].join('\n');
      const result = await importDays(d.db, provider.providerId, parseDaysCsv(bad), NOW);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      const reason = (line: number) => result.problems.find((p) => p.line === line)!.reasons.join('; ');
      // Honolulu is still on Friday 13 March: the 14th has not happened there yet.
      expect(reason(3)).toBe(
        'cai@example.com: Saturday 14 March 2026 is in the future: log a day once it has happened',
      );
      expect(reason(4)).toBe('the same day (Monday 2 March 2026 at Test Dubai School) is on line 2');
      expect(reason(5)).toContain('Friday 2 January 2026 is outside this placement (5 January 2026 to 17 July 2026)');
      expect(reason(6)).toBe('nobody@example.com is not one of this provider’s trainees');
      expect(reason(7)).toBe('date "2026-02-30" is not a real date in the form 2026-03-02');
      expect(reason(8)).toContain('portion "quarter" must be full or half');
      expect(reason(8)).toContain('kind "napping" must be one of teaching, observing');
      expect(reason(9)).toBe('dee@example.com is ‘deferred’: days can only be logged while in training');
      expect(reason(10)).toContain('amina@example.com has no placement at “Nowhere School”');
      expect(reason(11)).toContain('status "approved" must be logged or confirmed');
      expect(reason(12)).toContain('has no placement starting 2026-02-01');
      expect(await count('placement_days')).toBe(0);
      expect(await count('audit_events', 'import-days')).toBe(0);
    });

    it('refuses a file without the columns it needs, or that is not CSV', () => {
      expect(parseDaysCsv('email,day\na,b\n').problems[0]!.reasons.join(' ')).toContain(
        'missing: trainee_email (or trainee_id), date, portion, kind',
      );
      expect(parseDaysCsv('trainee_email,date,portion,kind,colour\n').problems[0]!.reasons.join(' ')).toContain(
        'columns we do not know: colour',
      );
      expect(parseDaysCsv('trainee_id,date,portion,kind\n').problems[0]!.reasons[0]).toContain('no days');
      expect(parseDaysCsv('trainee_id,date,portion,kind\n"1,2026-03-02,full\n').problems[0]!.reasons[0]).toContain(
        'not valid CSV',
      );
    });

    it('imports a good file in the schools’ own dates; the same file again adds nothing and says so', async () => {
      const good = [
        'trainee_email,trainee_id,school,placement_start,date,portion,kind,note,status',
        'amina@example.com,,,,2026-03-09,full,teaching,Year 9 algebra,',
        `,${amina.traineeId},Test Dubai School,,2026-03-10,half,Observing,,`,
        'AMINA@example.com,,,2026-01-05,2026-03-11,Full day,intensive training and practice,,confirmed',
        // Already Saturday in Auckland.
        'ben@example.com,,,,2026-03-14,full,teaching,Saturday school,',
      ].join('\n');
      const first = await importDays(d.db, provider.providerId, parseDaysCsv(good), NOW);
      expect(first).toEqual({ ok: true, added: 4, confirmed: 1, already: 0, trainees: 2 });
      expect(await count('placement_days')).toBe(4);
      const auditRows = await count('audit_events');

      const trainee = (await providerTrainee(d.db, provider.scope, amina.traineeId))!;
      const record = await traineeRecord(d.db, trainee, NOW);
      expect(record.days.map((x) => [x.date, x.halves, x.kind, x.status])).toEqual([
        ['2026-03-09', 2, 'teaching', 'logged'],
        ['2026-03-10', 1, 'observing', 'logged'],
        ['2026-03-11', 2, 'intensive-training', 'confirmed'],
      ]);
      expect(record.progress.confirmedDays).toBe(1);
      expect(record.progress.awaitingDays).toBe(1.5);

      const again = await importDays(d.db, provider.providerId, parseDaysCsv(good), NOW);
      expect(again).toEqual({ ok: true, added: 0, confirmed: 0, already: 4, trainees: 0 });
      expect(await count('placement_days')).toBe(4);
      expect(await count('audit_events')).toBe(auditRows);
    });

    it('never changes a day already logged: a different portion for the same date is refused', async () => {
      const changed = 'trainee_email,date,portion,kind\namina@example.com,2026-03-09,half,teaching\n';
      const result = await importDays(d.db, provider.providerId, parseDaysCsv(changed), NOW);
      expect(result).toEqual({
        ok: false,
        problems: [
          {
            line: 2,
            reasons: [
              'Monday 9 March 2026 is already logged for amina@example.com at Test Dubai School as a full day of teaching: an import does not change a logged day',
            ],
          },
        ],
      });
    });

    it('refuses more than one full day on a date across two placements, and asks which placement', async () => {
      const trainee = (await providerTrainee(d.db, provider.scope, amina.traineeId))!;
      const auckland = await d.db
        .selectFrom('mentors as m')
        .innerJoin('placement_schools as s', 's.id', 'm.school_id')
        .select('m.id')
        .where('s.name', '=', 'Test Auckland School')
        .executeTakeFirstOrThrow();
      const added = await addPlacement(
        d.db,
        provider.scope,
        trainee,
        { mentorId: auckland.id, startDate: '2026-03-01', endDate: '2026-07-17' },
        NOW,
      );
      expect(added.ok).toBe(true);
      const before = await count('placement_days');
      const file = [
        'trainee_email,school,date,portion,kind',
        'amina@example.com,Test Dubai School,2026-03-12,full,teaching',
        'amina@example.com,Test Auckland School,2026-03-12,half,observing',
        'amina@example.com,,2026-03-13,full,teaching',
      ].join('\n');
      const result = await importDays(d.db, provider.providerId, parseDaysCsv(file), NOW);
      expect(result).toEqual({
        ok: false,
        problems: [
          {
            line: 3,
            reasons: [
              'amina@example.com: The trainee cannot log more than one full day on Thursday 12 March 2026: the trainee has logged time at another placement that day',
            ],
          },
          {
            line: 4,
            reasons: ['amina@example.com has 2 placements: give the placement_start (or the school) to say which'],
          },
        ],
      });
      expect(await count('placement_days')).toBe(before);
    });
  });
}

describe('npm run import:days (a child process on a SQLite file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iqts-import-days-'));
  const url = `sqlite:${join(dir, 'iqts.sqlite')}`;
  const today = new Date().toISOString().slice(0, 10);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    const handle = await connectDatabase(url);
    await migrateToLatest(handle);
    const provider = await sampleProvider(handle.db);
    await makeTrainee(handle.db, provider, {
      email: 'amina@example.com',
      name: 'Amina Okafor',
      school: SCHOOLS.dubai,
      start: addDays(today, -70),
      end: addDays(today, 100),
    });
    await handle.close();
  });

  const importFile = async (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return run('npm', ['run', '--silent', 'import:days', file, '--provider', 'sample-provider-worldwide-online'], {
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' },
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  };
  const dayCount = async () => {
    const handle = await connectDatabase(url);
    try {
      return (await handle.db.selectFrom('placement_days').select('date').execute()).length;
    } finally {
      await handle.close();
    }
  };

  it('refuses a file with a bad row, names its line and imports nothing', async () => {
    const res = await importFile(
      'bad.csv',
      `trainee_email,date,portion,kind\namina@example.com,${addDays(today, -10)},full,teaching\namina@example.com,${addDays(today, 5)},full,teaching\n`,
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('1 row cannot be imported, so nothing was imported');
    expect(res.stderr).toContain('line 3: amina@example.com:');
    expect(res.stderr).toContain('is in the future');
    expect(await dayCount()).toBe(0);
  }, 60_000);

  it('imports a good file, then says a second run added nothing', async () => {
    const text = `trainee_email,date,portion,kind,status\namina@example.com,${addDays(today, -10)},full,teaching,\namina@example.com,${addDays(today, -9)},half,observing,confirmed\n`;
    const first = await importFile('good.csv', text);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(
      '2 days added for 1 trainee of Sample Provider Worldwide Online (1 confirmed, 1 awaiting the mentor)',
    );
    const second = await importFile('good.csv', text);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain(
      'nothing added for Sample Provider Worldwide Online: all 2 days in the file are already in the service',
    );
    expect(await dayCount()).toBe(2);
  }, 60_000);
});
