import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import { CODE_KEEP_HOURS } from '../../jobs/retention.ts';
import { SESSION_COOKIE } from '../../platform/session.ts';
import { CODE_MINUTES } from '../accounts/sign-in.ts';

/**
 * The pages every GOV.UK service has, linked from the footer: accessibility statement,
 * privacy notice and cookies. They say what this service does, read from its settings
 * (how long data is kept, the session cookie), so they cannot drift from the code. Like
 * content pages they are rendered once at start-up and need no session.
 */
export const POLICY_PATHS = ['/accessibility', '/privacy', '/cookies'] as const;

export function registerPolicyPages(app: FastifyInstance, config: Config): void {
  const facts = {
    sessionCookie: SESSION_COOKIE,
    sessionIdleMinutes: config.sessionIdleMinutes,
    codeMinutes: CODE_MINUTES,
    codeKeepHours: CODE_KEEP_HOURS,
    outboxDays: config.retention.outboxDays,
    draftMonths: config.retention.draftMonths,
    cleanUpMinutes: config.retention.intervalMinutes,
  };
  const pages: Record<(typeof POLICY_PATHS)[number], { template: string; pageTitle: string; description: string }> = {
    '/accessibility': {
      template: 'policies/views/accessibility.njk',
      pageTitle: 'Accessibility statement',
      description: 'How accessible this service is, how it was tested and the problems we know about.',
    },
    '/privacy': {
      template: 'policies/views/privacy.njk',
      pageTitle: 'Privacy notice',
      description: 'What personal data this service holds, why, for how long and who can see it.',
    },
    '/cookies': {
      template: 'policies/views/cookies.njk',
      pageTitle: 'Cookies',
      description: 'The one cookie this service uses, and why it is needed.',
    },
  };
  for (const [path, page] of Object.entries(pages)) {
    const html = app.views.render(page.template, { ...page, ...facts, currentPath: path, canonicalPath: path });
    app.get(path, (_request, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'public, max-age=300').send(html),
    );
  }
}
