import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import { countRequest } from '../../db/rate-limits.ts';
import type { Database } from '../../db/schema.ts';
import { currentUser } from '../../platform/auth.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { fieldError, parseForm } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { isStaffEmail, signInStaffUser, userById } from './repository.ts';
import { codeForm, emailForm, homeFor, PENDING_STAFF_EMAIL, safeReturn, signedIn } from './routes.ts';
import { CODE_MINUTES, MAX_CODES_PER_IP, sendSignInCode, verifySignInCode, WINDOW_MINUTES } from './sign-in.ts';

const START = '/provider/sign-in';
const CODE = '/provider/sign-in/code';
const emailPage = { pageTitle: 'Sign in to manage iQTS applications and training' };
export const NO_STAFF_ACCOUNT =
  'There is no provider, mentor or DfE account for this email address. Check the address, or ask a colleague who manages users to add you';

/**
 * Sign-in for provider staff, mentors and DfE admins: the same emailed code as candidates, but
 * only for an address that already has such an account. It never creates an account;
 * an address without one is told so (a colleague who manages users, or DfE, adds people).
 */
export function registerStaffSignInRoutes(app: FastifyInstance, db: Kysely<Database>, config: Config): void {
  const loadUser = (id: number) => userById(db, id);

  app.get(START, async (request, reply) => {
    const user = await currentUser(request, loadUser);
    if (user) return reply.redirect(homeFor(user), 303);
    return renderPage(reply, 'accounts/views/staff-sign-in.njk', {
      ...emailPage,
      csrfToken: csrfToken(request),
      values: {},
    });
  });

  app.post(START, async (request, reply) => {
    // This page says whether an address has a staff account, so it is limited per IP address
    // (in the database, shared by every process) before anything is looked up.
    const limit = await countRequest(db, `staff-sign-in:${request.ip}`, MAX_CODES_PER_IP, WINDOW_MINUTES * 60);
    if (!limit.allowed) {
      const minutes = Math.max(1, Math.ceil(limit.retryAfter / 60));
      return renderPage(reply.code(429).header('retry-after', String(limit.retryAfter)), 'error.njk', {
        pageTitle: 'Too many sign-in attempts',
        heading: 'You have tried to sign in too many times',
        paragraphs: [`Try again in ${minutes === 1 ? '1 minute' : `${minutes} minutes`}.`],
      });
    }
    const form = parseForm(emailForm, request.body);
    const typed = typeof form.values['email'] === 'string' ? form.values['email'].slice(0, 320) : '';
    const refuse = (problems: { errors: unknown; fieldErrors: unknown }) =>
      renderPage(reply.code(400), 'accounts/views/staff-sign-in.njk', {
        ...emailPage,
        csrfToken: csrfToken(request),
        values: { email: typed },
        ...problems,
      });
    if (!form.ok) return refuse(form);
    const { email } = form.data;
    if (!(await isStaffEmail(db, email))) return refuse(fieldError('email', NO_STAFF_ACCOUNT));
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
    request.ensureSession().set(PENDING_STAFF_EMAIL, email);
    return reply.redirect(CODE, 303);
  });

  const codePage = {
    pageTitle: 'Check your email',
    minutes: CODE_MINUTES,
    backLink: { href: START },
    formAction: CODE,
    newCodeHref: START,
  };

  app.get(CODE, (request, reply) => {
    const email = request.session?.get<string>(PENDING_STAFF_EMAIL);
    if (!email) return reply.redirect(START, 303);
    return renderPage(reply, 'accounts/views/code.njk', { ...codePage, csrfToken: csrfToken(request), email });
  });

  app.post(CODE, async (request, reply) => {
    const email = request.session?.get<string>(PENDING_STAFF_EMAIL);
    if (!email) return reply.redirect(START, 303);
    const fail = (problems: { errors: unknown; fieldErrors: unknown }) =>
      renderPage(reply.code(400), 'accounts/views/code.njk', {
        ...codePage,
        csrfToken: csrfToken(request),
        email,
        ...problems,
      });
    const form = parseForm(codeForm, request.body);
    if (!form.ok) return fail(form);
    const verified = await verifySignInCode(db, { email, code: form.data.code, secret: config.sessionSecret });
    if (!verified.ok) return fail(fieldError('code', verified.message));
    // The account may have been removed since the code was sent: still nothing is created.
    const userId = await signInStaffUser(db, email);
    if (userId === undefined) return fail(fieldError('code', NO_STAFF_ACCOUNT));
    const returnTo = safeReturn(request.session?.get('returnTo'));
    signedIn(request, userId);
    request.session?.delete('returnTo');
    const user = (await userById(db, userId))!;
    return reply.redirect(returnTo ?? homeFor(user), 303);
  });
}
