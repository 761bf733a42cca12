import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { renderEmail, type TemplateName } from './templates.ts';

/**
 * Emails are written to the outbox inside the caller's transaction, so an email exists
 * exactly when the change it tells of was committed. A worker delivers them.
 */
type Email = { to: string; template: TemplateName; personalisation: Record<string, string> };

const row = (email: Email, stamp: string) => {
  const { subject, body } = renderEmail(email.template, email.personalisation);
  return {
    to_email: email.to,
    template: email.template,
    subject,
    body,
    personalisation: JSON.stringify(email.personalisation),
    status: 'pending',
    next_attempt_at: stamp,
    locked_until: null,
    last_error: null,
    sent_at: null,
    transport_id: null,
    created_at: stamp,
  };
};

/** Several emails about one change, in one statement. */
export async function enqueueEmails(trx: Kysely<Database> | Transaction<Database>, emails: Email[], now = new Date()): Promise<void> {
  if (emails.length === 0) return;
  const stamp = now.toISOString();
  await trx.insertInto('outbox').values(emails.map((e) => row(e, stamp))).execute();
}

export async function enqueueEmail(
  trx: Kysely<Database> | Transaction<Database>,
  email: { to: string; template: TemplateName; personalisation: Record<string, string> },
  now = new Date(),
): Promise<void> {
  const { subject, body } = renderEmail(email.template, email.personalisation);
  const stamp = now.toISOString();
  await trx
    .insertInto('outbox')
    .values({
      to_email: email.to,
      template: email.template,
      subject,
      body,
      personalisation: JSON.stringify(email.personalisation),
      status: 'pending',
      next_attempt_at: stamp,
      locked_until: null,
      last_error: null,
      sent_at: null,
      transport_id: null,
      created_at: stamp,
    })
    .execute();
}
