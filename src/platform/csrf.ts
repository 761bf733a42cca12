import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem } from './errors.ts';
import { safeEqual } from './session.ts';

/**
 * CSRF protection for every POST: a per-session synchronizer token, sent as the `_csrf`
 * field of each form. SameSite=Lax cookies already stop most cross-site posts; this stops the rest.
 */
export function csrfToken(request: FastifyRequest): string {
  const session = request.ensureSession();
  let token = session.get<string>('csrf');
  if (!token) {
    token = randomBytes(24).toString('base64url');
    session.set('csrf', token);
  }
  return token;
}

export function registerCsrf(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    if (
      request.method !== 'POST' &&
      request.method !== 'PUT' &&
      request.method !== 'PATCH' &&
      request.method !== 'DELETE'
    )
      return;
    const body = request.body as Record<string, unknown> | undefined;
    const sent = body && typeof body === 'object' ? body['_csrf'] : undefined;
    const expected = request.session?.get<string>('csrf');
    if (typeof sent !== 'string' || !expected || !safeEqual(sent, expected)) {
      throw new HttpProblem(403, 'csrf');
    }
  });
}
