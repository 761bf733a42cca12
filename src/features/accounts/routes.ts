import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { formBody } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { CODE_MINUTES, looksLikeEmail, normaliseEmail, sendSignInCode, verifySignInCode } from './sign-in.ts';
import { currentUser, signInUser, USER_SESSION_KEY, userById, type User } from './users.ts';

const PENDING_EMAIL = 'signInEmail';

/** Where each role starts after signing in. */
export const homeFor = (user: Pick<User, 'role'>): string =>
  user.role === 'provider' ? '/provider' : user.role === 'admin' ? '/admin' : '/application';

/** Only paths on this service, so a crafted link cannot send someone elsewhere after sign-in. */
const safeReturn = (value: unknown): string | undefined =>
  typeof value === 'string' && /^\/(?!\/)[A-Za-z0-9\-/._~?=&%]{0,299}$/.test(value) ? value : undefined;

function signedIn(request: FastifyRequest, userId: number): void {
  // A new session id at sign-in: a planted or copied id is worthless afterwards.
  const session = request.regenerateSession();
  session.set(USER_SESSION_KEY, userId);
  session.delete(PENDING_EMAIL);
}

export function registerAccountRoutes(app: FastifyInstance, db: Kysely<Database>, config: Config): void {
  app.get('/sign-in', async (request, reply) => {
    const user = await currentUser(request, db);
    if (user) return reply.redirect(homeFor(user), 303);
    return renderPage(reply, 'accounts/views/email.njk', {
      pageTitle: 'Sign in to apply for iQTS',
      csrfToken: csrfToken(request),
      values: {},
    });
  });

  app.post('/sign-in', async (request, reply) => {
    const raw = formBody(request.body)['email'];
    const email = typeof raw === 'string' ? normaliseEmail(raw) : '';
    if (!looksLikeEmail(email)) {
      const message = email
        ? 'Enter an email address in the correct format, like name@example.com'
        : 'Enter your email address';
      return renderPage(reply.code(400), 'accounts/views/email.njk', {
        pageTitle: 'Sign in to apply for iQTS',
        csrfToken: csrfToken(request),
        values: { email: typeof raw === 'string' ? raw.slice(0, 320) : '' },
        errors: [{ text: message, href: '#email' }],
        fieldErrors: { email: message },
      });
    }
    const result = await sendSignInCode(db, {
      email,
      ip: request.ip,
      secret: config.sessionSecret,
      serviceUrl: config.publicUrl,
    });
    if (!result.sent) {
      return renderPage(
        reply.code(429).header('retry-after', String(result.retryAfterMinutes * 60)),
        'accounts/views/too-many.njk',
        {
          pageTitle: 'You have asked for too many codes',
          minutes: result.retryAfterMinutes,
        },
      );
    }
    // The same answer whether or not the address has an account.
    request.ensureSession().set(PENDING_EMAIL, email);
    return reply.redirect('/sign-in/code', 303);
  });

  app.get('/sign-in/code', (request, reply) => {
    const email = request.session?.get<string>(PENDING_EMAIL);
    if (!email) return reply.redirect('/sign-in', 303);
    return renderPage(reply, 'accounts/views/code.njk', {
      pageTitle: 'Check your email',
      csrfToken: csrfToken(request),
      email,
      minutes: CODE_MINUTES,
      backLink: { href: '/sign-in' },
    });
  });

  app.post('/sign-in/code', async (request, reply) => {
    const email = request.session?.get<string>(PENDING_EMAIL);
    if (!email) return reply.redirect('/sign-in', 303);
    const raw = formBody(request.body)['code'];
    const code = typeof raw === 'string' ? raw.replace(/[\s-]/g, '') : '';
    const fail = (message: string) =>
      renderPage(reply.code(400), 'accounts/views/code.njk', {
        pageTitle: 'Check your email',
        csrfToken: csrfToken(request),
        email,
        minutes: CODE_MINUTES,
        backLink: { href: '/sign-in' },
        errors: [{ text: message, href: '#code' }],
        fieldErrors: { code: message },
      });
    if (!/^\d{6}$/.test(code)) return fail(code ? 'The security code must be 6 numbers' : 'Enter the security code');
    const verified = await verifySignInCode(db, { email, code, secret: config.sessionSecret });
    if (!verified.ok) return fail(verified.message);
    const userId = await signInUser(db, email);
    const returnTo = safeReturn(request.session?.get('returnTo'));
    signedIn(request, userId);
    request.session?.delete('returnTo');
    const user = (await userById(db, userId))!;
    return reply.redirect(returnTo ?? homeFor(user), 303);
  });

  app.post('/sign-out', (request, reply) => {
    request.destroySession();
    return reply.redirect('/signed-out', 303);
  });
  // Also where the idle-timeout warning sends people: the page says they are signed out, so they are.
  app.get('/signed-out', (request, reply) => {
    if (request.session?.get(USER_SESSION_KEY) !== undefined) request.destroySession();
    return renderPage(reply.header('cache-control', 'no-store'), 'accounts/views/signed-out.njk', {
      pageTitle: 'You have signed out',
    });
  });
  // "Stay signed in": any change to the session moves its expiry on.
  app.get('/session/keep-alive', (request, reply) => {
    if (request.session) request.session.set('seenAt', new Date().toISOString());
    return reply.code(204).header('cache-control', 'no-store').send();
  });

  // Development only: sign in as a sample user, and read the emails the service has sent.
  if (config.env !== 'production') {
    app.get('/dev/users', async (request, reply) => {
      const users = await db
        .selectFrom('users')
        .select(['id', 'email', 'role', 'name'])
        .where('is_sample', '=', 1)
        .orderBy('role')
        .orderBy('email')
        .execute();
      return renderPage(reply, 'accounts/views/dev-users.njk', {
        pageTitle: 'Sample users (development only)',
        users,
        csrfToken: csrfToken(request),
      });
    });
    app.post('/dev/sign-in-as', async (request, reply) => {
      const id = Number(formBody(request.body)['userId']);
      const user = Number.isInteger(id)
        ? await db
            .selectFrom('users')
            .select(['id', 'role'])
            .where('id', '=', id)
            .where('is_sample', '=', 1)
            .executeTakeFirst()
        : undefined;
      if (!user) return reply.callNotFound();
      signedIn(request, user.id);
      return reply.redirect(homeFor({ role: user.role as User['role'] }), 303);
    });
    app.get('/dev/outbox', async (_request, reply) => {
      const emails = await db
        .selectFrom('outbox')
        .select(['id', 'to_email', 'subject', 'body', 'status', 'created_at'])
        .orderBy('id', 'desc')
        .limit(50)
        .execute();
      return renderPage(reply, 'accounts/views/dev-outbox.njk', {
        pageTitle: 'Sent emails (development only)',
        emails,
      });
    });
  }
}
