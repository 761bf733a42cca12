/**
 * The service's emails, in plain GOV.UK style. Each template turns personalisation
 * (all strings) into a subject and a plain-text body.
 */
type P = Record<string, string>;
interface Template {
  subject: (p: P) => string;
  body: (p: P) => string;
}

const signOff = (p: P) => `\n\nSign in to see your application: ${p['serviceUrl'] ?? ''}/sign-in\n\nGet international qualified teacher status (iQTS)`;

export const TEMPLATES = {
  'sign-in-code': {
    subject: (p) => `${p['code']} is your iQTS security code`,
    body: (p) => `Your security code is ${p['code']}\n\nIt works for ${p['minutes']} minutes.\n\nIf you did not try to sign in to Get international qualified teacher status, you can ignore this email.`,
  },
  'application-submitted-candidate': {
    subject: (p) => `Application ${p['reference']} submitted`,
    body: (p) => `Dear ${p['candidateName']},\n\nYour application ${p['reference']} has been sent to ${p['providerName']}. They will tell you their decision.${signOff(p)}`,
  },
  'application-submitted-provider': {
    subject: (p) => `New application ${p['reference']}`,
    body: (p) => `${p['candidateName']} has applied to ${p['providerName']} (reference ${p['reference']}).\n\nSign in to review the application: ${p['serviceUrl'] ?? ''}/provider`,
  },
  'interview-invited': {
    subject: (p) => `${p['providerName']} would like to interview you`,
    body: (p) => `Dear ${p['candidateName']},\n\n${p['providerName']} would like to interview you about application ${p['reference']}. They will contact you to arrange it.${signOff(p)}`,
  },
  'offer-made': {
    subject: (p) => `You have an offer from ${p['providerName']}`,
    body: (p) => `Dear ${p['candidateName']},\n\n${p['providerName']} has made you an offer (application ${p['reference']}).\n\nConditions:\n${p['conditions'] ?? 'None'}\n\nSign in to accept or decline the offer.${signOff(p)}`,
  },
  'application-rejected': {
    subject: (p) => `Update on your application ${p['reference']}`,
    body: (p) => `Dear ${p['candidateName']},\n\n${p['providerName']} has decided not to offer you a place (application ${p['reference']}).\n\nReasons:\n${p['reasons'] ?? ''}\n\nFeedback:\n${p['feedback'] ?? ''}\n\nYou can apply to another provider.${signOff(p)}`,
  },
  'offer-accepted-provider': {
    subject: (p) => `Offer accepted: ${p['reference']}`,
    body: (p) => `${p['candidateName']} has accepted your offer (application ${p['reference']}).\n\nSign in to record the conditions: ${p['serviceUrl'] ?? ''}/provider`,
  },
  'offer-declined-provider': {
    subject: (p) => `Offer declined: ${p['reference']}`,
    body: (p) => `${p['candidateName']} has declined your offer (application ${p['reference']}).`,
  },
  'conditions-met-recruited': {
    subject: () => 'Your place is confirmed',
    body: (p) => `Dear ${p['candidateName']},\n\n${p['providerName']} has confirmed you have met the conditions of your offer (application ${p['reference']}). Your place is confirmed.${signOff(p)}`,
  },
  'conditions-not-met': {
    subject: (p) => `Update on your offer ${p['reference']}`,
    body: (p) => `Dear ${p['candidateName']},\n\n${p['providerName']} has recorded that the conditions of your offer were not met (application ${p['reference']}).${signOff(p)}`,
  },
  'offer-withdrawn': {
    subject: (p) => `${p['providerName']} has withdrawn its offer`,
    body: (p) => `Dear ${p['candidateName']},\n\n${p['providerName']} has withdrawn its offer (application ${p['reference']}).${signOff(p)}`,
  },
  'application-withdrawn-provider': {
    subject: (p) => `Application withdrawn: ${p['reference']}`,
    body: (p) => `${p['candidateName']} has withdrawn application ${p['reference']}.${p['reason'] ? `\n\nTheir reason: ${p['reason']}` : ''}`,
  },
  'application-withdrawn-candidate': {
    subject: (p) => `You have withdrawn application ${p['reference']}`,
    body: (p) => `Dear ${p['candidateName']},\n\nYou have withdrawn your application ${p['reference']} to ${p['providerName']}. You can apply to another provider.${signOff(p)}`,
  },
  'provider-user-added': {
    subject: (p) => `You can now manage iQTS applications for ${p['providerName']}`,
    body: (p) => `You have been added as a user for ${p['providerName']} on Get international qualified teacher status.\n\nSign in with this email address: ${p['serviceUrl'] ?? ''}/sign-in\n\nWe will email you a security code each time you sign in. You do not need a password.`,
  },
} satisfies Record<string, Template>;

export type TemplateName = keyof typeof TEMPLATES;

export function renderEmail(template: TemplateName, personalisation: P): { subject: string; body: string } {
  const t: Template = TEMPLATES[template];
  return { subject: t.subject(personalisation), body: t.body(personalisation) };
}
