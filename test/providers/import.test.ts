import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSchoolsCsv } from '../../src/features/placement-schools/import.ts';
import { importSchools } from '../../src/features/placement-schools/repository.ts';
import { removeSampleData, seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { loadReferenceProviders, readReferenceProviders } from '../../src/features/providers/reference-data.ts';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.ts';

const GOOD = `name,town,country,phases,languages,verified
Al Noor School,Dubai,AE,primary;secondary,English;Arabic,yes
Lekki Academy,Lagos,NG,secondary,English,no
Escola Paulista,São Paulo,BR,primary,Portuguese;English,
Ridge School,Accra,GH,,,
Harbour School,Somewhere,FJ,primary,English,no
`.replace('Somewhere,FJ', 'Suva,FJ');

const BAD = `name,town,country,latitude,longitude,phases
Good School,Dubai,AE,,,primary
,Dubai,AE,,,primary
Bad Country,Lagos,XX,,,secondary
Bad Phase,Accra,GH,,,nursery
Far Away,Atlantis,GR,,,primary
Off The Map,Nowhere,AE,95,200,primary
Good School,Dubai,AE,,,primary
`;

for (const engine of engines) {
  describe.skipIf(engine.skip)(`reference data, sample data and school import (${engine.name})`, () => {
    let d: TestDatabase;
    let providerId: number;
    const count = async (table: 'placement_schools' | 'partnerships' | 'providers') =>
      Number(
        (
          await d.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    beforeAll(async () => {
      d = await openTestDatabase(engine.name);
      await loadReferenceProviders(d.db);
      providerId = (
        await d.db
          .selectFrom('providers')
          .select('id')
          .where('slug', '=', 'university-of-warwick')
          .executeTakeFirstOrThrow()
      ).id;
    });
    afterAll(async () => d.dispose());

    it('loads every provider in data/providers.yaml once; a second load adds nothing', async () => {
      const listed = readReferenceProviders();
      expect(await count('providers')).toBe(listed.length);
      expect(await loadReferenceProviders(d.db)).toBe(0);
      expect(await count('providers')).toBe(listed.length);
      const approved = await d.db.selectFrom('providers').select('name').where('status', '=', 'approved').execute();
      expect(approved.length).toBe(listed.filter((p) => p.listed.at(-1)!.to === null).length);
    });

    it('the public facts from the providers’ pages are refreshed on every load; the provider’s own values are kept', async () => {
      const derby = () =>
        d.db
          .selectFrom('providers')
          .select(['public_facts', 'phases'])
          .where('slug', '=', 'university-of-derby')
          .executeTakeFirstOrThrow();
      const loaded = JSON.parse((await derby()).public_facts!) as Record<string, { text: string; source: string }>;
      expect(loaded['fee']).toMatchObject({ text: '£8,000 (UK and international)', asOf: '2024/25', currency: 'GBP' });
      expect(loaded['fee']!.source).toMatch(/^https:\/\/www\.derby\.ac\.uk\//);
      // An older copy of the facts, and a value the provider set itself.
      await d.db
        .updateTable('providers')
        .set({ public_facts: '{}', phases: '["secondary"]' })
        .where('slug', '=', 'university-of-derby')
        .execute();
      expect(await loadReferenceProviders(d.db)).toBe(0);
      const after = await derby();
      expect(JSON.parse(after.public_facts!)).toEqual(loaded);
      expect(after.phases).toBe('["secondary"]');
    });

    it('a file with bad rows is reported line by line and nothing is imported', async () => {
      const { rows, problems } = validateSchoolsCsv(BAD);
      expect(rows.length).toBe(1);
      expect(problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7, 8]);
      const reason = (line: number) => problems.find((p) => p.line === line)!.reasons.join('; ');
      expect(reason(3)).toContain('enter the school name');
      expect(reason(4)).toContain('country "XX" is not an ISO 3166-1 two-letter code');
      expect(reason(5)).toContain('phases must be primary, secondary or both');
      expect(reason(6)).toContain('we cannot find the town "Atlantis" in Greece');
      expect(reason(7)).toContain('latitude must be a number from -90 to 90');
      expect(reason(7)).toContain('longitude must be a number from -180 to 180');
      expect(reason(8)).toContain('the same school is on line 2');
      expect(await count('placement_schools')).toBe(0);
    });

    it('a bad header or a file that is not CSV is refused with a reason', () => {
      expect(validateSchoolsCsv('school,city\nA,B\n').problems[0]!.reasons.join(' ')).toContain(
        'missing: name, town, country',
      );
      expect(validateSchoolsCsv('name,town,country\n').problems[0]!.reasons[0]).toContain('no schools');
      expect(validateSchoolsCsv('name,town,country\n"unterminated,Dubai,AE\n').problems[0]!.reasons[0]).toContain(
        'not valid CSV',
      );
    });

    it('imports a good file, looking towns up offline; a re-run changes nothing', async () => {
      const { rows, problems } = validateSchoolsCsv(GOOD);
      expect(problems).toEqual([]);
      const first = await importSchools(d.db, providerId, rows);
      expect(first).toEqual({ added: 5, updated: 0, unchanged: 0, partnershipsAdded: 5 });
      const lagos = await d.db
        .selectFrom('placement_schools')
        .selectAll()
        .where('name', '=', 'Lekki Academy')
        .executeTakeFirstOrThrow();
      expect(lagos.lat).toBeCloseTo(6.45, 0);
      expect(lagos.lon).toBeCloseTo(3.39, 0);
      expect(JSON.parse(lagos.phases!)).toEqual(['secondary']);

      const again = await importSchools(d.db, providerId, validateSchoolsCsv(GOOD).rows);
      expect(again).toEqual({ added: 0, updated: 0, unchanged: 5, partnershipsAdded: 0 });
      expect(await count('placement_schools')).toBe(5);
      expect(await count('partnerships')).toBe(5);
    });

    it('sample data is labelled, only added when asked, and removed with one call', async () => {
      const before = { schools: await count('placement_schools'), providers: await count('providers') };
      const added = await seedSampleData(d.db, 50);
      expect(added.schools).toBe(50);
      const samples = await d.db.selectFrom('placement_schools').select('name').where('is_sample', '=', 1).execute();
      expect(samples.every((s) => s.name.startsWith('Sample '))).toBe(true);
      const sampleProviders = await d.db.selectFrom('providers').select('name').where('is_sample', '=', 1).execute();
      expect(sampleProviders.every((p) => p.name.startsWith('Sample Provider'))).toBe(true);
      // No real provider is given a sample partnership.
      const realLinks = await d.db
        .selectFrom('partnerships as p')
        .innerJoin('providers as pr', 'pr.id', 'p.provider_id')
        .select('p.id')
        .where('p.is_sample', '=', 1)
        .where('pr.is_sample', '=', 0)
        .execute();
      expect(realLinks).toEqual([]);
      await removeSampleData(d.db);
      expect(await count('placement_schools')).toBe(before.schools);
      expect(await count('providers')).toBe(before.providers);
    });
  });
}

it('the reference file is the project’s own copy, with its sources', () => {
  const text = readFileSync(new URL('../../data/providers.yaml', import.meta.url), 'utf8');
  expect(text).toContain('Sources are the public repository DFE-Digital/get-into-teaching-app');
});
