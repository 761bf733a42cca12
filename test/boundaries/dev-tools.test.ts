import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startTestApp } from '../helpers/app.ts';

/** The development tools sign anyone in as a sample user: off unless asked for, never in production. */
describe('development tools', () => {
  it('are absent unless DEV_TOOLS=true, and then list sample users and sent emails', async () => {
    const off = await startTestApp();
    try {
      for (const url of ['/dev/users', '/dev/outbox']) expect((await off.app.inject(url)).statusCode, url).toBe(404);
    } finally {
      await off.close();
    }
    const on = await startTestApp({ env: { DEV_TOOLS: 'true' } });
    try {
      const users = await on.app.inject('/dev/users');
      expect(users.statusCode).toBe(200);
      expect(users.body).toContain('Sample users (development only)');
      expect((await on.app.inject('/dev/outbox')).statusCode).toBe(200);
    } finally {
      await on.close();
    }
  });

  it('refuse to start in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), DEV_TOOLS: 'true' })).toThrow(
      'DEV_TOOLS cannot be on in production',
    );
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) }).devTools).toBe(false);
    expect(loadConfig({}).devTools).toBe(false);
  });
});
