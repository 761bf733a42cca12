import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import { NotifyClient } from 'notifications-node-client';

/** One way of delivering an email. `send` resolves with the transport's id for it, or throws. */
export interface EmailTransport {
  name: string;
  send(message: { to: string; subject: string; body: string; template: string; reference: string }): Promise<{ id: string }>;
}

/**
 * GOV.UK Notify: one generic template whose content is `((subject))` and `((body))`,
 * so the service keeps its wording in one place (templates.ts).
 */
export function notifyTransport(apiKey: string, templateId: string): EmailTransport {
  const client = new NotifyClient(apiKey);
  return {
    name: 'notify',
    async send(m) {
      const response = (await client.sendEmail(templateId, m.to, { personalisation: { subject: m.subject, body: m.body }, reference: m.reference })) as { data?: { id?: string } };
      return { id: response.data?.id ?? m.reference };
    },
  };
}

export function smtpTransport(url: string, from: string): EmailTransport {
  const mailer = nodemailer.createTransport(url);
  return {
    name: 'smtp',
    async send(m) {
      const info = await mailer.sendMail({ from, to: m.to, subject: m.subject, text: m.body, headers: { 'X-Reference': m.reference } });
      return { id: info.messageId };
    },
  };
}

/** Development: the email stays readable in /dev/outbox; the log says only that it went (no addresses). */
export function logTransport(log: (entry: Record<string, unknown>, message: string) => void): EmailTransport {
  return {
    name: 'log',
    async send(m) {
      const recipient = createHash('sha256').update(m.to).digest('hex').slice(0, 12);
      log({ template: m.template, recipient, reference: m.reference }, 'email sent (log transport)');
      return { id: `log-${m.reference}` };
    },
  };
}

export function transportFromConfig(email: { notifyApiKey?: string; notifyTemplateId?: string; smtpUrl?: string; from: string }, log: (entry: Record<string, unknown>, message: string) => void): EmailTransport {
  if (email.notifyApiKey) {
    if (!email.notifyTemplateId) throw new Error('NOTIFY_TEMPLATE_ID is required with NOTIFY_API_KEY');
    return notifyTransport(email.notifyApiKey, email.notifyTemplateId);
  }
  if (email.smtpUrl) return smtpTransport(email.smtpUrl, email.from);
  return logTransport(log);
}
