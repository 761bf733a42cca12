import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeadlines } from '../../src/features/deadlines/job.ts';
import { DEADLINE_POLICIES, deadlineFor, timeLeft, timeLeftText } from '../../src/features/deadlines/policy.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { deadlineInZone, ENGLAND } from '../../src/shared/zoned-time.ts';
import { signIn } from '../helpers/accounts.ts';
import { completeApplication } from '../helpers/applications.ts';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';

const SERVICE_URL = 'http://localhost:3000';
const policy = DEADLINE_POLICIES[0]!;

for (const engine of engines) {
  describe.skipIf(engine.skip)(`deadlines: pages, reminders and defaults (${engine.name})`, () => {
    let t: TestApp;
    let provider: FormClient;
    let pcsrf: string;

    const db = () => t.database.db;
    /** A candidate in a zone of their choosing, with a submitted application; its reference and id. */
    async function submitted(email: string, zone: string | null) {
      const candidate = new FormClient(t.app);
      await signIn(candidate, db(), email);
      await db().updateTable('users').set({ time_zone: zone }).where('email', '=', email).execute();
      await completeApplication(candidate);
      const before = new Date();
      const res = await candidate.post('/application/submit', {}, await candidate.csrf('/application/check'));
      expect(res.statusCode).toBe(303);
      const app = await db()
        .selectFrom('applications as a')
        .innerJoin('users as u', 'u.id', 'a.candidate_id')
        .select(['a.id', 'a.reference', 'a.status'])
        .where('u.email', '=', email)
        .where('a.status', '!=', 'draft')
        .executeTakeFirstOrThrow();
      return { candidate, ...app, before };
    }
    const deadlineRows = (applicationId: number) =>
      db().selectFrom('deadlines').selectAll().where('application_id', '=', applicationId).orderBy('id').execute();
    const statusOf = async (id: number) =>
      (await db().selectFrom('applications').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
    const emails = (template: string) =>
      db().selectFrom('outbox').select(['to_email', 'body', 'subject']).where('template', '=', template).execute();

    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name, env: { LOG_LEVEL: 'error' } });
      await seedSampleData(db(), 0);
      provider = new FormClient(t.app);
      await signIn(provider, db(), 'sample.provider1@example.com');
      pcsrf = await provider.csrf('/provider');
    }, 60_000);
    afterAll(async () => t?.close());

    it('submitting opens the decision deadline: the candidate reads it in their zone, the provider in theirs and the candidate’s', async () => {
      const a = await submitted('lagos.deadline@example.org', 'Africa/Lagos');
      const [row] = await deadlineRows(a.id);
      expect(row).toMatchObject({ kind: 'provider-decision', policy_version: policy.version, zone: ENGLAND });
      const expected = deadlineFor(policy.rules['provider-decision'], a.before, 'Africa/Lagos');
      expect(row!.last_day).toBe(expected.lastDay);
      expect(row!.due_at).toBe(expected.dueAt.toISOString());

      const page = $(await a.candidate.get(`/applications/${a.reference}`));
      expect(page('[data-testid="decision-due"]').text()).toContain(
        `must decide by ${deadlineInZone('Africa/Lagos', expected.dueAt)}`,
      );
      expect(page('[data-testid="decision-due"]').text()).toMatch(/11:59pm|12:59am/);
      expect(page('[data-testid="decision-due"]').text()).toContain('Lagos time (UTC+1)');
      expect(page('main').text()).not.toContain('does not set a time limit');

      const view = $(await provider.get(`/provider/applications/${a.reference}`));
      const box = view('[data-testid="deadline-provider-decision"]').text().replace(/\s+/g, ' ');
      expect(box).toContain(`Decide by ${deadlineInZone(ENGLAND, expected.dueAt)}`);
      expect(box).toContain('11:59pm');
      expect(box).toContain(`for the candidate: ${deadlineInZone('Africa/Lagos', expected.dueAt)}`);
      expect(box).toContain(timeLeftText('Decide', timeLeft(expected, 'working-days', new Date())));

      // The provider's email says the deadline, London time.
      const [mail] = (await emails('application-submitted-provider')).filter((m) => m.body.includes(a.reference));
      expect(mail!.body).toContain(`Decide by ${deadlineInZone(ENGLAND, expected.dueAt)}`);
      // The candidate's, in Lagos time.
      const [own] = (await emails('application-submitted-candidate')).filter((m) => m.body.includes(a.reference));
      expect(own!.body).toContain(`They must decide by ${deadlineInZone('Africa/Lagos', expected.dueAt)}`);
    });

    it('the provider’s list shows each deadline as a tag, sorts by it from the URL, and says "Overdue" plainly', async () => {
      const soon = await submitted('soon.deadline@example.org', 'Pacific/Auckland');
      const late = await submitted('late.deadline@example.org', 'Pacific/Honolulu');
      // One deadline passed a minute ago (the job has not run yet), one far off.
      await db()
        .updateTable('deadlines')
        .set({ due_at: new Date(Date.now() - 60_000).toISOString() })
        .where('application_id', '=', soon.id)
        .execute();
      const inOrder = async (query: string) => {
        const page = $(await provider.get(`/provider${query}`));
        return page('tbody tr')
          .map((_, tr) => page(tr).find('td').first().text().trim())
          .get();
      };
      const byDeadline = await inOrder('?sort=deadline');
      expect(byDeadline.indexOf(soon.reference)).toBe(0);
      expect(byDeadline.indexOf(soon.reference)).toBeLessThan(byDeadline.indexOf(late.reference));
      const newest = await inOrder('?sort=newest');
      expect(newest.indexOf(late.reference)).toBeLessThan(newest.indexOf(soon.reference));

      const page = $(await provider.get('/provider?sort=deadline'));
      expect(page('#sort option[selected]').attr('value')).toBe('deadline');
      const overdueRow = page('tbody tr').first();
      expect(overdueRow.find('.govuk-tag').text().trim()).toBe('Overdue');
      expect(overdueRow.find('.govuk-tag').hasClass('govuk-tag--red')).toBe(true);
      const lateRow = page('tbody tr').filter((_, tr) => page(tr).text().includes(late.reference));
      expect(lateRow.find('.govuk-tag').text().trim()).toMatch(/^Decide within \d+ working days$/);
      expect(page('thead').text()).toContain('Deadline');

      const bad = await provider.get('/provider?sort=soonest');
      expect(bad.statusCode).toBe(400);
      expect($(bad)('.govuk-error-summary').text()).toContain('Select how to sort from the list');
    });

    it('an offer closes the decision deadline and opens the candidate’s, ending 11:59pm in their own zone', async () => {
      const a = await submitted('offer.deadline@example.org', 'Africa/Lagos');
      const view = `/provider/applications/${a.reference}`;
      const made = new Date();
      expect((await provider.post(`${view}/make-offer`, {}, pcsrf)).statusCode).toBe(303);
      const rows = await deadlineRows(a.id);
      expect(rows.map((r) => [r.kind, r.closed_by])).toEqual([
        ['provider-decision', 'decided'],
        ['offer-response', null],
      ]);
      const open = rows[1]!;
      expect(open.zone).toBe('Africa/Lagos');
      const expected = deadlineFor(policy.rules['offer-response'], made, 'Africa/Lagos');
      expect(open.last_day).toBe(expected.lastDay);
      const said = deadlineInZone('Africa/Lagos', new Date(open.due_at));
      expect(said).toMatch(/^11:59pm on \d{1,2} \w+ \d{4}, Lagos time \(UTC\+1\)$/);

      const page = $(await a.candidate.get(`/applications/${a.reference}`));
      expect(page('[data-testid="respond-by"]').text().replace(/\s+/g, ' ')).toContain(`Respond by ${said}`);
      const [mail] = (await emails('offer-made')).filter((m) => m.body.includes(a.reference));
      expect(mail!.body).toContain(`Respond by ${said}`);

      // The provider reads it in London time and in the candidate's.
      const box = $(await provider.get(view))('[data-testid="deadline-offer-response"]')
        .text()
        .replace(/\s+/g, ' ');
      expect(box).toContain(`must respond by ${deadlineInZone(ENGLAND, new Date(open.due_at))}`);
      expect(box).toContain(`for them: ${said}`);
    });

    it('once the time to answer has passed, the candidate cannot accept; the job declines the offer by default, once, and tells both sides', async () => {
      const a = await submitted('declined.deadline@example.org', 'Pacific/Chatham');
      const view = `/provider/applications/${a.reference}`;
      expect((await provider.post(`${view}/make-offer`, {}, pcsrf)).statusCode).toBe(303);
      const passed = new Date(Date.now() - 1000).toISOString();
      await db()
        .updateTable('deadlines')
        .set({ due_at: passed })
        .where('application_id', '=', a.id)
        .where('closed_at', 'is', null)
        .execute();

      const page = $(await a.candidate.get(`/applications/${a.reference}`));
      expect(page('[data-testid="respond-by"]').text()).toContain('The time to respond ended at');
      expect(page('[data-testid="respond-by"]').text()).toContain('Chatham time (UTC+13:45)');
      expect(page('form[action$="/accept-offer"]').length).toBe(0);
      const accept = await a.candidate.post(
        `/applications/${a.reference}/accept-offer`,
        {},
        await a.candidate.csrf(`/applications/${a.reference}`),
      );
      expect(accept.statusCode).toBe(400);
      expect($(accept)('.govuk-error-summary').text()).toContain('The time to respond to this offer ended at');
      expect(await statusOf(a.id)).toBe('offer');

      const first = await runDeadlines(db(), { serviceUrl: SERVICE_URL });
      expect(first.applied).toBeGreaterThanOrEqual(1);
      expect(await statusOf(a.id)).toBe('declined');
      const again = await runDeadlines(db(), { serviceUrl: SERVICE_URL });
      expect(again.applied).toBe(0);

      const audit = await db()
        .selectFrom('audit_events')
        .selectAll()
        .where('application_id', '=', a.id)
        .where('action', '=', 'decline-by-default')
        .execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]!.actor_user_id).toBeNull();
      expect(JSON.parse(audit[0]!.detail!)).toMatchObject({ byDefault: true, deadline: 'offer-response' });
      const toCandidate = (await emails('offer-declined-by-default')).filter((m) => m.body.includes(a.reference));
      const toProvider = (await emails('offer-declined-by-default-provider')).filter((m) =>
        m.body.includes(a.reference),
      );
      expect(toCandidate.map((m) => m.to_email)).toEqual(['declined.deadline@example.org']);
      expect(toProvider.map((m) => m.to_email)).toContain('sample.provider1@example.com');
      expect(toCandidate[0]!.body).toContain('declined by default');

      const after = $(await a.candidate.get(`/applications/${a.reference}`));
      expect(after('[data-testid="status"]').text()).toBe('Offer declined');
      expect(after('[data-testid="by-default"]').text()).toContain('so it was declined by default');
      const history = $(await provider.get(view));
      expect(history('[data-testid="history"]').text()).toContain('decline-by-default');
      expect(history('[data-testid="history"]').text()).toContain('by the service');
      expect(history('[data-testid="by-default"]').text()).toContain('the offer was declined by default');
    });

    it('a decision not made in time: reminders first (each once), then rejected by default, emailed to both sides', async () => {
      const a = await submitted('rejected.deadline@example.org', 'America/Santiago');
      const [row] = await deadlineRows(a.id);
      // The first reminder is due; the deadline itself is not.
      await db()
        .updateTable('deadlines')
        .set({ next_reminder_at: new Date(Date.now() - 1000).toISOString() })
        .where('id', '=', row!.id)
        .execute();
      await runDeadlines(db(), { serviceUrl: SERVICE_URL });
      await runDeadlines(db(), { serviceUrl: SERVICE_URL });
      const reminders = (await emails('decision-due-reminder-provider')).filter((m) => m.body.includes(a.reference));
      expect(reminders.map((m) => m.to_email)).toEqual(['sample.provider1@example.com']);
      expect(reminders[0]!.body).toContain(`Decide by ${deadlineInZone(ENGLAND, new Date(row!.due_at))}`);
      const [reminded] = await deadlineRows(a.id);
      expect(reminded!.reminders_sent).toBe(1);
      expect(reminded!.closed_at).toBeNull();
      expect(await statusOf(a.id)).toBe('awaiting-decision');

      await db()
        .updateTable('deadlines')
        .set({ due_at: new Date(Date.now() - 1000).toISOString() })
        .where('id', '=', row!.id)
        .execute();
      await runDeadlines(db(), { serviceUrl: SERVICE_URL });
      expect(await statusOf(a.id)).toBe('rejected');
      const [closed] = await deadlineRows(a.id);
      expect(closed).toMatchObject({ closed_by: 'default' });
      expect(closed!.applied_at).not.toBeNull();
      expect(
        (await emails('application-rejected-by-default')).filter((m) => m.body.includes(a.reference)),
      ).toHaveLength(1);
      expect(
        (await emails('application-rejected-by-default-provider')).filter((m) => m.body.includes(a.reference)),
      ).toHaveLength(1);
      const page = $(await a.candidate.get(`/applications/${a.reference}`));
      expect(page('[data-testid="by-default"]').text()).toContain('rejected by default');
      expect(page('[data-testid="by-default"]').text()).toContain('Santiago time');
    });

    it('a decision in time closes the deadline: the job does nothing with it', async () => {
      const a = await submitted('decided.deadline@example.org', null);
      const view = `/provider/applications/${a.reference}`;
      expect(
        (await provider.post(`${view}/reject`, { reasons: 'other', feedback: 'Thank you for applying' }, pcsrf))
          .statusCode,
      ).toBe(303);
      const [row] = await deadlineRows(a.id);
      expect(row).toMatchObject({ closed_by: 'decided', applied_at: null });
      await db()
        .updateTable('deadlines')
        .set({ due_at: new Date(Date.now() - 1000).toISOString() })
        .where('id', '=', row!.id)
        .execute();
      await runDeadlines(db(), { serviceUrl: SERVICE_URL });
      expect((await emails('application-rejected-by-default')).filter((m) => m.body.includes(a.reference))).toEqual([]);
      // No zone chosen: England's, named.
      const page = $(await a.candidate.get(`/applications/${a.reference}`));
      expect(page('[data-testid="by-default"]').length).toBe(0);
    });
  });
}
