import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_NAVIGATION } from '../../src/platform/views.ts';
import { $, startTestApp, type TestApp } from '../helpers/app.ts';
import { signInAs } from '../helpers/training.ts';
import { sampleProvider } from '../helpers/training-fixtures.ts';

/** DfE admins move between their sections from a row of links under the header; nobody else sees it. */
describe('the admins’ section navigation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await sampleProvider(t.database.db);
    await t.database.db
      .insertInto('users')
      .values({ email: 'nav.admin@example.org', name: null, role: 'admin', created_at: new Date().toISOString() })
      .execute();
  });
  afterAll(() => t?.close());

  it('lists every admin section on each admin page and marks the one the admin is in', async () => {
    const admin = await signInAs(t, 'nav.admin@example.org');
    for (const section of ADMIN_NAVIGATION) {
      const page = $(await admin.get(section.href));
      const links = page('nav[aria-label="DfE administration"] a');
      expect(links.map((_i, a) => page(a).attr('href')).get()).toEqual(ADMIN_NAVIGATION.map((i) => i.href));
      expect(page('nav[aria-label="DfE administration"] a[aria-current="page"]').attr('href')).toBe(section.href);
    }
  });

  it('is not shown to a provider user', async () => {
    const provider = await signInAs(t, 'sample.provider1@example.com');
    const page = $(await provider.get('/provider'));
    expect(page('nav[aria-label="DfE administration"]').length).toBe(0);
  });
});
