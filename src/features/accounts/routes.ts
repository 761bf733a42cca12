import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { recentEmails } from '../../notifications/outbox.ts';
import { currentUser, parseId, USER_SESSION_KEY } from '../../platform/auth.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { fieldError, parseForm } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import type { User } from '../../shared/user.ts';
import { seedSampleFigures } from '../oversight/sample.ts';
import { DEFAULT_SAMPLE_SCHOOLS, hasSampleData, seedSampleData } from '../placement-schools/sample.ts';
import { sampleUser, sampleUsers, signInUser, userById } from './repository.ts';
import { CODE_MINUTES, looksLikeEmail, normaliseEmail, sendSignInCode, verifySignInCode } from './sign-in.ts';

const PENDING_EMAIL = 'signInEmail';
const DEACTIVATED = 'You cannot sign in with this email address';
const SAMPLE_NOTICE = 'devSampleNotice';
/** The address a provider or DfE user is signing in with (kept apart from a candidate's). */
export const PENDING_STAFF_EMAIL = 'staffSignInEmail';

/** Where each role starts after signing in. */
export const homeFor = (user: Pick<User, 'role'>): string =>
  ({ provider: '/provider', admin: '/admin', mentor: '/mentor', adviser: '/adviser', candidate: '/application' })[
    user.role
  ];

/** Only paths on this service, so a crafted link cannot send someone elsewhere after sign-in. */
export const safeReturn = (value: unknown): string | undefined =>
  typeof value === 'string' && /^\/(?!\/)[A-Za-z0-9\-/._~?=&%]{0,299}$/.test(value) ? value : undefined;

export const emailForm = z.object({
  email: z
    .string({ error: 'Enter your email address' })
    .transform(normaliseEmail)
    .refine((v) => v !== '', 'Enter your email address')
    .refine(looksLikeEmail, 'Enter an email address in the correct format, like name@example.com'),
});

export const codeForm = z.object({
  code: z
    .string({ error: 'Enter the security code' })
    .transform((v) => v.replace(/[\s-]/g, ''))
    .refine((v) => v !== '', 'Enter the security code')
    .refine((v) => /^\d{6}$/.test(v), 'The security code must be 6 numbers'),
});

export function signedIn(request: FastifyRequest, userId: number): void {
  // A new session id at sign-in: a planted or copied id is worthless afterwards.
  const session = request.regenerateSession();
  session.set(USER_SESSION_KEY, userId);
  session.delete(PENDING_EMAIL);
  session.delete(PENDING_STAFF_EMAIL);
}

export function registerAccountRoutes(app: FastifyInstance, db: Kysely<Database>, config: Config): void {
  const loadUser = (id: number) => userById(db, id);

  app.get('/sign-in', async (request, reply) => {
    const user = await currentUser(request, loadUser);
    if (user) return reply.redirect(homeFor(user), 303);
    return renderPage(reply, 'accounts/views/email.njk', {
      pageTitle: 'Sign in to apply for iQTS',
      csrfToken: csrfToken(request),
      values: {},
    });
  });

  app.post('/sign-in', async (request, reply) => {
    const form = parseForm(emailForm, request.body);
    if (!form.ok) {
      return renderPage(reply.code(400), 'accounts/views/email.njk', {
        pageTitle: 'Sign in to apply for iQTS',
        csrfToken: csrfToken(request),
        values: { email: typeof form.values['email'] === 'string' ? form.values['email'].slice(0, 320) : '' },
        errors: form.errors,
        fieldErrors: form.fieldErrors,
      });
    }
    const { email } = form.data;
    const result = await sendSignInCode(db, {
      email,
      ip: request.ip,
      secret: config.sessionSecret,
      serviceUrl: config.serviceUrl,
    });
    if (!result.sent) {
      return renderPage(
        reply.code(429).header('retry-after', String(result.retryAfterMinutes * 60)),
        'accounts/views/too-many.njk',
        { pageTitle: 'You have asked for too many codes', minutes: result.retryAfterMinutes },
      );
    }
    // The same answer whether or not the address has an account.
    request.ensureSession().set(PENDING_EMAIL, email);
    return reply.redirect('/sign-in/code', 303);
  });

  const codePage = { pageTitle: 'Check your email', minutes: CODE_MINUTES, backLink: { href: '/sign-in' } };

  app.get('/sign-in/code', (request, reply) => {
    const email = request.session?.get<string>(PENDING_EMAIL);
    if (!email) return reply.redirect('/sign-in', 303);
    return renderPage(reply, 'accounts/views/code.njk', { ...codePage, csrfToken: csrfToken(request), email });
  });

  app.post('/sign-in/code', async (request, reply) => {
    const email = request.session?.get<string>(PENDING_EMAIL);
    if (!email) return reply.redirect('/sign-in', 303);
    const fail = (errors: { errors: unknown; fieldErrors: unknown }) =>
      renderPage(reply.code(400), 'accounts/views/code.njk', {
        ...codePage,
        csrfToken: csrfToken(request),
        email,
        ...errors,
      });
    const form = parseForm(codeForm, request.body);
    if (!form.ok) return fail(form);
    const verified = await verifySignInCode(db, { email, code: form.data.code, secret: config.sessionSecret });
    if (!verified.ok) return fail(fieldError('code', verified.message));
    const userId = await signInUser(db, email);
    // A deactivated account: only someone with the code (the address's owner) reads this.
    if (userId === undefined) return fail(fieldError('code', DEACTIVATED));
    const returnTo = safeReturn(request.session?.get('returnTo'));
    signedIn(request, userId);
    request.session?.delete('returnTo');
    const user = (await userById(db, userId))!;
    return reply.redirect(returnTo ?? homeFor(user), 303);
  });

  // Signing out is a POST with the CSRF token, so a link from another site cannot sign anyone out.
  app.post('/sign-out', (request, reply) => {
    request.destroySession();
    return reply.redirect('/signed-out', 303);
  });
  app.get('/signed-out', (_request, reply) =>
    renderPage(reply.header('cache-control', 'no-store'), 'accounts/views/signed-out.njk', {
      pageTitle: 'You have signed out',
    }),
  );
  // "Stay signed in": any change to the session moves its expiry on.
  app.get('/session/keep-alive', (request, reply) => {
    if (request.session) request.session.set('seenAt', new Date().toISOString());
    return reply.code(204).header('cache-control', 'no-store').send();
  });

  // Development tools, only with DEV_TOOLS=true (refused in production): sign in as a sample
  // user, and read the emails the service has sent.
  if (config.devTools) {
    app.get('/dev/users', async (request, reply) => {
      const users = await sampleUsers(db);
      const loaded = request.session?.get<string>(SAMPLE_NOTICE);
      if (loaded) request.session?.delete(SAMPLE_NOTICE);
      return renderPage(reply, 'accounts/views/dev-users.njk', {
        pageTitle: 'Sample users (development only)',
        users,
        loaded,
        sampleDataLoaded: await hasSampleData(db),
        csrfToken: csrfToken(request),
      });
    });
    // One click for what `npm run seed:sample` does (the same code, with its default size), once.
    app.post('/dev/sample-data', async (request, reply) => {
      if (await hasSampleData(db)) {
        request.ensureSession().set(SAMPLE_NOTICE, 'The sample data was already loaded: nothing changed.');
      } else {
        const added = await seedSampleData(db, DEFAULT_SAMPLE_SCHOOLS, { trainees: { serviceUrl: config.serviceUrl } });
        await seedSampleFigures(db, config.serviceUrl);
        request
          .ensureSession()
          .set(
            SAMPLE_NOTICE,
            `Sample data loaded: ${added.providers} providers, ${added.schools} placement schools, ${added.trainees} trainees and the sample users below.`,
          );
      }
      return reply.redirect('/dev/users', 303);
    });
    app.post('/dev/sign-in-as', async (request, reply) => {
      const body = request.body as Record<string, unknown> | undefined;
      const id = parseId(body?.['userId']);
      const user = id ? await sampleUser(db, id) : undefined;
      if (!user) return reply.callNotFound();
      signedIn(request, user.id);
      return reply.redirect(homeFor({ role: user.role as User['role'] }), 303);
    });
    app.get('/dev/outbox', async (_request, reply) => {
      const emails = await recentEmails(db, 50);
      return renderPage(reply, 'accounts/views/dev-outbox.njk', {
        pageTitle: 'Sent emails (development only)',
        emails,
      });
    });
  }
}
