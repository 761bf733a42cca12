import { z } from 'zod';

/** The service's settings, read once from the environment. Secrets are required in production. */
const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: z
      .string()
      .regex(/^(sqlite:|postgres:\/\/|postgresql:\/\/)/, 'DATABASE_URL must start with sqlite: or postgres://')
      .default('sqlite:var/iqts.sqlite'),
    DATABASE_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'DATABASE_SCHEMA must be lower-case letters, digits and underscores')
      .optional(),
    SERVICE_URL: z
      .url({ protocol: /^https?$/, error: 'SERVICE_URL must be an http:// or https:// address' })
      .optional(),
    SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
    CONTENT_DIR: z.string().min(1).default('content'),
    /** Megabytes kept of content pages' raw and brotli forms (their gzip form is always kept). */
    CONTENT_CACHE_MB: z.coerce.number().min(0).max(4096).default(8),
    GOVUK_BRAND: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SESSION_IDLE_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(60),
    NOTIFY_API_KEY: z.string().min(1).optional(),
    NOTIFY_TEMPLATE_ID: z.string().min(1).optional(),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'SMTP_URL must start with smtp:// or smtps://')
      .optional(),
    EMAIL_FROM: z.string().min(3).default('iQTS service <no-reply@localhost>'),
    DEV_TOOLS: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
    RETENTION_INTERVAL_MINUTES: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60)
      .default(60),
    OUTBOX_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /** How often each process looks for deadline reminders and defaults that are due (0: never). */
    DEADLINES_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
    DRAFT_RETENTION_MONTHS: z.coerce.number().int().min(1).max(120).default(12),
    /** The public check of a teacher's record: requests per IP address in each 10 minutes. */
    CHECK_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000_000).default(30),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'SESSION_SECRET is required in production' });
    }
    // The development tools sign anyone in as a sample user and show every email sent.
    if (env.NODE_ENV === 'production' && env.DEV_TOOLS) {
      ctx.addIssue({ code: 'custom', path: ['DEV_TOOLS'], message: 'DEV_TOOLS cannot be on in production' });
    }
  });

export type Config = {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  databaseUrl: string;
  /** PostgreSQL only: the schema to use instead of the default search path. */
  databaseSchema?: string;
  /**
   * The service's public address, the start of every absolute link (sitemap, robots.txt, emails,
   * canonical links): SERVICE_URL, or the address it listens on.
   */
  serviceUrl: string;
  sessionSecret: string;
  contentDir: string;
  /** Bytes kept of content pages' raw and brotli forms, made on request. */
  contentCacheBytes: number;
  govukBrand: boolean;
  logLevel: string;
  sessionIdleMinutes: number;
  email: { notifyApiKey?: string; notifyTemplateId?: string; smtpUrl?: string; from: string };
  /** Sign in as a sample user and read sent emails: local development only. */
  devTools: boolean;
  /** Worker processes sharing the port (PostgreSQL only). */
  webConcurrency: number;
  /** The clean-up of old data: how often it runs (0: never) and how long sent emails and drafts are kept. */
  retention: { intervalMinutes: number; outboxDays: number; draftMonths: number };
  /** Deadline reminders and defaults: how often each process looks for due ones (0: never). */
  deadlinesIntervalSeconds: number;
  /** The public check: requests allowed per IP address in each window. */
  checkRateLimit: { requests: number; windowSeconds: number };
};

/** The address a browser on this machine reaches the service at: a loopback or "any" address is localhost. */
export function listeningAddress(host: string, port: number): string {
  const local = ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost'].includes(host);
  const name = local ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    ...(e.DATABASE_SCHEMA ? { databaseSchema: e.DATABASE_SCHEMA } : {}),
    serviceUrl: (e.SERVICE_URL ?? listeningAddress(e.HOST, e.PORT)).replace(/\/+$/, ''),
    // Outside production a fixed development secret keeps sessions across restarts.
    sessionSecret: e.SESSION_SECRET ?? 'development-only-secret-not-for-production-use',
    contentDir: e.CONTENT_DIR,
    contentCacheBytes: Math.round(e.CONTENT_CACHE_MB * 1024 * 1024),
    govukBrand: e.GOVUK_BRAND,
    logLevel: e.LOG_LEVEL,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    email: {
      ...(e.NOTIFY_API_KEY ? { notifyApiKey: e.NOTIFY_API_KEY } : {}),
      ...(e.NOTIFY_TEMPLATE_ID ? { notifyTemplateId: e.NOTIFY_TEMPLATE_ID } : {}),
      ...(e.SMTP_URL ? { smtpUrl: e.SMTP_URL } : {}),
      from: e.EMAIL_FROM,
    },
    devTools: e.DEV_TOOLS,
    webConcurrency: e.WEB_CONCURRENCY,
    retention: {
      intervalMinutes: e.RETENTION_INTERVAL_MINUTES,
      outboxDays: e.OUTBOX_RETENTION_DAYS,
      draftMonths: e.DRAFT_RETENTION_MONTHS,
    },
    deadlinesIntervalSeconds: e.DEADLINES_INTERVAL_SECONDS,
    checkRateLimit: { requests: e.CHECK_RATE_LIMIT, windowSeconds: 600 },
  };
}
