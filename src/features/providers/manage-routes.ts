import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { formBody } from '../../platform/forms.ts';
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
const text = (body: Raw, key: string, max = 400) =>
  typeof body[key] === 'string' ? (body[key] as string).trim().slice(0, max + 1) : '';
const many = (body: Raw, key: string) =>
  (Array.isArray(body[key]) ? body[key] : body[key] === undefined ? [] : [body[key]]).filter(
    (v): v is string => typeof v === 'string',
  );
const codes = (value: string) => [
  ...new Set(
    value
      .toUpperCase()
      .split(/[\s,;]+/)
      .filter(Boolean),
  ),
];

export interface ProfileForm {
  values: Record<string, unknown>;
  errors: { field: string; message: string }[];
  update?: ProfileUpdate;
}

/** Reads the profile form. Nothing ticked in a list means "not stated", never "none". */
export function readProfileForm(body: Raw): ProfileForm {
  const errors: ProfileForm['errors'] = [];
  const values: Record<string, unknown> = {};
  const kind = text(body, 'coverageKind');
  values['coverageKind'] = kind;
  let coverage: Coverage | undefined;
  if (kind === 'worldwide') coverage = { kind: 'worldwide', excludedCountries: [], excludedUntil: null };
  else if (kind === 'worldwide-except' || kind === 'countries') {
    const raw = text(body, kind === 'countries' ? 'countries' : 'excludedCountries', 2000);
    values[kind === 'countries' ? 'countries' : 'excludedCountries'] = raw;
    const list = codes(raw);
    const bad = list.filter((c) => !countryByCode(c));
    const field = kind === 'countries' ? 'countries' : 'excludedCountries';
    if (list.length === 0) errors.push({ field, message: 'Enter at least one country code, like AE or NG' });
    else if (bad.length)
      errors.push({ field, message: `These are not ISO 3166-1 country codes: ${bad.slice(0, 5).join(', ')}` });
    else
      coverage =
        kind === 'countries'
          ? { kind: 'countries', countries: list }
          : { kind: 'worldwide', excludedCountries: list, excludedUntil: null };
  } else if (kind === 'region') {
    const region = text(body, 'region');
    values['region'] = region;
    if (!Object.hasOwn(REGIONS, region)) errors.push({ field: 'region', message: 'Select a region from the list' });
    else coverage = { kind: 'region', region };
  } else if (kind === 'campus') {
    const campus = text(body, 'campus', 100);
    const radius = text(body, 'radiusKm', 10);
    values['campus'] = campus;
    values['radiusKm'] = radius;
    const place = campus && campus.length <= 100 ? findPlaces(campus, 1)[0] : undefined;
    if (!place) errors.push({ field: 'campus', message: 'Enter the town or city of the campus, for example Dubai' });
    if (radius && !(/^\d{1,4}$/.test(radius) && Number(radius) >= 1 && Number(radius) <= 2000))
      errors.push({ field: 'radiusKm', message: 'Distance must be a whole number of kilometres from 1 to 2,000' });
    if (place && errors.length === 0)
      coverage = {
        kind: 'campus',
        campus: place.name,
        country: place.country,
        point: { lat: place.lat, lon: place.lon },
        radiusKm: radius ? Number(radius) : null,
      };
  } else if (kind === 'unknown') coverage = { kind: 'unknown' };
  else errors.push({ field: 'coverageKind', message: 'Select where you take trainees' });

  const pick = (key: string, allowed: Record<string, string>) => {
    const chosen = many(body, key);
    values[key] = chosen;
    if (chosen.some((c) => !Object.hasOwn(allowed, c)))
      errors.push({ field: key, message: 'Select options from the list' });
    return chosen.length ? JSON.stringify(chosen.filter((c) => Object.hasOwn(allowed, c))) : null;
  };
  const approaches = pick('approaches', APPROACHES);
  const phases = pick('phases', PHASES);
  const delivery = pick('delivery', DELIVERY);
  const modes = pick('modes', STUDY_MODES);
  const monthValues = Object.fromEntries(MONTHS.map((m, i) => [String(i + 1), m]));
  const months = many(body, 'startMonths');
  values['startMonths'] = months;
  if (months.some((m) => !Object.hasOwn(monthValues, m)))
    errors.push({ field: 'startMonths', message: 'Select months from the list' });

  const subjectsText = text(body, 'subjects', 1000);
  values['subjects'] = subjectsText;
  const subjects = subjectsText
    .split(/[,;\n]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (subjects.some((s) => s.length > 100))
    errors.push({ field: 'subjects', message: 'Each subject must be 100 characters or fewer' });

  const fee = (key: string, label: string) => {
    const raw = text(body, key, 20).replace(/^£/, '').replace(/,/g, '');
    values[key] = text(body, key, 20);
    if (!raw) return null;
    if (!/^\d{1,6}(\.\d{2})?$/.test(raw) || Number(raw) > 100_000) {
      errors.push({ field: key, message: `${label} must be an amount in pounds, like 9500` });
      return null;
    }
    return Math.round(Number(raw) * 100);
  };
  const feeMin = fee('feeMin', 'Lowest fee');
  const feeMax = fee('feeMax', 'Highest fee');
  if (feeMin !== null && feeMax !== null && feeMax < feeMin)
    errors.push({ field: 'feeMax', message: 'Highest fee must be the same as or more than the lowest fee' });

  const website = text(body, 'website', 500);
  values['website'] = website;
  if (website && (!/^https:\/\/[^\s]+$/.test(website) || website.length > 500))
    errors.push({ field: 'website', message: 'Enter a website address starting with https://' });
  const email = text(body, 'contactEmail', 320);
  values['contactEmail'] = email;
  if (email && !/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(email))
    errors.push({
      field: 'contactEmail',
      message: 'Enter an email address in the correct format, like admissions@example.ac.uk',
    });

  if (errors.length || !coverage) return { values, errors };
  return {
    values,
    errors,
    update: {
      coverage,
      website: website || null,
      contact_email: email || null,
      placement_approaches: approaches,
      phases,
      subjects: subjects.length ? JSON.stringify(subjects) : null,
      delivery,
      study_modes: modes,
      fee_min_pence: feeMin ?? (feeMax !== null ? feeMax : null),
      fee_max_pence: feeMax ?? feeMin,
      start_months: months.length ? JSON.stringify(months.map(Number).sort((a, b) => a - b)) : null,
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
    const body = formBody(request.body);
    const values = Object.fromEntries(
      ['name', 'town', 'country', 'latitude', 'longitude', 'phases', 'languages'].map((k) => [k, text(body, k, 200)]),
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
    const body = formBody(request.body);
    const values = {
      phases: text(body, 'phases', 100),
      languages: text(body, 'languages', 300),
      verified: text(body, 'verified', 3),
    };
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
      phases: split(values.phases),
      languages: split(values.languages),
      verified: values.verified === 'yes',
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
