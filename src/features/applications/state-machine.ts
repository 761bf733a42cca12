import type { TemplateName } from '../../notifications/templates.ts';

/**
 * An application's life, as one table: which side may do what, from which state, to which
 * state, and who is told. Pure: no HTTP, no database. Anything not in the table is refused.
 */
export const STATES = {
  draft: 'Not submitted',
  'awaiting-decision': 'Awaiting decision',
  interviewing: 'Interviewing',
  offer: 'Offer made',
  'conditions-pending': 'Offer accepted – conditions pending',
  recruited: 'Recruited',
  'conditions-not-met': 'Conditions not met',
  rejected: 'Unsuccessful',
  declined: 'Offer declined',
  'offer-withdrawn': 'Offer withdrawn by provider',
  withdrawn: 'Withdrawn by candidate',
} as const;
export type ApplicationState = keyof typeof STATES;

/** States in which the application is still live: the candidate can withdraw. */
export const OPEN_STATES: readonly ApplicationState[] = [
  'awaiting-decision',
  'interviewing',
  'offer',
  'conditions-pending',
];
export const isOpen = (s: ApplicationState): boolean => OPEN_STATES.includes(s);

/** 'system': the service itself, when a deadline passes ("by default"). */
export type Actor = 'candidate' | 'provider' | 'system';

export type ApplicationEvent =
  | 'submit'
  | 'invite-to-interview'
  | 'make-offer'
  | 'reject'
  | 'accept-offer'
  | 'decline-offer'
  | 'withdraw-offer'
  | 'confirm-conditions-met'
  | 'mark-conditions-not-met'
  | 'withdraw'
  | 'propose-placement-school'
  | 'reject-by-default'
  | 'decline-by-default';

export interface Transition {
  event: ApplicationEvent;
  actor: Actor;
  from: readonly ApplicationState[];
  /** The state after the step; null: the step records something and the state stays. */
  to: ApplicationState | null;
  /** The button or link text. */
  label: string;
  /** Emails: to the candidate, the provider, or both. */
  notify: { candidate?: TemplateName; provider?: TemplateName };
  /** Shown as a decision button (placement matching has its own form). */
  decision: boolean;
}

export const TRANSITIONS: readonly Transition[] = [
  {
    event: 'submit',
    actor: 'candidate',
    from: ['draft'],
    to: 'awaiting-decision',
    label: 'Submit application',
    notify: { candidate: 'application-submitted-candidate', provider: 'application-submitted-provider' },
    decision: false,
  },
  {
    event: 'invite-to-interview',
    actor: 'provider',
    // From "interviewing" too: after an interview is cancelled, the provider may invite again.
    from: ['awaiting-decision', 'interviewing'],
    to: 'interviewing',
    label: 'Invite to interview',
    notify: { candidate: 'interview-invited' },
    decision: true,
  },
  {
    event: 'make-offer',
    actor: 'provider',
    from: ['awaiting-decision', 'interviewing'],
    to: 'offer',
    label: 'Make an offer',
    notify: { candidate: 'offer-made' },
    decision: true,
  },
  {
    event: 'reject',
    actor: 'provider',
    from: ['awaiting-decision', 'interviewing'],
    to: 'rejected',
    label: 'Reject application',
    notify: { candidate: 'application-rejected' },
    decision: true,
  },
  {
    event: 'accept-offer',
    actor: 'candidate',
    from: ['offer'],
    to: 'conditions-pending',
    label: 'Accept offer',
    notify: { provider: 'offer-accepted-provider' },
    decision: true,
  },
  {
    event: 'decline-offer',
    actor: 'candidate',
    from: ['offer'],
    to: 'declined',
    label: 'Decline offer',
    notify: { provider: 'offer-declined-provider' },
    decision: true,
  },
  {
    event: 'withdraw-offer',
    actor: 'provider',
    from: ['offer'],
    to: 'offer-withdrawn',
    label: 'Withdraw offer',
    notify: { candidate: 'offer-withdrawn' },
    decision: true,
  },
  {
    event: 'confirm-conditions-met',
    actor: 'provider',
    from: ['conditions-pending'],
    to: 'recruited',
    label: 'Mark conditions as met',
    notify: { candidate: 'conditions-met-recruited' },
    decision: true,
  },
  {
    event: 'mark-conditions-not-met',
    actor: 'provider',
    from: ['conditions-pending'],
    to: 'conditions-not-met',
    label: 'Mark conditions as not met',
    notify: { candidate: 'conditions-not-met' },
    decision: true,
  },
  {
    event: 'withdraw',
    actor: 'candidate',
    from: OPEN_STATES,
    to: 'withdrawn',
    label: 'Withdraw application',
    notify: { candidate: 'application-withdrawn-candidate', provider: 'application-withdrawn-provider' },
    decision: true,
  },
  {
    event: 'propose-placement-school',
    actor: 'provider',
    from: OPEN_STATES,
    to: null,
    label: 'Propose placement school',
    notify: { candidate: 'placement-school-proposed' },
    decision: false,
  },
  // The service's own steps when a deadline passes (features/deadlines/policy.ts).
  {
    event: 'reject-by-default',
    actor: 'system',
    from: ['awaiting-decision', 'interviewing'],
    to: 'rejected',
    label: 'Reject by default',
    notify: { candidate: 'application-rejected-by-default', provider: 'application-rejected-by-default-provider' },
    decision: false,
  },
  {
    event: 'decline-by-default',
    actor: 'system',
    from: ['offer'],
    to: 'declined',
    label: 'Decline by default',
    notify: { candidate: 'offer-declined-by-default', provider: 'offer-declined-by-default-provider' },
    decision: false,
  },
];

export const REJECTION_REASONS = {
  qualifications: 'Qualifications',
  english: 'English language',
  'no-placement-school': 'No placement school available in your region',
  'personal-statement': 'Personal statement',
  'course-full': 'Course full',
  other: 'Other',
} as const;
export type RejectionReason = keyof typeof REJECTION_REASONS;

export const STANDARD_CONDITIONS = {
  'placement-school-confirmed': 'Placement school confirmed',
  'statement-of-comparability': 'Statement of comparability received',
  'degree-awarded': 'Degree awarded',
  'english-test': 'English language test result received',
} as const;

export type TransitionResult =
  { ok: true; to: ApplicationState; transition: Transition } | { ok: false; message: string };

/** Decides one step. The message says, in plain words, why a step is refused. */
export function transition(from: ApplicationState, event: ApplicationEvent, actor: Actor): TransitionResult {
  const t = TRANSITIONS.find((x) => x.event === event);
  if (!t) return { ok: false, message: 'That action does not exist' };
  if (t.actor !== actor) return { ok: false, message: `Only the ${t.actor} can ${t.label.toLowerCase()}` };
  if (!t.from.includes(from))
    return {
      ok: false,
      message: `You cannot ${t.label.toLowerCase()} when the application is ‘${STATES[from].toLowerCase()}’`,
    };
  return { ok: true, to: t.to ?? from, transition: t };
}

/** What this side may do now: the buttons to show. */
export function availableEvents(state: ApplicationState, actor: Actor): Transition[] {
  return TRANSITIONS.filter((t) => t.actor === actor && t.from.includes(state) && t.decision);
}

export const isState = (s: string): s is ApplicationState => Object.hasOwn(STATES, s);
export const isEvent = (e: string): e is ApplicationEvent => TRANSITIONS.some((t) => t.event === e);
