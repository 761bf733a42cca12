import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { candidateOf } from '../../platform/auth.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { fieldError, noErrors, parseForm, type FormErrors } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { govukDate } from '../../shared/dates.ts';
import { countryName } from '../../shared/format.ts';
import { addDays, isIsoDate, localToday, todaySomewhere, weekStart } from '../../shared/local-dates.ts';
import { DAY_KINDS, DAY_STATUSES, dayProblem, longDate, type DayEntry, type DayKind, type Portion } from './day-log.ts';
import { dateIds, dateParts, reflectionForm, weekForm, withDates } from './forms.ts';
import { addReflection, logDays, ownTrainee, traineeRecord, type TraineeRecord } from './repository.ts';
import { standardItems, traineeDetails, trainingPageData } from './view-model.ts';

/**
 * The trainee's side: their record and progress, the placement-day log a week at a time,
 * and reflections against the standards. Only their own record: there is no id to guess.
 */
type Raw = Record<string, unknown>;

export function registerTraineeRoutes(app: FastifyInstance, db: Kysely<Database>): void {
  app.get('/training', async (request, reply) => {
    const trainee = await ownTrainee(db, candidateOf(request));
    if (!trainee) return reply.callNotFound();
    const record = await traineeRecord(db, trainee);
    return renderPage(reply, 'training/views/trainee.njk', {
      pageTitle: 'Your training',
      currentPath: '/training',
      details: traineeDetails(record, countryName),
      ...trainingPageData(record),
      canLog: trainee.state === 'in-training' && record.placements.length > 0,
      logHref: logHref(record),
    });
  });

  // ——— A week of days ———

  async function renderWeek(
    request: FastifyRequest,
    reply: FastifyReply,
    record: TraineeRecord,
    placementId: number,
    week: string,
    form: { errors: FormErrors; values: Raw } = { errors: noErrors, values: {} },
  ) {
    const placement = record.placements.find((p) => p.id === placementId)!;
    const today = localToday(placement.timeZone);
    const logged = record.days.map((d) => ({ placementId: d.placementId, date: d.date, halves: d.halves }));
    const days = [0, 1, 2, 3, 4, 5, 6].map((i) => {
      const date = addDays(week, i);
      const existing = record.days.find((d) => d.placementId === placementId && d.date === date);
      // A day that cannot be logged says why instead of offering a form.
      const problem = existing ? null : dayProblem({ date, portion: 'half' }, placement, today, logged);
      // The day's name is its heading already: the reason starts "This day …".
      const reason = problem?.replace(longDate(date), 'This day').replace(/ on This day/, ' on this day');
      return {
        i,
        date,
        label: longDate(date),
        existing: existing && {
          portion: existing.halves === 2 ? 'Full day' : 'Half day',
          kind: DAY_KINDS[existing.kind as DayKind] ?? existing.kind,
          status: DAY_STATUSES[existing.status],
          note: existing.note,
          queryReason: existing.queryReason,
        },
        unavailable: reason,
        portion: (form.values[`portion-${i}`] as string) ?? 'none',
        kind: form.values[`kind-${i}`] as string | undefined,
        note: (form.values[`note-${i}`] as string) ?? '',
        errors: {
          portion: form.errors.fieldErrors[`portion-${i}`],
          kind: form.errors.fieldErrors[`kind-${i}`],
          note: form.errors.fieldErrors[`note-${i}`],
          date: form.errors.fieldErrors[date],
        },
      };
    });
    const prev = addDays(week, -7);
    const next = addDays(week, 7);
    return renderPage(reply.code(form.errors.errors.length ? 400 : 200), 'training/views/week.njk', {
      pageTitle: `Log days: week beginning ${govukDate(week)}`,
      currentPath: '/training',
      backLink: { href: '/training', text: 'Back to your training' },
      csrfToken: csrfToken(request),
      errors: form.errors.errors,
      placement: { ...placement, dates: `${govukDate(placement.startDate)} to ${govukDate(placement.endDate)}` },
      placements: record.placements.length > 1 ? record.placements : [],
      week,
      weekText: `${govukDate(week)} to ${govukDate(addDays(week, 6))}`,
      days,
      open: days.some((d) => !d.existing && !d.unavailable),
      kindItems: (selected?: string) => [
        { value: '', text: 'Select the kind of day' },
        ...Object.entries(DAY_KINDS).map(([value, text]) => ({ value, text, selected: selected === value })),
      ],
      prevHref: prev + 6 >= placement.startDate ? `/training/days?placement=${placement.id}&week=${prev}` : undefined,
      nextHref: next <= today ? `/training/days?placement=${placement.id}&week=${next}` : undefined,
      timeZone: placement.timeZone,
      place: zoneCity(placement.timeZone),
      today: longDate(today),
    });
  }

  /** The week and placement asked for, or the current week of the current placement. */
  function chooseWeek(record: TraineeRecord, raw: Raw): { placementId: number; week: string } | undefined {
    const id =
      typeof raw['placement'] === 'string' && /^[1-9]\d{0,9}$/.test(raw['placement'])
        ? Number(raw['placement'])
        : undefined;
    const placement = id === undefined ? currentPlacement(record) : record.placements.find((p) => p.id === id);
    if (!placement) return undefined;
    const asked = typeof raw['week'] === 'string' && isIsoDate(raw['week']) ? raw['week'] : undefined;
    const today = localToday(placement.timeZone);
    const fallback = weekStart(today < placement.endDate ? today : placement.endDate);
    return { placementId: placement.id, week: weekStart(asked ?? fallback) };
  }

  app.get('/training/days', async (request, reply) => {
    const trainee = await ownTrainee(db, candidateOf(request));
    if (!trainee) return reply.callNotFound();
    const record = await traineeRecord(db, trainee);
    const chosen = chooseWeek(record, request.query as Raw);
    if (!chosen) return reply.callNotFound();
    return renderWeek(request, reply, record, chosen.placementId, chosen.week);
  });

  app.post('/training/days', async (request, reply) => {
    const scope = candidateOf(request);
    const trainee = await ownTrainee(db, scope);
    if (!trainee) return reply.callNotFound();
    const record = await traineeRecord(db, trainee);
    const raw = (request.body ?? {}) as Raw;
    const chosen = chooseWeek(record, { placement: raw['placementId'], week: raw['week'] });
    if (!chosen) return reply.callNotFound();
    const dates = [0, 1, 2, 3, 4, 5, 6].map((i) => addDays(chosen.week, i));
    const form = parseForm(
      weekForm(dates),
      request.body,
      Object.fromEntries(dates.map((_, i) => [`kind-${i}`, `kind-${i}`])),
    );
    if (!form.ok)
      return renderWeek(request, reply, record, chosen.placementId, chosen.week, { errors: form, values: form.values });
    const entries: DayEntry[] = dates.flatMap((date, i) => {
      const portion = form.data[`portion-${i}`] as Portion | 'none';
      return portion === 'none'
        ? []
        : [{ date, portion, kind: form.data[`kind-${i}`] as DayKind, note: (form.data[`note-${i}`] as string) ?? '' }];
    });
    const result = await logDays(db, scope, { placementId: chosen.placementId, entries });
    if (!result.ok) {
      const problems = 'problems' in result && result.problems ? result.problems : undefined;
      const errors: FormErrors = problems
        ? {
            errors: Object.entries(problems).map(([date, text]) => ({ text, href: `#portion-${dates.indexOf(date)}` })),
            fieldErrors: Object.fromEntries(
              Object.entries(problems).map(([date, text]) => [`portion-${dates.indexOf(date)}`, text]),
            ),
          }
        : fieldError('portion-0', result.message);
      return renderWeek(request, reply, record, chosen.placementId, chosen.week, { errors, values: form.values });
    }
    return reply.redirect(
      `/training/days?placement=${chosen.placementId}&week=${chosen.week}&saved=${result.value}`,
      303,
    );
  });

  // ——— Reflections ———

  async function renderReflection(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { errors: FormErrors; values: Raw } = { errors: noErrors, values: {} },
  ) {
    return renderPage(reply.code(form.errors.errors.length ? 400 : 200), 'training/views/reflection.njk', {
      pageTitle: 'Write a reflection',
      currentPath: '/training',
      backLink: { href: '/training', text: 'Back to your training' },
      csrfToken: csrfToken(request),
      errors: form.errors.errors,
      fieldErrors: form.errors.fieldErrors,
      values: form.values,
      standardItems: standardItems([form.values['standards']].flat() as string[]),
      dates: dateParts(form.values, ['date']),
    });
  }

  app.get('/training/reflections/new', async (request, reply) => {
    if (!(await ownTrainee(db, candidateOf(request)))) return reply.callNotFound();
    return renderReflection(request, reply);
  });

  app.post('/training/reflections', async (request, reply) => {
    const scope = candidateOf(request);
    if (!(await ownTrainee(db, scope))) return reply.callNotFound();
    const body = withDates(request.body, ['date']);
    const form = parseForm(reflectionForm, body, { ...dateIds('date'), standards: 'standards' });
    if (!form.ok) return renderReflection(request, reply, { errors: form, values: body });
    // Today's date anywhere on earth (UTC+14 is the latest): late evening in any zone is never refused.
    if (form.data.date > todaySomewhere())
      return renderReflection(request, reply, {
        errors: fieldError('date', 'The date must be today or in the past', 'date-day'),
        values: body,
      });
    const result = await addReflection(db, scope, form.data);
    if (!result.ok)
      return renderReflection(request, reply, { errors: fieldError('text', result.message), values: body });
    return reply.redirect('/training#reflections', 303);
  });
}

function currentPlacement(record: TraineeRecord) {
  return (
    record.placements.find((p) => {
      const today = localToday(p.timeZone);
      return p.startDate <= today && today <= p.endDate;
    }) ?? record.placements.at(-1)
  );
}

function logHref(record: TraineeRecord): string | undefined {
  const p = currentPlacement(record);
  return p && `/training/days?placement=${p.id}`;
}

/** "Africa/Lagos" → "Lagos": how people name a zone's time. */
const zoneCity = (zone: string) => (zone.split('/').pop() ?? zone).replace(/_/g, ' ');
