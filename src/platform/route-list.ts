import type { FastifyInstance, HTTPMethods } from 'fastify';

export interface RegisteredRoute {
  method: HTTPMethods;
  /** The path as registered, with its parameters: `/application/:section`. */
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the service registered, in order: for tests that must cover them all. */
    routeList: readonly RegisteredRoute[];
  }
}

/**
 * Records every route as it is registered, in every plugin context. Call first in buildApp,
 * before any route, so none is missed: the onRoute hook only sees routes added after it.
 */
export function registerRouteList(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  app.decorate('routeList', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method: method as HTTPMethods, url: route.url });
  });
}
