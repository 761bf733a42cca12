import type { FastifyInstance } from 'fastify';

/** Every route the service registers, for the tests that probe them all (isolation, fuzzing). */
export interface RegisteredRoute {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeList: RegisteredRoute[];
  }
}

/** Call first, before any route is registered: the hook sees every route added after it. */
export function registerRouteList(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  app.decorate('routeList', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      if (!routes.some((r) => r.method === method && r.url === route.url)) routes.push({ method, url: route.url });
    }
  });
}
