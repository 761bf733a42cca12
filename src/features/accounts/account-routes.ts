import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.ts';
import { currentUser } from '../../platform/auth.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { fieldError, parseForm, type FormErrors } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { candidateScope } from '../../shared/scope.ts';
import type { User } from '../../shared/user.ts';
import { momentInZone } from '../../shared/zoned-time.ts';
import { candidateApplications } from '../applications/repository.ts';
import { knownZone } from '../interviews/rules.ts';
import { setTimeZone, userById } from './repository.ts';
import { homeFor } from './routes.ts';
import { zoneChoice, zoneLabel, zoneOptions, type ZoneChoice } from './time-zone.ts';

const timeZoneForm = z.object({
  zone: z
    .string({ error: 'Select your time zone from the list' })
    .refine((v) => knownZone(v) !== undefined, 'Select your time zone from the list'),
});

const SOURCES: Record<ZoneChoice['source'], string> = {
  chosen: 'You chose this time zone.',
  'from-where-you-live':
    'We suggested this time zone from where your application says you live. Change it if it is wrong.',
  default: 'This is the time in England, where training providers are. Change it to the time zone where you are.',
};

/**
 * "Your account": who is signed in and the time zone every time is shown in, for every
 * role (candidates, provider users, mentors, DfE staff), so it sits outside the role groups.
 */
export function registerAccountPageRoutes(app: FastifyInstance, db: Kysely<Database>): void {
  const loadUser = (id: number) => userById(db, id);
  const signedIn = async (request: FastifyRequest, reply: FastifyReply): Promise<User | undefined> => {
    const user = await currentUser(request, loadUser);
    if (!user) {
      if (request.method === 'GET') request.ensureSession().set('returnTo', '/account');
      await reply.redirect('/sign-in', 303);
      return undefined;
    }
    return user;
  };

  async function choiceFor(user: User): Promise<ZoneChoice> {
    if (user.role !== 'candidate') return zoneChoice(user);
    const latest = (await candidateApplications(db, candidateScope(user.id)))[0];
    return zoneChoice(user, latest?.answers['where-you-live']);
  }

  async function render(request: FastifyRequest, reply: FastifyReply, user: User, problem?: FormErrors) {
    const choice = await choiceFor(user);
    const now = new Date();
    const raw = (request.body as Record<string, unknown> | undefined)?.['zone'];
    const selected = problem ? (knownZone(raw) ?? '') : choice.zone;
    return renderPage(reply.code(problem ? 400 : 200), 'accounts/views/account.njk', {
      pageTitle: 'Your account',
      csrfToken: csrfToken(request),
      user,
      homeHref: homeFor(user),
      zone: zoneLabel(choice.zone, now),
      zoneNow: momentInZone(choice.zone, now),
      zoneSource: SOURCES[choice.source],
      saved: (request.query as Record<string, unknown>)['saved'] === '1',
      zoneItems: [{ value: '', text: 'Select a time zone', selected: selected === '' }, ...zoneOptions(selected, now)],
      errors: problem?.errors ?? [],
      fieldErrors: problem?.fieldErrors ?? {},
      placeAutocomplete: true,
    });
  }

  app.get('/account', async (request, reply) => {
    const user = await signedIn(request, reply);
    if (!user) return reply;
    return render(request, reply, user);
  });

  app.post('/account/time-zone', async (request, reply) => {
    const user = await signedIn(request, reply);
    if (!user) return reply;
    const form = parseForm(timeZoneForm, request.body);
    if (!form.ok) return render(request, reply, user, fieldError('zone', 'Select your time zone from the list'));
    await setTimeZone(db, user.id, knownZone(form.data.zone)!);
    return reply.redirect('/account?saved=1', 303);
  });
}
