import formbody from '@fastify/formbody';
import { createServer } from 'node:http';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { loadContentTree } from './content/load.ts';
import { primaryNavigation } from './content/render.ts';
import { contentFastPath, type FastPath } from './content/fast-path.ts';
import { registerContentRoutes } from './content/routes.ts';
import { buildContentSite, ContentSite } from './content/site.ts';
import type { ContentData } from './content/components.ts';
import { allProviders } from './features/providers/repository.ts';
import type { DatabaseHandle } from './db/connect.ts';
import { registerAdminRoutes } from './features/accounts/admin-routes.ts';
import { registerAdminUserRoutes } from './features/accounts/admin-users-routes.ts';
import { registerAuditLogRoutes } from './features/audit-log/admin-routes.ts';
import { registerProviderUserRoutes } from './features/accounts/provider-user-routes.ts';
import { userById } from './features/accounts/repository.ts';
import { registerAccountPageRoutes } from './features/accounts/account-routes.ts';
import { registerAccountRoutes } from './features/accounts/routes.ts';
import { registerAwardAdminRoutes } from './features/award/admin-routes.ts';
import { registerAwardCandidateRoutes } from './features/award/candidate-routes.ts';
import { registerAwardProviderRoutes } from './features/award/provider-routes.ts';
import { registerAwardPublicRoutes } from './features/award/public-routes.ts';
import { registerStaffSignInRoutes } from './features/accounts/staff-sign-in-routes.ts';
import { registerAdviserRoutes } from './features/advisers/adviser-routes.ts';
import { registerAdviserAdminRoutes } from './features/advisers/admin-routes.ts';
import { registerAdviserCandidateRoutes, registerAdviserSignUpRoutes } from './features/advisers/candidate-routes.ts';
import { registerApiRoutes } from './features/api/routes.ts';
import { registerApiTokenRoutes } from './features/api/token-routes.ts';
import { registerCandidateRoutes } from './features/applications/candidate-routes.ts';
import { registerProviderAreaRoutes } from './features/applications/provider-routes.ts';
import { registerEligibilityRoutes } from './features/eligibility/routes.ts';
import { registerProviderAdminRoutes } from './features/providers/admin-routes.ts';
import { registerInterviewCandidateRoutes } from './features/interviews/candidate-routes.ts';
import { registerInterviewProviderRoutes } from './features/interviews/provider-routes.ts';
import { registerProviderManagementRoutes } from './features/providers/manage-routes.ts';
import { registerProviderRoutes } from './features/providers/routes.ts';
import { registerFeedbackRoutes } from './features/feedback/routes.ts';
import { registerOversightAdminRoutes } from './features/oversight/admin-routes.ts';
import { registerOversightPublicRoutes } from './features/oversight/public-routes.ts';
import { registerPolicyPages } from './features/policies/routes.ts';
import { registerMentorRoutes } from './features/training/mentor-routes.ts';
import { registerTrainingProviderRoutes } from './features/training/provider-routes.ts';
import { registerTraineeRoutes } from './features/training/trainee-routes.ts';
import { loadManifest, registerAssets } from './platform/assets.ts';
import { currentUser, routeGroup } from './platform/auth.ts';
import { registerCsrf } from './platform/csrf.ts';
import { registerErrorPages } from './platform/errors.ts';
import { frameworkErrorOptions } from './platform/framework-errors.ts';
import { registerFormsOnly, registerInputGuard } from './platform/input-guard.ts';
import { registerRouteList } from './platform/route-list.ts';
import { fromRoot } from './shared/paths.ts';
import { inlineScripts, scriptHash, securityHeaders } from './platform/security.ts';
import { registerSessions } from './platform/session.ts';
import { createViews, type NavigationItem } from './platform/views.ts';

export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  /** 'background': the caller starts `contentSite.renderInBackground()` after listening. */
  renderContent?: 'now' | 'background';
}

/** Links to the service's tools, after the content's own menu. */
const toolNavigation: NavigationItem[] = [
  { href: '/eligibility', text: 'Check your eligibility' },
  { href: '/providers', text: 'Find a provider' },
  { href: '/placement-schools', text: 'Placement schools' },
  { href: '/application', text: 'Apply' },
];

declare module 'fastify' {
  interface FastifyInstance {
    contentSite: ContentSite;
    /** Reads the providers again and re-renders the content pages that list them; the paths re-rendered. */
    refreshContentData(): Promise<string[]>;
  }
}

/** How long an idle keep-alive connection stays open: Fastify's default. */
const KEEP_ALIVE_MS = 72_000;

/** How often content pages that show the service's data check it for changes made elsewhere. */
const CONTENT_DATA_REFRESH_MS = 60_000;

/** The service's data that content pages show: the approved providers the finder lists (never sample data). */
export async function contentData(database: DatabaseHandle): Promise<ContentData> {
  const providers = (await allProviders(database.db))
    .filter((p) => p.status === 'approved' && !p.isSample)
    .map((p) => ({ name: p.name, slug: p.slug, website: p.website }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
  return { providers };
}

/** Builds the service. Plugins are registered here, in one visible order. */
export async function buildApp({ config, database, renderContent = 'now' }: AppDeps): Promise<FastifyInstance> {
  const assets = loadManifest();
  const tree = loadContentTree(fromRoot(config.contentDir));
  const views = createViews({
    assets,
    govukBrand: config.govukBrand,
    primaryNavigation: [...primaryNavigation(tree), ...toolNavigation],
    serviceUrl: config.serviceUrl,
  });

  // Content pages are answered before Fastify once the app is ready (content/fast-path.ts).
  let fastPath: FastPath | undefined;
  const app = Fastify({
    serverFactory: (handler) => {
      const server = createServer((request, response) => {
        if (!fastPath?.(request, response)) handler(request, response);
      });
      // Fastify's own keep-alive (it applies none of its server options to a server made here):
      // longer than a load balancer's usual 60 s, so the service never closes a connection
      // the balancer is about to reuse (Node's 5 s default would, now and then: a 502).
      server.keepAliveTimeout = KEEP_ALIVE_MS;
      return server;
    },
    logger:
      config.logLevel === 'silent'
        ? false
        : { level: config.logLevel, redact: ['req.headers.cookie', 'req.headers.authorization'] },
    // Request lines are logged below without query strings, which may hold what people typed.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    ...frameworkErrorOptions,
  });
  registerRouteList(app);
  app.decorate('views', views);
  app.decorate('sessionIdleMinutes', config.sessionIdleMinutes);
  // Before any plugin context: error handlers are inherited only by contexts registered after them.
  registerErrorPages(app);

  // Pages are rendered once, so the CSP allows govuk-frontend's inline script by its hash.
  const probe = views.render('error.njk', { pageTitle: 'probe', heading: 'probe', paragraphs: [] });
  const headers = securityHeaders(inlineScripts(probe).map(scriptHash));
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  registerInputGuard(app);
  if (['info', 'debug', 'trace'].includes(config.logLevel)) {
    app.addHook('onResponse', (request, reply, done) => {
      if (!request.url.startsWith('/assets/')) {
        request.log.info(
          {
            method: request.method,
            path: request.url.split('?')[0],
            status: reply.statusCode,
            ms: Math.round(reply.elapsedTime),
          },
          'request',
        );
      }
      done();
    });
  }

  // Pages render once: all now, or (the running service) in the background once it is listening.
  const data = await contentData(database);
  // With the development tools on, a page shows editors what it could not render (a Ruby partial).
  const contentOptions = { devNotices: config.devTools, cacheBytes: config.contentCacheBytes };
  const site =
    renderContent === 'now'
      ? buildContentSite(tree, views, data, contentOptions)
      : new ContentSite(tree, views, data, contentOptions);
  app.decorate('contentSite', site);
  app.decorate('refreshContentData', async () => site.updateData(await contentData(database)));
  // Another process (or an admin's change) may change the providers: pages listing them follow within a minute.
  const refresh = setInterval(() => {
    app.refreshContentData().catch((error: unknown) => app.log.warn({ err: error }, 'content data refresh failed'));
  }, CONTENT_DATA_REFRESH_MS);
  refresh.unref();
  app.addHook('onClose', (_instance, done) => {
    clearInterval(refresh);
    done();
  });

  registerAssets(app, site.images);
  registerContentRoutes(app, site, config.serviceUrl);
  const logsRequests = ['info', 'debug', 'trace'].includes(config.logLevel);
  if (!logsRequests) {
    let closing = false;
    app.addHook('preClose', (done) => {
      closing = true;
      done();
    });
    app.addHook('onReady', (done) => {
      // The content routes' handlers, as the router holds them: a path is ours when it routes there.
      const contentRoutes = new Set(
        ['/', '/*'].map((url) => app.findRoute({ method: 'GET', url })?.handler).filter((h) => h !== undefined),
      );
      fastPath = contentFastPath({
        site,
        securityHeaders: headers,
        routesToContent: (path) => contentRoutes.has(app.findRoute({ method: 'GET', url: path })?.handler),
        closing: () => closing,
      });
      done();
    });
  }

  // Browsers and crawlers ask for /favicon.ico whatever a page links to.
  const favicon = config.govukBrand ? `${assets.govukAssetBase}/images/favicon.ico` : assets.favicon;
  app.get('/favicon.ico', (_request, reply) =>
    reply.header('cache-control', 'public, max-age=86400').redirect(favicon, 301),
  );

  app.get('/health', async (_request, reply) => {
    const ok = await database.ping();
    return reply
      .code(ok ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({
        status: ok ? 'ok' : 'unavailable',
        database: { status: ok ? 'ok' : 'unreachable', dialect: database.dialect },
      });
  });

  // The accessibility statement, privacy notice and cookies page: rendered once, no session.
  registerPolicyPages(app, config);

  // The finders read only: no session, no cookie.
  registerProviderRoutes(app, database.db);
  registerApiRoutes(app, database.db);
  // The open statistics: national figures with small numbers withheld, no session.
  registerOversightPublicRoutes(app, database.db);

  // Pages with forms: sessions and CSRF apply only inside this context, so content pages stay cheap.
  await app.register(async (forms) => {
    registerFormsOnly(forms);
    await forms.register(formbody, { bodyLimit: 64 * 1024 });
    registerSessions(forms, { db: database.db, secret: config.sessionSecret, idleMinutes: config.sessionIdleMinutes });
    registerCsrf(forms);
    // Every page with a session knows who is signed in, so the header can say so.
    const loadUser = (id: number) => userById(database.db, id);
    forms.addHook('preHandler', async (request) => {
      await currentUser(request, loadUser);
    });
    registerFeedbackRoutes(forms, database.db);
    registerEligibilityRoutes(forms);
    registerAccountRoutes(forms, database.db, config);
    // Every signed-in person's own account page (their time zone), whatever their role.
    registerAccountPageRoutes(forms, database.db);
    registerStaffSignInRoutes(forms, database.db, config);
    // The public check of a teacher's record and the certificate's verification link: no sign-in.
    registerAwardPublicRoutes(forms, database.db, config.checkRateLimit);
    // Asking for a teacher training adviser: the questions need no sign-in (the email step signs in).
    registerAdviserSignUpRoutes(forms, database.db, config);
    // One route group per role: each declares its sign-in and permission check once, here.
    await routeGroup(forms, { role: 'candidate', loadUser }, (candidate) => {
      registerCandidateRoutes(candidate, database.db, config);
      registerInterviewCandidateRoutes(candidate, database.db, config);
      registerTraineeRoutes(candidate, database.db);
      registerAwardCandidateRoutes(candidate, database.db, config);
      registerAdviserCandidateRoutes(candidate, database.db, config);
    });
    await routeGroup(forms, { role: 'provider', loadUser }, (provider) => {
      registerProviderAreaRoutes(provider, database.db, config);
      registerInterviewProviderRoutes(provider, database.db, config);
      registerProviderManagementRoutes(provider, database.db);
      registerProviderUserRoutes(provider, database.db, config);
      registerApiTokenRoutes(provider, database.db);
      registerTrainingProviderRoutes(provider, database.db, config);
      registerAwardProviderRoutes(provider, database.db, config);
    });
    await routeGroup(forms, { role: 'mentor', loadUser }, (mentor) => {
      registerMentorRoutes(mentor, database.db, config);
    });
    await routeGroup(forms, { role: 'adviser', loadUser }, (adviser) => {
      registerAdviserRoutes(adviser, database.db);
    });
    await routeGroup(forms, { role: 'admin', loadUser }, (admin) => {
      registerAdminRoutes(admin, database.db, config);
      registerAdminUserRoutes(admin, database.db, config);
      registerAuditLogRoutes(admin, database.db);
      registerAwardAdminRoutes(admin, database.db, config);
      registerOversightAdminRoutes(admin, database.db);
      registerProviderAdminRoutes(admin, database.db, config);
      registerAdviserAdminRoutes(admin, database.db, config);
    });
  });

  return app;
}
