import { createHmac, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type Nodemailer from 'nodemailer';
import type { NotifyClient as NotifyClientType } from 'notifications-node-client';
import type { EmailAttachment } from './outbox.ts';
import type { Personalisation, TemplateName } from './templates.ts';

/** One email, as the outbox hands it to a transport. `reference` names the outbox row, never a person. */
export interface EmailMessage {
  to: string;
  subject: string;
  body: string;
  template: string;
  personalisation: Personalisation;
  reference: string;
  attachments?: EmailAttachment[];
}

/** One way of delivering an email. `send` resolves with the transport's id for it, or throws. */
export interface EmailTransport {
  name: string;
  send(message: EmailMessage): Promise<{ id: string }>;
}

/**
 * A transport must answer well within the outbox lease (60 s), or another worker could
 * claim and send the same email while this one is still waiting.
 */
export const TRANSPORT_TIMEOUT_MS = 15_000;

/** Where Notify template ids come from: one generic template, or some of our templates built in Notify. */
export interface NotifyTemplateIds {
  /** A Notify template whose subject is `((subject))` and whose body is `((body))`. */
  generic?: string;
  /** Templates written in Notify itself; they receive our personalisation as it is. */
  byTemplate?: Partial<Record<TemplateName, string>>;
}

export interface NotifyOptions {
  /** Another Notify API address (tests use a local stand-in). */
  baseUrl?: string;
  timeoutMs?: number;
}

// The HTTP client notifications-node-client itself uses (it has no timeout of its own);
// taken from the package's own dependencies so proxy settings keep working as they do there.
// Each client library is loaded when its transport is made, not at start-up: a process uses one (memory).
const requireHere = createRequire(import.meta.url);
type HttpClient = Parameters<NotifyClientType['setClient']>[0];
const notifyHttp = () =>
  createRequire(requireHere.resolve('notifications-node-client'))('axios') as {
    create(config: { timeout: number }): HttpClient;
  };

/**
 * GOV.UK Notify. The usual set-up is one generic template whose content is `((subject))`
 * and `((body))`, so the wording lives in one place (templates.ts); its id comes from
 * NOTIFY_TEMPLATE_ID when not given.
 */
export function notifyTransport(
  apiKey: string,
  templateIds?: string | NotifyTemplateIds,
  options: NotifyOptions = {},
): EmailTransport {
  const ids: NotifyTemplateIds = typeof templateIds === 'string' ? { generic: templateIds } : { ...templateIds };
  ids.generic ??= process.env['NOTIFY_TEMPLATE_ID'] || undefined;
  if (!ids.generic && Object.keys(ids.byTemplate ?? {}).length === 0)
    throw new Error('GOV.UK Notify needs a template id: set NOTIFY_TEMPLATE_ID');
  const { NotifyClient } = requireHere('notifications-node-client') as {
    NotifyClient: typeof NotifyClientType;
  };
  const client = options.baseUrl ? new NotifyClient(options.baseUrl, apiKey) : new NotifyClient(apiKey);
  client.setClient(notifyHttp().create({ timeout: options.timeoutMs ?? TRANSPORT_TIMEOUT_MS }));
  return {
    name: 'notify',
    async send(message) {
      const own = ids.byTemplate?.[message.template as TemplateName];
      const templateId = own ?? ids.generic;
      if (!templateId) throw new Error(`No GOV.UK Notify template for ${message.template}`);
      const personalisation = own ? message.personalisation : { subject: message.subject, body: message.body };
      const response = await client.sendEmail(templateId, message.to, {
        personalisation,
        reference: message.reference,
      });
      const id = (response.data as { id?: unknown } | undefined)?.id;
      return { id: typeof id === 'string' ? id : message.reference };
    },
  };
}

export interface SmtpOptions {
  timeoutMs?: number;
}

/**
 * SMTP through nodemailer, as plain text. Timeouts are added to the URL unless it sets
 * its own (nodemailer reads options such as `?socketTimeout=` from the URL).
 */
export function smtpTransport(url: string, from: string, options: SmtpOptions = {}): EmailTransport {
  const parsed = new URL(url);
  const timeout = String(options.timeoutMs ?? TRANSPORT_TIMEOUT_MS);
  for (const key of ['connectionTimeout', 'greetingTimeout', 'socketTimeout', 'dnsTimeout']) {
    if (!parsed.searchParams.has(key)) parsed.searchParams.set(key, timeout);
  }
  const nodemailer = requireHere('nodemailer') as typeof Nodemailer;
  const mailer = nodemailer.createTransport(parsed.toString());
  return {
    name: 'smtp',
    async send(message) {
      const info = await mailer.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.body,
        attachments: (message.attachments ?? []).map((a) => ({
          filename: a.filename,
          contentType: a.contentType,
          content: a.content,
        })),
        headers: { 'X-Outbox-Reference': message.reference },
      });
      return { id: info.messageId || message.reference };
    },
  };
}

/** A pino logger, or any function taking (entry, message). */
export type LogSink =
  | ((entry: Record<string, unknown>, message: string) => void)
  | { info: (entry: Record<string, unknown>, message: string) => void };

const writeLog = (sink: LogSink, entry: Record<string, unknown>, message: string) =>
  typeof sink === 'function' ? sink(entry, message) : sink.info(entry, message);

// Keyed per process: the log can tell two recipients apart, but nobody can test a guessed address against it.
const recipientKey = randomBytes(32);
export const redactRecipient = (address: string): string =>
  createHmac('sha256', recipientKey).update(address.trim().toLowerCase()).digest('hex').slice(0, 12);

/** Development: the email stays readable at /dev/outbox; the log says only that it went. */
export function logTransport(logger: LogSink): EmailTransport {
  return {
    name: 'log',
    async send(message) {
      writeLog(
        logger,
        { template: message.template, recipient: redactRecipient(message.to), reference: message.reference },
        'email sent (log transport)',
      );
      return { id: `log-${message.reference}` };
    },
  };
}

/** The service's email settings, as config.ts reads them. */
export interface EmailConfig {
  notifyApiKey?: string;
  notifyTemplateId?: string;
  smtpUrl?: string;
  from: string;
}

const DEFAULT_FROM = 'iQTS service <no-reply@localhost>';

const fromEnvironment = (env: Record<string, string | undefined>): EmailConfig => ({
  ...(env['NOTIFY_API_KEY'] ? { notifyApiKey: env['NOTIFY_API_KEY'] } : {}),
  ...(env['NOTIFY_TEMPLATE_ID'] ? { notifyTemplateId: env['NOTIFY_TEMPLATE_ID'] } : {}),
  ...(env['SMTP_URL'] ? { smtpUrl: env['SMTP_URL'] } : {}),
  from: env['EMAIL_FROM'] || DEFAULT_FROM,
});

/**
 * GOV.UK Notify when NOTIFY_API_KEY is set, else SMTP when SMTP_URL is set, else the log.
 * Takes the typed email config or the environment itself (process.env by default).
 */
export function transportFromConfig(
  source: EmailConfig | Record<string, string | undefined> = process.env,
  logger: LogSink = () => undefined,
): EmailTransport {
  const isConfig = 'from' in source || 'notifyApiKey' in source || 'smtpUrl' in source;
  const email = isConfig ? (source as EmailConfig) : fromEnvironment(source as Record<string, string | undefined>);
  if (email.notifyApiKey) {
    if (!email.notifyTemplateId) throw new Error('NOTIFY_TEMPLATE_ID is required with NOTIFY_API_KEY');
    return notifyTransport(email.notifyApiKey, { generic: email.notifyTemplateId });
  }
  if (email.smtpUrl) return smtpTransport(email.smtpUrl, email.from);
  return logTransport(logger);
}
