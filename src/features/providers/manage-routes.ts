import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { z } from 'zod';
import { formBody, manyOf, oneOf, optionalText, parseForm } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { parseId, providerOf, scopedMemberships } from '../../platform/auth.ts';
import type { Membership } from '../../shared/user.ts';
import { countryByCode, REGIONS } from '../../shared/places/countries.ts';
import { findPlaces } from '../../shared/places/places.ts';
import { checkSchool } from '../placement-schools/import.ts';
import {
  addSchoolForProvider,
  editPartnerSchool,
  endPartnership,
  partnerSchool,
  partnerSchools,
} from '../placement-schools/repository.ts';
import type { Coverage } from './coverage.ts';
import { countryName, countryOptions } from '../../shared/format.ts';
import { APPROACHES, DELIVERY, MONTHS, PHASES, STUDY_MODES, type Provider } from './model.ts';
import { providerById, updateProfile, type ProfileUpdate } from './repository.ts';

/**
 * The provider area's own records: its profile (which the finder reads on the next
 * request) and its partner schools. Every query is scoped to the user's memberships with
 * the needed permission; any other id is 404.
 */
type Raw = Record<string, unknown>;
const codes = (value: string) => [
  ...new Set(
    value
      .toUpperCase()
      .split(/[\s,;]+/)
      .filter(Boolean),
  ),
];
const keysOf = (labels: Record<string, string>) => Object.keys(labels) as [string, ...string[]];
const MONTH_VALUES = MONTHS.map((_, i) => String(i + 1)) as [string, ...string[]];
const pounds = (label: string) =>
  optionalText(`${label} must be an amount in pounds, like 9500`, 20)
    .transform((v) => v.replace(/^£/, '').replace(/,/g, ''))
    .refine(
      (v) => !v || (/^\d{1,6}(\.\d{2})?$/.test(v) && Number(v) <= 100_000),
      `${label} must be an amount in pounds, like 9500`,
    )
    .transform((v) => (v ? Math.round(Number(v) * 100) : null));

/**
 * The profile form, in three parts checked together so every problem is shown at once:
 * where the provider takes trainees, its fees, and the other facts. Nothing ticked in a
 * list means "not stated", never "none".
 */
const coverageForm = z
  .object({
    coverageKind: oneOf(
      ['worldwide', 'worldwide-except', 'countries', 'region', 'campus', 'unknown'],
      'Select where you take trainees',
    ),
    countries: optionalText('Country codes must be 2,000 characters or fewer', 2000),
    excludedCountries: optionalText('Country codes must be 2,000 characters or fewer', 2000),
    region: optionalText('Select a region from the list', 100),
    campus: optionalText('Enter the town or city of the campus, for example Dubai', 100),
    radiusKm: optionalText('Distance must be a whole number of kilometres from 1 to 2,000', 10),
  })
  .transform((f, ctx): Coverage => {
    if (f.coverageKind === 'worldwide') return { kind: 'worldwide', excludedCountries: [], excludedUntil: null };
    if (f.coverageKind === 'worldwide-except' || f.coverageKind === 'countries') {
      const field = f.coverageKind === 'countries' ? 'countries' : 'excludedCountries';
      const list = codes(f[field]);
      const bad = list.filter((c) => !countryByCode(c));
      if (list.length === 0)
        ctx.addIssue({ code: 'custom', path: [field], message: 'Enter at least one country code, like AE or NG' });
      else if (bad.length)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `These are not ISO 3166-1 country codes: ${bad.slice(0, 5).join(', ')}`,
        });
      return field === 'countries'
        ? { kind: 'countries', countries: list }
        : { kind: 'worldwide', excludedCountries: list, excludedUntil: null };
    }
    if (f.coverageKind === 'region') {
      if (!Object.hasOwn(REGIONS, f.region))
        ctx.addIssue({ code: 'custom', path: ['region'], message: 'Select a region from the list' });
      return { kind: 'region', region: f.region };
    }
    if (f.coverageKind === 'campus') {
      const place = f.campus ? findPlaces(f.campus, 1)[0] : undefined;
      if (!place)
        ctx.addIssue({
          code: 'custom',
          path: ['campus'],
          message: 'Enter the town or city of the campus, for example Dubai',
        });
      const radius = f.radiusKm;
      if (radius && !(/^\d{1,4}$/.test(radius) && Number(radius) >= 1 && Number(radius) <= 2000))
        ctx.addIssue({
          code: 'custom',
          path: ['radiusKm'],
          message: 'Distance must be a whole number of kilometres from 1 to 2,000',
        });
      if (place)
        return {
          kind: 'campus',
          campus: place.name,
          country: place.country,
          point: { lat: place.lat, lon: place.lon },
          radiusKm: radius ? Number(radius) : null,
        };
    }
    return { kind: 'unknown' };
  });

const feesForm = z.object({ feeMin: pounds('Lowest fee'), feeMax: pounds('Highest fee') }).superRefine((f, ctx) => {
  if (f.feeMin !== null && f.feeMax !== null && f.feeMax < f.feeMin)
    ctx.addIssue({
      code: 'custom',
      path: ['feeMax'],
      message: 'Highest fee must be the same as or more than the lowest fee',
    });
});

const factsForm = z.object({
  approaches: manyOf(keysOf(APPROACHES), 'Select options from the list'),
  phases: manyOf(keysOf(PHASES), 'Select options from the list'),
  delivery: manyOf(keysOf(DELIVERY), 'Select options from the list'),
  modes: manyOf(keysOf(STUDY_MODES), 'Select options from the list'),
  startMonths: manyOf(MONTH_VALUES, 'Select months from the list'),
  subjects: optionalText('Subjects must be 1,000 characters or fewer', 1000)
    .transform((v) =>
      v
        .split(/[,;\n]+/)
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every((x) => x.length <= 100), 'Each subject must be 100 characters or fewer'),
  website: optionalText('Enter a website address starting with https://', 500).refine(
    (v) => !v || /^https:\/\/[^\s]+$/.test(v),
    'Enter a website address starting with https://',
  ),
  contactEmail: optionalText('Enter an email address in the correct format, like admissions@example.ac.uk', 320).refine(
    (v) => !v || /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(v),
    'Enter an email address in the correct format, like admissions@example.ac.uk',
  ),
});

/** A partner school's fields, checked for length here and for meaning by `checkSchool`. */
const schoolForm = z.object({
  name: optionalText('School name must be 200 characters or fewer', 200),
  town: optionalText('Town or city must be 200 characters or fewer', 200),
  country: optionalText('Select a country from the list', 2),
  latitude: optionalText('Latitude must be a number from -90 to 90', 20),
  longitude: optionalText('Longitude must be a number from -180 to 180', 20),
  phases: optionalText('Phases must be 100 characters or fewer', 100),
  languages: optionalText('Languages must be 300 characters or fewer', 300),
});
const schoolEditForm = z.object({
  phases: optionalText('Phases must be 100 characters or fewer', 100),
  languages: optionalText('Languages must be 300 characters or fewer', 300),
  verified: oneOf(['yes', 'no'], 'Select whether the school is verified').optional().default('no'),
});

export interface ProfileForm {
  values: Record<string, unknown>;
  errors: { field: string; message: string }[];
  update?: ProfileUpdate;
}

/** Reads the profile form through its three schemas; what was sent is kept to show again. */
export function readProfileForm(body: Raw): ProfileForm {
  const coverage = parseForm(coverageForm, body);
  const fees = parseForm(feesForm, body);
  const facts = parseForm(factsForm, body);
  const values: Record<string, unknown> = { ...facts.values };
  for (const key of ['approaches', 'phases', 'delivery', 'modes', 'startMonths'])
    values[key] = values[key] === undefined ? [] : [values[key]].flat();
  const errors = [coverage, fees, facts].flatMap((f) =>
    f.ok ? [] : Object.entries(f.fieldErrors).map(([field, message]) => ({ field, message })),
  );
  if (!coverage.ok || !fees.ok || !facts.ok) return { values, errors };
  const listed = (v: string[]) => (v.length ? JSON.stringify(v) : null);
  const { feeMin, feeMax } = fees.data;
  const f = facts.data;
  return {
    values,
    errors,
    update: {
      coverage: coverage.data,
      website: f.website || null,
      contact_email: f.contactEmail || null,
      placement_approaches: listed(f.approaches),
      phases: listed(f.phases),
      subjects: listed(f.subjects),
      delivery: listed(f.delivery),
      study_modes: listed(f.modes),
      fee_min_pence: feeMin ?? feeMax,
      fee_max_pence: feeMax ?? feeMin,
      start_months: f.startMonths.length ? JSON.stringify(f.startMonths.map(Number).sort((a, b) => a - b)) : null,
    },
  };
}

function formValues(p: Provider): Record<string, unknown> {
  const c = p.coverage;
  return {
    coverageKind: c.kind === 'worldwide' && c.excludedCountries.length ? 'worldwide-except' : c.kind,
    excludedCountries: c.kind === 'worldwide' ? c.excludedCountries.join(', ') : '',
    countries: c.kind === 'countries' ? c.countries.join(', ') : '',
    region: c.kind === 'region' ? c.region : '',
    campus: c.kind === 'campus' ? c.campus : '',
    radiusKm: c.kind === 'campus' && c.radiusKm !== null ? String(c.radiusKm) : '',
    approaches: p.placementApproaches ?? [],
    phases: p.phases ?? [],
    delivery: p.delivery ?? [],
    modes: p.studyModes ?? [],
    startMonths: (p.startMonths ?? []).map(String),
    subjects: (p.subjects ?? []).join(', '),
    feeMin: p.feeMinPence === null ? '' : String(p.feeMinPence / 100),
    feeMax: p.feeMaxPence === null ? '' : String(p.feeMaxPence / 100),
    website: p.website ?? '',
    contactEmail: p.contactEmail ?? '',
  };
}

export function registerProviderManagementRoutes(app: FastifyInstance, db: Kysely<Database>): void {
  const manageProfile = { config: { permission: 'manage-profile' as const } };
  const manageSchools = { config: { permission: 'manage-placement-schools' as const } };
  /** The one provider in this route's scope (the group checked the `:providerId` and the permission). */
  const scopedProvider = (request: FastifyRequest): Membership => scopedMemberships(request)[0]!;
  const checkItems = (labels: Record<string, string>, chosen: unknown) =>
    Object.entries(labels).map(([value, text]) => ({
      value,
      text,
      checked: Array.isArray(chosen) && chosen.includes(value),
    }));
  const capitalise = (m: string) => m.charAt(0).toUpperCase() + m.slice(1);

  async function profilePage(
    request: FastifyRequest,
    reply: FastifyReply,
    m: Membership,
    values: Record<string, unknown>,
    errors: ProfileForm['errors'] = [],
  ) {
    return renderPage(reply.code(errors.length ? 400 : 200), 'providers/views/edit-profile.njk', {
      pageTitle: `Edit the profile of ${m.providerName}`,
      currentPath: '/provider',
      csrfToken: csrfToken(request),
      backLink: { href: '/provider', text: 'Back to applications' },
      providerId: m.providerId,
      providerName: m.providerName,
      providerSlug: m.providerSlug,
      values,
      errors: errors.map((e) => ({ text: e.message, href: `#${e.field}` })),
      fieldErrors: Object.fromEntries(errors.map((e) => [e.field, e.message])),
      regionItems: [
        { value: '', text: 'Choose a region' },
        ...Object.values(REGIONS).map((r) => ({ value: r.id, text: r.name, selected: r.id === values['region'] })),
      ],
      approachItems: checkItems(APPROACHES, values['approaches']),
      phaseItems: checkItems(PHASES, values['phases']),
      deliveryItems: checkItems(DELIVERY, values['delivery']),
      modeItems: checkItems(STUDY_MODES, values['modes']),
      monthItems: checkItems(Object.fromEntries(MONTHS.map((mo, i) => [String(i + 1), mo])), values['startMonths']),
    });
  }

  app.get('/provider/:providerId/profile', manageProfile, async (request, reply) => {
    const m = scopedProvider(request);
    const provider = await providerById(db, m.providerId);
    if (!provider) return reply.callNotFound();
    return profilePage(request, reply, m, formValues(provider));
  });

  app.post('/provider/:providerId/profile', manageProfile, async (request, reply) => {
    const m = scopedProvider(request);
    const form = readProfileForm(formBody(request.body));
    if (!form.update) return profilePage(request, reply, m, form.values, form.errors);
    await updateProfile(db, providerOf(request), m.providerId, form.update);
    // Guidance pages that list providers (their websites) follow the profile at once.
    await request.server.refreshContentData();
    return reply.redirect(`/providers/${m.providerSlug}`, 303);
  });

  async function schoolsPage(
    request: FastifyRequest,
    reply: FastifyReply,
    m: Membership,
    values: Record<string, string> = {},
    errors: { field: string; message: string }[] = [],
  ) {
    const rows = await partnerSchools(db, providerOf(request), m.providerId);
    return renderPage(reply.code(errors.length ? 400 : 200), 'providers/views/manage-schools.njk', {
      pageTitle: `Partner schools of ${m.providerName}`,
      currentPath: '/provider',
      csrfToken: csrfToken(request),
      backLink: { href: '/provider', text: 'Back to applications' },
      providerId: m.providerId,
      providerName: m.providerName,
      schools: rows.map((r) => ({ ...r, countryName: countryName(r.country) })),
      values,
      countryItems: [
        { value: '', text: 'Choose a country' },
        ...countryOptions().map((c) => ({ ...c, selected: c.value === values['country'] })),
      ],
      errors: errors.map((e) => ({ text: capitalise(e.message), href: `#${e.field}` })),
      fieldErrors: Object.fromEntries(errors.map((e) => [e.field, capitalise(e.message)])),
    });
  }

  app.get('/provider/:providerId/schools', manageSchools, (request, reply) =>
    schoolsPage(request, reply, scopedProvider(request)),
  );

  app.post('/provider/:providerId/schools', manageSchools, async (request, reply) => {
    const m = scopedProvider(request);
    const form = parseForm(schoolForm, request.body);
    const values = Object.fromEntries(Object.entries(form.values).map(([k, v]) => [k, String(v)]));
    if (!form.ok)
      return schoolsPage(
        request,
        reply,
        m,
        values,
        Object.entries(form.fieldErrors).map(([field, message]) => ({ field, message })),
      );
    const checked = checkSchool((f) => values[f] ?? '');
    if (!checked.row) return schoolsPage(request, reply, m, values, checked.problems);
    await addSchoolForProvider(db, providerOf(request), m.providerId, checked.row);
    return reply.redirect(`/provider/${m.providerId}/schools`, 303);
  });

  type SchoolParams = { Params: { providerId: string; partnershipId: string } };
  const findSchool = (request: FastifyRequest<SchoolParams>) => {
    const id = parseId(request.params.partnershipId);
    return id
      ? partnerSchool(db, providerOf(request), scopedProvider(request).providerId, id)
      : Promise.resolve(undefined);
  };
  type School = NonNullable<Awaited<ReturnType<typeof findSchool>>>;

  async function editPage(
    request: FastifyRequest,
    reply: FastifyReply,
    m: Membership,
    school: School,
    values: Record<string, string>,
    errors: { field: string; message: string }[] = [],
  ) {
    return renderPage(reply.code(errors.length ? 400 : 200), 'providers/views/edit-school.njk', {
      pageTitle: `Edit ${school.name}`,
      currentPath: '/provider',
      csrfToken: csrfToken(request),
      backLink: { href: `/provider/${m.providerId}/schools`, text: 'Back to partner schools' },
      providerId: m.providerId,
      school: { ...school, countryName: countryName(school.country) },
      values,
      errors: errors.map((e) => ({ text: e.message, href: `#${e.field}` })),
      fieldErrors: Object.fromEntries(errors.map((e) => [e.field, e.message])),
    });
  }

  app.get<SchoolParams>('/provider/:providerId/schools/:partnershipId/edit', manageSchools, async (request, reply) => {
    const school = await findSchool(request);
    if (!school) return reply.callNotFound();
    const joined = (v: string | null) => (v ? (JSON.parse(v) as string[]).join(';') : '');
    return editPage(request, reply, scopedProvider(request), school, {
      phases: joined(school.phases),
      languages: joined(school.languages),
      verified: school.verified ? 'yes' : 'no',
    });
  });

  app.post<SchoolParams>('/provider/:providerId/schools/:partnershipId/edit', manageSchools, async (request, reply) => {
    const m = scopedProvider(request);
    const school = await findSchool(request);
    if (!school) return reply.callNotFound();
    const form = parseForm(schoolEditForm, request.body);
    const values = { phases: '', languages: '', verified: '', ...form.values } as Record<string, string>;
    if (!form.ok)
      return editPage(
        request,
        reply,
        m,
        school,
        values,
        Object.entries(form.fieldErrors).map(([field, message]) => ({ field, message })),
      );
    const fixed: Record<string, string> = { name: school.name, town: school.town, country: school.country };
    const checked = checkSchool(
      (f) => fixed[f] ?? (f === 'latitude' || f === 'longitude' ? '' : ((values as Record<string, string>)[f] ?? '')),
    );
    const problems = checked.problems
      .filter((p) => p.field !== 'town')
      .map((p) => ({ ...p, message: capitalise(p.message) }));
    if (problems.length) return editPage(request, reply, m, school, values, problems);
    const split = (v: string) =>
      v
        .split(';')
        .map((x) => x.trim())
        .filter(Boolean);
    const result = await editPartnerSchool(db, providerOf(request), m.providerId, school.id, {
      phases: split(values['phases'] ?? ''),
      languages: split(values['languages'] ?? ''),
      verified: values['verified'] === 'yes',
    });
    if (result === 'not-found') return reply.callNotFound();
    if (result === 'shared') {
      return editPage(request, reply, m, school, values, [
        {
          field: 'phases',
          message:
            'Another provider also works with this school, so its details cannot be changed here. Contact the DfE iQTS team',
        },
      ]);
    }
    return reply.redirect(`/provider/${m.providerId}/schools`, 303);
  });

  app.post<SchoolParams>('/provider/:providerId/schools/:partnershipId/end', manageSchools, async (request, reply) => {
    const m = scopedProvider(request);
    const id = parseId(request.params.partnershipId);
    const ended = id ? await endPartnership(db, providerOf(request), m.providerId, id) : false;
    if (!ended) return reply.callNotFound();
    return reply.redirect(`/provider/${m.providerId}/schools`, 303);
  });
}
