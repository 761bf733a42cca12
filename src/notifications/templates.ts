/**
 * The service's emails, in plain GOV.UK style: short, plain English, one thing to do.
 *
 * Each template names the personalisation it needs. Rendering checks those values are
 * there, so an email never goes out with a gap or the word "undefined" in it; inside a
 * template the values are typed, so a template cannot use a value it did not declare.
 * Values are strings because they are stored as JSON text in the outbox. A list (offer
 * conditions, rejection reasons) is one string with one item a line; a leading "* " or
 * "- " on an item is accepted.
 */
export type Personalisation = Record<string, string>;

interface Definition<R extends string, O extends string> {
  required: readonly R[];
  optional?: readonly O[];
  subject: (p: Record<R, string> & Partial<Record<O, string>>) => string;
  body: (p: Record<R, string> & Partial<Record<O, string>>) => string;
}

export interface EmailTemplate {
  required: readonly string[];
  optional: readonly string[];
  subject: (p: Personalisation) => string;
  body: (p: Personalisation) => string;
}

/** Widens a typed definition for the table; renderEmail checks the required values before calling it. */
function template<R extends string, O extends string = never>(definition: Definition<R, O>): EmailTemplate {
  return { optional: [], ...definition } as unknown as EmailTemplate;
}

const SERVICE = 'Get international qualified teacher status (iQTS)';
const APPLICATION = ['candidateName', 'providerName', 'reference', 'serviceUrl'] as const;

/** The service's address without a trailing slash, so links never have "//". */
const base = (serviceUrl: string) => serviceUrl.replace(/\/+$/, '');

/** "* item" lines, whatever bullet style (or none) the caller used. */
export function bulletList(value: string): string {
  return value
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*(?:[*\-•]\s+)?/, '').trim())
    .filter((line) => line.length > 0)
    .map((line) => `* ${line}`)
    .join('\n');
}

const hasItems = (value: string | undefined): value is string =>
  value !== undefined && bulletList(value) !== '' && !/^\s*none\s*$/i.test(value);

const candidateFooter = (p: { serviceUrl: string }, lead = 'Sign in to see your application') =>
  `${lead}:\n${base(p.serviceUrl)}/application\n\n${SERVICE}`;
const providerFooter = (p: { serviceUrl: string; reference: string }) =>
  `Sign in to see the application:\n${base(p.serviceUrl)}/provider/applications/${p.reference}\n\n${SERVICE}`;

const INTERVIEW = [...APPLICATION, 'interviewId'] as const;
const candidateInterview = (p: { serviceUrl: string; reference: string; interviewId: string }) =>
  `${base(p.serviceUrl)}/applications/${p.reference}/interviews/${p.interviewId}`;
const providerInterview = (p: { serviceUrl: string; reference: string; interviewId: string }) =>
  `${base(p.serviceUrl)}/provider/applications/${p.reference}/interviews/${p.interviewId}`;

const TRAINEE = ['traineeName', 'providerName', 'serviceUrl'] as const;
const traineeFooter = (p: { serviceUrl: string }) =>
  `Sign in to see your training record:\n${base(p.serviceUrl)}/training\n\n${SERVICE}`;

const PROVIDER_APPROVAL = ['providerName', 'serviceUrl', 'date', 'reason'] as const;
const providerAreaFooter = (p: { serviceUrl: string }) =>
  `Sign in to your provider account:\n${base(p.serviceUrl)}/provider/sign-in\n\n${SERVICE}`;

const lines = (...paragraphs: (string | false | undefined)[]) =>
  paragraphs.filter((x): x is string => typeof x === 'string' && x !== '').join('\n\n');

export const TEMPLATES = {
  'sign-in-code': template({
    required: ['code', 'minutes'],
    subject: (p) => `${p.code} is your iQTS security code`,
    body: (p) =>
      lines(
        `Your security code to sign in to ${SERVICE} is:`,
        p.code,
        `The code expires in ${p.minutes} minutes.`,
        'If you did not ask for this code, you can ignore this email. Someone may have typed your email address by mistake.',
      ),
  }),

  'application-submitted-candidate': template({
    required: APPLICATION,
    optional: ['decideBy'],
    subject: (p) => `You have submitted your application to ${p.providerName}`,
    body: (p) =>
      lines(
        `Dear ${p.candidateName},`,
        `You have submitted your application to ${p.providerName}. Your application reference is ${p.reference}.`,
        `${p.providerName} will review your application and tell you their decision. They may invite you to an interview first.`,
        p.decideBy &&
          `They must decide by ${p.decideBy}. If they have not, your application will be rejected by default and we will email you.`,
        candidateFooter(p),
      ),
  }),

  'application-submitted-provider': template({
    required: APPLICATION,
    optional: ['decideBy'],
    subject: (p) => `New application: ${p.reference}`,
    body: (p) =>
      lines(
        `${p.candidateName} has applied to ${p.providerName}.`,
        `Application reference: ${p.reference}`,
        p.decideBy &&
          `Decide by ${p.decideBy}. If you have not made an offer or rejected the application by then, it will be rejected by default.`,
        providerFooter(p),
      ),
  }),

  'interview-invited': template({
    required: [...INTERVIEW, 'times', 'duration', 'where'],
    optional: ['notes'],
    subject: (p) => `${p.providerName} would like to interview you`,
    body: (p) =>
      lines(
        `Dear ${p.candidateName},`,
        `${p.providerName} would like to interview you about your application ${p.reference}. ` +
          'Choose one of these times, shown in your time zone:',
        bulletList(p.times),
        `The interview will last ${p.duration}.`,
        p.where,
        p.notes && `Notes from ${p.providerName}:\n${p.notes}`,
        `Choose a time, or ask for other times:\n${candidateInterview(p)}`,
        'You can change your time zone on your account page.',
        SERVICE,
      ),
  }),

  'interview-new-times': template({
    required: [...INTERVIEW, 'times', 'duration', 'where'],
    optional: ['notes', 'reason'],
    subject: (p) => `New interview times from ${p.providerName}`,
    body: (p) =>
      lines(
        `Dear ${p.candidateName},`,
        `${p.providerName} has proposed new times for your interview (application ${p.reference}).`,
        p.reason && `They said:\n${p.reason}`,
        'Choose one of these times, shown in your time zone:',
        bulletList(p.times),
        `The interview will last ${p.duration}.`,
        p.where,
        p.notes && `Notes from ${p.providerName}:\n${p.notes}`,
        `Choose a time, or ask for other times:\n${candidateInterview(p)}`,
        SERVICE,
      ),
  }),

  'interview-agreed-candidate': template({
    required: [...INTERVIEW, 'when', 'duration', 'where'],
    optional: ['notes'],
    subject: (p) => `Your interview with ${p.providerName} is confirmed`,
    body: (p) =>
      lines(
        `Dear ${p.candidateName},`,
        `Your interview with ${p.providerName} (application ${p.reference}) is on:`,
        p.when,
        `It will last ${p.duration}.`,
        p.where,
        p.notes && `Notes from ${p.providerName}:\n${p.notes}`,
        `Add it to your calendar with the attached file, or download the file:\n${candidateInterview(p)}.ics`,
        `See the interview, rearrange or cancel it:\n${candidateInterview(p)}`,
        SERVICE,
      ),
  }),

  'interview-agreed-provider': template({
    required: [...INTERVIEW, 'when', 'duration', 'where'],
    subject: (p) => `Interview confirmed: ${p.candidateName}`,
    body: (p) =>
      lines(
        `${p.candidateName} has chosen a time for their interview with ${p.providerName} (application ${p.reference}):`,
        p.when,
        `It will last ${p.duration}.`,
        p.where,
        `Add it to your calendar with the attached file, or download the file:\n${providerInterview(p)}.ics`,
        `See the interview:\n${providerInterview(p)}\n\n${SERVICE}`,
      ),
  }),

  'interview-other-times-provider': template({
    required: [...INTERVIEW, 'message'],
    optional: ['when'],
    subject: (p) => `${p.candidateName} has asked for other interview times`,
    body: (p) =>
      lines(
        p.when
          ? `${p.candidateName} has asked to rearrange their interview with ${p.providerName} on ${p.when} (application ${p.reference}). ` +
              'If it is in your calendar, the attached file removes it.'
          : `${p.candidateName} has asked ${p.providerName} for other interview times (application ${p.reference}).`,
        `They said:\n${p.message}`,
        `Propose new times:\n${providerInterview(p)}\n\n${SERVICE}`,
      ),
  }),

  'interview-cancelled-candidate': template({
    required: [...INTERVIEW, 'cancelledBy', 'reason'],
    optional: ['when'],
    subject: (p) => `Interview cancelled: application ${p.reference}`,
    body: (p) =>
      lines(
        `Dear ${p.candidateName},`,
        `Your interview with ${p.providerName}${p.when ? ` on ${p.when}` : ''} has been cancelled by ${p.cancelledBy}.`,
        `The reason given:\n${p.reason}`,
        p.when &&
          `If it is in your calendar, the attached file removes it. You can also download the file:\n${candidateInterview(p)}.ics`,
        `See the interview:\n${candidateInterview(p)}\n\n${SERVICE}`,
      ),
  }),

  'interview-cancelled-provider': template({
    required: [...INTERVIEW, 'cancelledBy', 'reason'],
    optional: ['when'],
    subject: (p) => `Interview cancelled: ${p.candidateName}`,
    body: (p) =>
      lines(
        `The interview of ${p.candidateName} with ${p.providerName}${p.when ? ` on ${p.when}` : ''} has been cancelled by ${p.cancelledBy}.`,
        `The reason given:\n${p.reason}`,
        p.when &&
          `If it is in your calendar, the attached file removes it. You can also download the file:\n${providerInterview(p)}.ics`,
        `See the interview:\n${providerInterview(p)}\n\n${SERVICE}`,
      ),
  }),

  'offer-made': template({
    required: APPLICATION,
    optional: ['conditions', 'respondBy'],
    subject: (p) => `You have an offer from ${p.providerName}`,
    body: (p) =>
      lines(
        `Dear ${p.candidateName},`,
        `${p.providerName} has offered you a place (application ${p.reference}).`,
        hasItems(p.conditions)
          ? `The offer has these conditions:\n\n${bulletList(p.conditions)}`
          : 'The offer has no conditions.',
        p.respondBy &&
          `Respond by ${p.respondBy}. If you have not accepted or declined the offer by then, it will be declined by default.`,
        candidateFooter(p, 'Sign in to accept or decline the offer'),
      ),
  }),

  'application-rejected': template({
    required: [...APPLICATION, 'reasons'],
    optional: ['feedback'],
    subject: (p) => `Update on your application ${p.reference}`,
    body: (p) =>
      lines(
        `Dear ${p.candidateName},`,
        `${p.providerName} has decided not to offer you a place (application ${p.reference}).`,
        `Their reasons:\n\n${bulletList(p.reasons)}`,
        p.feedback?.trim() && `Their feedback:\n\n${p.feedback.trim()}`,
        'You can apply to another provider.',
        candidateFooter(p),
      ),
  }),

  'offer-accepted-provider': template({
    required: APPLICATION,
    subject: (p) => `Offer accepted: ${p.reference}`,
    body: (p) =>
      lines(
        `${p.candidateName} has accepted the offer from ${p.providerName} (application ${p.reference}).`,
        'When they have met the conditions of the offer, record this in the service.',
        providerFooter(p),
      ),
  }),

  'offer-declined-provider': template({
    required: APPLICATION,
    subject: (p) => `Offer declined: ${p.reference}`,
    body: (p) =>
      lines(
        `${p.candidateName} has declined the offer from ${p.providerName} (application ${p.reference}).`,
        providerFooter(p),
      ),
  }),

  'conditions-met-recruited': template({
    required: APPLICATION,
    subject: (p) => `Your place with ${p.providerName} is confirmed`,
    body: (p) =>
      lines(
        `Dear ${p.candidateName},`,
        `${p.providerName} has confirmed that you have met the conditions of your offer (application ${p.reference}).`,
        'Your place is confirmed. They will contact you about the start of your training.',
        candidateFooter(p),
      ),
  }),

  'conditions-not-met': template({
    required: APPLICATION,
    subject: (p) => `Update on your offer from ${p.providerName}`,
    body: (p) =>
      lines(
        `Dear ${p.candidateName},`,
        `${p.providerName} has recorded that you have not met the conditions of your offer (application ${p.reference}). This means you do not have a place.`,
        `Contact ${p.providerName} if you have questions. You can apply to another provider.`,
        candidateFooter(p),
      ),
  }),

  'offer-withdrawn': template({
    required: APPLICATION,
    subject: (p) => `${p.providerName} has withdrawn their offer`,
    body: (p) =>
      lines(
        `Dear ${p.candidateName},`,
        `${p.providerName} has withdrawn their offer (application ${p.reference}).`,
        `Contact ${p.providerName} if you have questions. You can apply to another provider.`,
        candidateFooter(p),
      ),
  }),

  'application-withdrawn-provider': template({
    required: APPLICATION,
    optional: ['reason'],
    subject: (p) => `Application withdrawn: ${p.reference}`,
    body: (p) =>
      lines(
        `${p.candidateName} has withdrawn their application ${p.reference} to ${p.providerName}.`,
        p.reason?.trim() && `Their reason:\n\n${p.reason.trim()}`,
        providerFooter(p),
      ),
  }),

  'application-withdrawn-candidate': template({
    required: APPLICATION,
    subject: (p) => `You have withdrawn your application ${p.reference}`,
    body: (p) =>
      lines(
        `Dear ${p.candidateName},`,
        `You have withdrawn your application ${p.reference} to ${p.providerName}.`,
        'You can apply to another provider.',
        candidateFooter(p),
      ),
  }),

  'provider-user-added': template({
    required: ['providerName', 'serviceUrl'],
    subject: (p) => `You can now manage iQTS applications for ${p.providerName}`,
    body: (p) =>
      lines(
        `You have been added as a user for ${p.providerName} on ${SERVICE}.`,
        `Sign in with this email address:\n${base(p.serviceUrl)}/provider/sign-in`,
        'We will email you a security code each time you sign in. You do not need a password.',
      ),
  }),

  'placement-school-proposed': template({
    required: [...APPLICATION, 'schoolName'],
    subject: (p) => `${p.providerName} has proposed a placement school`,
    body: (p) =>
      lines(
        `Dear ${p.candidateName},`,
        `${p.providerName} has proposed ${p.schoolName} as your placement school for application ${p.reference}.`,
        'They will contact you about the next steps.',
        candidateFooter(p),
      ),
  }),

  'provider-user-permissions-changed': template({
    required: ['providerName', 'permissions', 'serviceUrl'],
    subject: (p) => `Your permissions for ${p.providerName} have changed`,
    body: (p) =>
      lines(
        `Your permissions for ${p.providerName} on ${SERVICE} have changed. You can now:`,
        bulletList(p.permissions) || 'View applications',
        `Sign in:\n${base(p.serviceUrl)}/provider/sign-in`,
      ),
  }),

  'provider-user-removed': template({
    required: ['providerName'],
    subject: (p) => `You have been removed as a user for ${p.providerName}`,
    body: (p) =>
      lines(
        `You have been removed as a user for ${p.providerName} on ${SERVICE}.`,
        `If you think this is a mistake, contact a colleague at ${p.providerName} who manages users.`,
      ),
  }),
  // Training: the trainee, their mentors and the provider.
  'training-started': template({
    required: [...TRAINEE, 'startDate'],
    subject: (p) => `Your iQTS training with ${p.providerName} has started`,
    body: (p) =>
      lines(
        `Dear ${p.traineeName},`,
        `${p.providerName} has started your training record. Your course starts on ${p.startDate}.`,
        'Log your placement days each week: your mentor confirms them, and only confirmed days count towards ' +
          'the time in school you need.',
        traineeFooter(p),
      ),
  }),

  'mentor-invited': template({
    required: ['mentorName', 'providerName', 'schoolName', 'serviceUrl'],
    subject: (p) => `${p.providerName} has added you as an iQTS mentor`,
    body: (p) =>
      lines(
        `Dear ${p.mentorName},`,
        `${p.providerName} has added you as a mentor at ${p.schoolName} on ${SERVICE}.`,
        'You will confirm your trainees’ placement days, record lesson observations and see their progress.',
        `Sign in with this email address:\n${base(p.serviceUrl)}/provider/sign-in`,
        'We will email you a security code each time you sign in. You do not need a password.',
      ),
  }),

  'days-queried': template({
    required: [...TRAINEE, 'weekOf', 'reason'],
    subject: () => 'Your mentor has queried placement days',
    body: (p) =>
      lines(
        `Dear ${p.traineeName},`,
        `Your mentor has queried the days you logged for the week beginning ${p.weekOf}:`,
        p.reason,
        `${p.providerName} will confirm or remove them. Queried days do not count until they are confirmed.`,
        traineeFooter(p),
      ),
  }),

  'days-queried-provider': template({
    required: [...TRAINEE, 'weekOf', 'reason', 'traineeId'],
    subject: (p) => `Placement days queried for ${p.traineeName}`,
    body: (p) =>
      lines(
        `A mentor has queried the days ${p.traineeName} logged for the week beginning ${p.weekOf}, ` +
          `as a trainee of ${p.providerName}:`,
        p.reason,
        `Confirm or remove them:\n${base(p.serviceUrl)}/provider/trainees/${p.traineeId}`,
        SERVICE,
      ),
  }),

  'training-deferred': template({
    required: [...TRAINEE, 'date', 'reason'],
    subject: () => 'Your iQTS training has been deferred',
    body: (p) =>
      lines(
        `Dear ${p.traineeName},`,
        `${p.providerName} has deferred your training from ${p.date}.`,
        `Reason: ${p.reason}`,
        'Your record and the days you have completed are kept. Contact your provider about when you can return.',
        traineeFooter(p),
      ),
  }),

  'training-reinstated': template({
    required: [...TRAINEE],
    subject: () => 'Your iQTS training has restarted',
    body: (p) =>
      lines(
        `Dear ${p.traineeName},`,
        `${p.providerName} has reinstated your training. You can log placement days again.`,
        traineeFooter(p),
      ),
  }),

  'training-withdrawn': template({
    required: [...TRAINEE, 'date', 'reasons'],
    subject: () => 'You have been withdrawn from iQTS training',
    body: (p) =>
      lines(
        `Dear ${p.traineeName},`,
        `${p.providerName} has recorded that you left iQTS training on ${p.date}.`,
        `Reasons:\n${bulletList(p.reasons)}`,
        'If you think this is a mistake, contact your provider.',
        traineeFooter(p),
      ),
  }),

  'recommended-for-award': template({
    required: [...TRAINEE],
    subject: () => 'You have been recommended for iQTS',
    body: (p) =>
      lines(
        `Dear ${p.traineeName},`,
        `${p.providerName} has recommended you for international qualified teacher status (iQTS).`,
        'The Department for Education will check the recommendation and email you when it decides.',
        traineeFooter(p),
      ),
  }),

  'returned-to-training': template({
    required: [...TRAINEE, 'reason'],
    subject: () => 'Your iQTS recommendation has been returned to your provider',
    body: (p) =>
      lines(
        `Dear ${p.traineeName},`,
        `Your recommendation for iQTS has been returned to ${p.providerName}:`,
        p.reason,
        'Your provider will tell you what happens next.',
        traineeFooter(p),
      ),
  }),

  'returned-to-training-provider': template({
    required: [...TRAINEE, 'reason', 'traineeId'],
    subject: (p) => `Recommendation returned: ${p.traineeName}`,
    body: (p) =>
      lines(
        `The recommendation of ${p.traineeName} for iQTS has been returned to ${p.providerName}:`,
        p.reason,
        `See the trainee's record:\n${base(p.serviceUrl)}/provider/trainees/${p.traineeId}`,
        SERVICE,
      ),
  }),

  'recommended-for-award-provider': template({
    required: [...TRAINEE, 'traineeId', 'outcomeDate'],
    subject: (p) => `Recommended for iQTS: ${p.traineeName}`,
    body: (p) =>
      lines(
        `${p.providerName} has recommended ${p.traineeName} for iQTS, with an outcome date of ${p.outcomeDate}.`,
        'The Department for Education will check the recommendation and award iQTS or return it to you.',
        `See the trainee's record:\n${base(p.serviceUrl)}/provider/trainees/${p.traineeId}`,
        SERVICE,
      ),
  }),

  'recommended-for-award-dfe': template({
    required: [...TRAINEE, 'outcomeDate'],
    subject: (p) => `New iQTS recommendation: ${p.traineeName}`,
    body: (p) =>
      lines(
        `${p.providerName} has recommended ${p.traineeName} for iQTS, with an outcome date of ${p.outcomeDate}.`,
        `See the recommendations waiting for a decision:\n${base(p.serviceUrl)}/admin/awards`,
        SERVICE,
      ),
  }),

  'iqts-awarded': template({
    required: [...TRAINEE, 'trn', 'outcomeDate'],
    subject: () => 'You have been awarded iQTS and QTS',
    body: (p) =>
      lines(
        `Dear ${p.traineeName},`,
        `You have been awarded international qualified teacher status (iQTS), recommended by ${p.providerName}. ` +
          `With it you hold qualified teacher status (QTS) in England from ${p.outcomeDate}.`,
        `Your teacher reference number (TRN) is ${p.trn}.`,
        'With QTS, you can teach in schools in England. If you come to England to teach, you will have a 2-year ' +
          'period of mentoring, training and induction (the statutory induction).',
        `Download your certificate:\n${base(p.serviceUrl)}/award/certificate.pdf`,
        `What to do next:\n${base(p.serviceUrl)}/non-uk-teachers/international-qualified-teacher-status`,
        `Sign in to see your award:\n${base(p.serviceUrl)}/award\n\n${SERVICE}`,
      ),
  }),

  'iqts-awarded-provider': template({
    required: [...TRAINEE, 'traineeId', 'trn', 'outcomeDate'],
    subject: (p) => `iQTS awarded: ${p.traineeName}`,
    body: (p) =>
      lines(
        `${p.traineeName}, recommended by ${p.providerName}, has been awarded iQTS and holds QTS from ${p.outcomeDate}. ` +
          `Their TRN is ${p.trn}.`,
        `See the trainee's record:\n${base(p.serviceUrl)}/provider/trainees/${p.traineeId}`,
        SERVICE,
      ),
  }),

  'award-revoked': template({
    required: [...TRAINEE, 'reason'],
    subject: () => 'Your iQTS award has been revoked',
    body: (p) =>
      lines(
        `Dear ${p.traineeName},`,
        `The Department for Education has revoked your iQTS award, recommended by ${p.providerName}. ` +
          'Your record no longer shows qualified teacher status:',
        p.reason,
        'If you think this is a mistake, contact the Department for Education.',
        `Sign in to see your record:\n${base(p.serviceUrl)}/award\n\n${SERVICE}`,
      ),
  }),

  'award-revoked-provider': template({
    required: [...TRAINEE, 'traineeId', 'reason'],
    subject: (p) => `iQTS award revoked: ${p.traineeName}`,
    body: (p) =>
      lines(
        `The Department for Education has revoked the iQTS award of ${p.traineeName}, recommended by ${p.providerName}:`,
        p.reason,
        `See the trainee's record:\n${base(p.serviceUrl)}/provider/trainees/${p.traineeId}`,
        SERVICE,
      ),
  }),
  'provider-approved': template({
    required: [...PROVIDER_APPROVAL],
    subject: () => 'Your provider is approved to offer iQTS',
    body: (p) =>
      lines(
        `The Department for Education has approved ${p.providerName} to offer iQTS from ${p.date}.`,
        `Reason: ${p.reason}`,
        'Candidates can now find you in the service and apply to you.',
        providerAreaFooter(p),
      ),
  }),

  'provider-suspended': template({
    required: [...PROVIDER_APPROVAL],
    subject: () => 'Your approval to offer iQTS is suspended',
    body: (p) =>
      lines(
        `The Department for Education has suspended ${p.providerName}'s approval to offer iQTS from ${p.date}.`,
        `Reason: ${p.reason}`,
        'While you are suspended, candidates cannot apply to you and you cannot make new offers. ' +
          'You keep your trainees and the applications you already have: you can still interview or reject, ' +
          'and offers you have made stand.',
        providerAreaFooter(p),
      ),
  }),

  'provider-suspension-lifted': template({
    required: [...PROVIDER_APPROVAL],
    subject: () => 'Your suspension has been lifted',
    body: (p) =>
      lines(
        `The Department for Education has lifted ${p.providerName}'s suspension from ${p.date}.`,
        `Reason: ${p.reason}`,
        'Candidates can apply to you again and you can make offers.',
        providerAreaFooter(p),
      ),
  }),

  'provider-approval-withdrawn': template({
    required: [...PROVIDER_APPROVAL],
    subject: () => 'Your approval to offer iQTS has been withdrawn',
    body: (p) =>
      lines(
        `The Department for Education has withdrawn ${p.providerName}'s approval to offer iQTS from ${p.date}.`,
        `Reason: ${p.reason}`,
        'Candidates can no longer apply to you and you cannot make new offers. Your trainees and their records are kept.',
        providerAreaFooter(p),
      ),
  }),

  'provider-provision-ended': template({
    required: [...PROVIDER_APPROVAL],
    subject: () => 'You are no longer listed as offering iQTS',
    body: (p) =>
      lines(
        `The Department for Education has recorded that ${p.providerName} no longer offers iQTS, from ${p.date}.`,
        `Reason: ${p.reason}`,
        'Candidates can no longer apply to you and you cannot make new offers. Your trainees and their records are kept.',
        providerAreaFooter(p),
      ),
  }),

  'provider-application-recorded': template({
    required: [...PROVIDER_APPROVAL],
    subject: () => 'Your application to offer iQTS has been recorded',
    body: (p) =>
      lines(
        `The Department for Education has recorded ${p.providerName}'s application to offer iQTS, on ${p.date}.`,
        `Note: ${p.reason}`,
        'Candidates cannot apply to you until you are approved. We will email you with the decision.',
        providerAreaFooter(p),
      ),
  }),

  'provider-cohort-cap-changed': template({
    required: ['providerName', 'serviceUrl', 'cap', 'reason'],
    subject: () => 'Your iQTS cohort limit has changed',
    body: (p) =>
      lines(
        `The Department for Education has set ${p.providerName}'s cohort limit to ${p.cap} trainees.`,
        `Reason: ${p.reason}`,
        'You cannot make an offer that would take a cohort past this limit.',
        providerAreaFooter(p),
      ),
  }),

  // Deadlines (features/deadlines): reminders before, and the step taken by default after.
  'decision-due-reminder-provider': template({
    required: [...APPLICATION, 'decideBy', 'timeLeft'],
    subject: (p) => `${p.timeLeft}: application ${p.reference}`,
    body: (p) =>
      lines(
        `${p.candidateName}’s application to ${p.providerName} (${p.reference}) is waiting for a decision.`,
        `Decide by ${p.decideBy}. If you have not made an offer or rejected the application by then, it will be rejected by default and the candidate told.`,
        providerFooter(p),
      ),
  }),

  'offer-response-reminder': template({
    required: [...APPLICATION, 'respondBy'],
    subject: (p) => `Respond to your offer from ${p.providerName}`,
    body: (p) =>
      lines(
        `Dear ${p.candidateName},`,
        `You have not yet accepted or declined the offer from ${p.providerName} (application ${p.reference}).`,
        `Respond by ${p.respondBy}. If you have not responded by then, the offer will be declined by default.`,
        candidateFooter(p, 'Sign in to accept or decline the offer'),
      ),
  }),

  'application-rejected-by-default': template({
    required: [...APPLICATION, 'decideBy'],
    subject: (p) => `Update on your application ${p.reference}`,
    body: (p) =>
      lines(
        `Dear ${p.candidateName},`,
        `${p.providerName} did not make a decision on your application (${p.reference}) by ${p.decideBy}, so it has been rejected by default.`,
        'This is not a judgement of your application. You can apply again, to the same provider or another.',
        candidateFooter(p),
      ),
  }),

  'application-rejected-by-default-provider': template({
    required: [...APPLICATION, 'decideBy'],
    subject: (p) => `Rejected by default: ${p.reference}`,
    body: (p) =>
      lines(
        `No decision was made on ${p.candidateName}’s application to ${p.providerName} (${p.reference}) by ${p.decideBy}, so it has been rejected by default.`,
        'We have told the candidate. They may apply again.',
        providerFooter(p),
      ),
  }),

  'offer-declined-by-default': template({
    required: [...APPLICATION, 'respondBy'],
    subject: (p) => `Your offer from ${p.providerName} has been declined by default`,
    body: (p) =>
      lines(
        `Dear ${p.candidateName},`,
        `You did not accept or decline the offer from ${p.providerName} (application ${p.reference}) by ${p.respondBy}, so it has been declined by default.`,
        `If you still want to train with ${p.providerName}, contact them or apply again.`,
        candidateFooter(p),
      ),
  }),

  'offer-declined-by-default-provider': template({
    required: [...APPLICATION, 'respondBy'],
    subject: (p) => `Offer declined by default: ${p.reference}`,
    body: (p) =>
      lines(
        `${p.candidateName} did not respond to the offer from ${p.providerName} (application ${p.reference}) by ${p.respondBy}, so it has been declined by default.`,
        providerFooter(p),
      ),
  }),

  // Teacher training advisers.
  'adviser-added': template({
    required: ['name', 'serviceUrl'],
    subject: () => 'You have been added as an iQTS teacher training adviser',
    body: (p) =>
      lines(
        `Dear ${p.name},`,
        `You have been added as a teacher training adviser on ${SERVICE}.`,
        'Set the hours when candidates can book a call with you, then take candidates from the queue.',
        `Sign in with this email address:\n${base(p.serviceUrl)}/provider/sign-in`,
        'We will email you a security code each time you sign in. You do not need a password.',
      ),
  }),

  'adviser-call-booked': template({
    required: ['name', 'when', 'whenUk', 'calendarUrl', 'serviceUrl'],
    subject: () => 'Your call with a teacher training adviser is booked',
    body: (p) =>
      lines(
        `Dear ${p.name},`,
        `A teacher training adviser will phone you on ${p.when}.`,
        `That is ${p.whenUk} in the UK.`,
        `Add the call to your calendar (the file is also attached to this email):\n${p.calendarUrl}`,
        `To move or cancel the call, sign in:\n${base(p.serviceUrl)}/advisers/your-adviser`,
        SERVICE,
      ),
  }),

  'adviser-call-cancelled': template({
    required: ['name', 'when', 'serviceUrl'],
    subject: () => 'Your call with a teacher training adviser is cancelled',
    body: (p) =>
      lines(
        `Dear ${p.name},`,
        `Your call on ${p.when} is cancelled.`,
        `To book another time, sign in:\n${base(p.serviceUrl)}/advisers/your-adviser`,
        SERVICE,
      ),
  }),
} satisfies Record<string, EmailTemplate>;

export type TemplateName = keyof typeof TEMPLATES;

export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

export const isTemplateName = (name: string): name is TemplateName => Object.hasOwn(TEMPLATES, name);

/** Thrown when a caller leaves out personalisation a template needs: a programming error, found by tests. */
export class MissingPersonalisationError extends Error {
  override name = 'MissingPersonalisationError';
  constructor(
    readonly template: string,
    readonly missing: string[],
  ) {
    // Key names only: the values may be personal data.
    super(`Email template "${template}" needs personalisation: ${missing.join(', ')}`);
  }
}

export function renderEmail(
  template: TemplateName,
  personalisation: Personalisation,
): { subject: string; body: string } {
  const t: EmailTemplate | undefined = isTemplateName(template) ? TEMPLATES[template] : undefined;
  if (!t) throw new Error(`Unknown email template "${String(template)}"`);
  const missing = t.required.filter(
    (key) => typeof personalisation[key] !== 'string' || personalisation[key].trim() === '',
  );
  if (missing.length > 0) throw new MissingPersonalisationError(template, missing);
  return {
    // One line: a subject is a mail header, and names come from forms.
    subject: t.subject(personalisation).replace(/\s+/g, ' ').trim(),
    body: t.body(personalisation),
  };
}
