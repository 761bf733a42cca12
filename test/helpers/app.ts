import * as cheerio from 'cheerio';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { loadReferenceProviders } from '../../src/features/providers/reference-data.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  close(): Promise<void>;
}

/** The real service on a real database (SQLite unless told), with request logging off. */
export async function startTestApp(
  options: { engine?: 'sqlite' | 'postgres'; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const database = await openTestDatabase(options.engine ?? 'sqlite');
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    DATABASE_URL: database.url,
    ...options.env,
  });
  await loadReferenceProviders(database.db);
  const app = await buildApp({ config, database });
  await app.ready();
  return {
    app,
    database,
    close: async () => {
      await app.close();
      await database.dispose();
    },
  };
}

export const $ = (response: LightMyRequestResponse) => cheerio.load(response.body);

/** A browser-like client for inject: keeps the session cookie and reads CSRF tokens from forms. */
export class FormClient {
  cookie = '';
  constructor(private readonly app: FastifyInstance) {}

  private remember(response: LightMyRequestResponse): void {
    const set = response.headers['set-cookie'];
    const first = Array.isArray(set) ? set[0] : set;
    if (first) this.cookie = first.split(';')[0] ?? '';
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({ method: 'GET', url, headers: this.cookie ? { cookie: this.cookie } : {} });
    this.remember(response);
    return response;
  }

  /** The `_csrf` value of the first form on a page. */
  async csrf(url: string): Promise<string> {
    const page = await this.get(url);
    const token = cheerio.load(page.body)('input[name="_csrf"]').attr('value');
    if (!token) throw new Error(`no CSRF token on ${url}`);
    return token;
  }

  async post(url: string, form: Record<string, string | string[]>, csrf?: string): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(form)) for (const v of [value].flat()) body.append(key, v);
    if (csrf !== undefined) body.set('_csrf', csrf);
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(this.cookie ? { cookie: this.cookie } : {}) },
      payload: body.toString(),
    });
    this.remember(response);
    return response;
  }
}
