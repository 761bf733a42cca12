import type { TemplateName } from '../../notifications/templates.ts';

/**
 * A provider's approval for iQTS, as one table: only the DfE moves a provider between
 * these states, each step with a date and a reason. Pure: no HTTP, no database. Anything
 * not in the table is refused. Only DfE-accredited English teacher-training providers can
 * be approved; approval can be suspended, lifted or withdrawn; a provider can stop offering
 * iQTS. A provider that left can apply again (DfE's list shows providers coming and going).
 *
 * The stored values 'approved', 'suspended' and 'no-longer-offering' are the ones the
 * reference-data import writes: a provider DfE's public list stopped listing is recorded as
 * no longer offering, without saying why, because the list does not say.
 */
export const APPROVAL_STATES = {
  applied: 'Applied for approval',
  approved: 'Approved',
  suspended: 'Suspended',
  'approval-withdrawn': 'Approval withdrawn',
  'no-longer-offering': 'No longer listed as offering iQTS',
} as const;
export type ApprovalState = keyof typeof APPROVAL_STATES;
export const isApprovalState = (s: string): s is ApprovalState => Object.hasOwn(APPROVAL_STATES, s);

export type ApprovalActor = 'admin' | 'provider';
export type ApprovalEvent =
  'approve' | 'suspend' | 'lift-suspension' | 'withdraw-approval' | 'end-provision' | 'record-new-application';

export interface ApprovalTransition {
  event: ApprovalEvent;
  actor: ApprovalActor;
  from: readonly ApprovalState[];
  to: ApprovalState;
  /** The button text, and the confirmation page's heading ("Suspend {name}"). */
  label: string;
  /** The audit row's action. */
  action: string;
  /** What the confirmation page says will happen. */
  consequence: string;
  /** The email to the provider's users. */
  notify: TemplateName;
}

export const APPROVAL_TRANSITIONS: readonly ApprovalTransition[] = [
  {
    event: 'approve',
    actor: 'admin',
    from: ['applied'],
    to: 'approved',
    label: 'Approve',
    action: 'provider-approved',
    consequence: 'The provider will appear in the finder and can take applications.',
    notify: 'provider-approved',
  },
  {
    event: 'suspend',
    actor: 'admin',
    from: ['approved'],
    to: 'suspended',
    label: 'Suspend',
    action: 'provider-suspended',
    consequence:
      'The finder will say the provider is not taking new applications, and candidates cannot apply to it. ' +
      'It keeps its trainees and the applications it already has, and can still interview or reject, ' +
      'but cannot make new offers.',
    notify: 'provider-suspended',
  },
  {
    event: 'lift-suspension',
    actor: 'admin',
    from: ['suspended'],
    to: 'approved',
    label: 'Lift the suspension',
    action: 'provider-suspension-lifted',
    consequence: 'The provider will take applications and make offers again.',
    notify: 'provider-suspension-lifted',
  },
  {
    event: 'withdraw-approval',
    actor: 'admin',
    from: ['approved', 'suspended'],
    to: 'approval-withdrawn',
    label: 'Withdraw approval',
    action: 'provider-approval-withdrawn',
    consequence:
      'The provider will leave the finder and cannot take applications or make offers. ' +
      'Its trainees and their records are kept.',
    notify: 'provider-approval-withdrawn',
  },
  {
    event: 'end-provision',
    actor: 'admin',
    from: ['approved', 'suspended'],
    to: 'no-longer-offering',
    label: 'Record that it no longer offers iQTS',
    action: 'provider-provision-ended',
    consequence:
      'The provider will leave the finder and cannot take applications or make offers. ' +
      'Its trainees and their records are kept.',
    notify: 'provider-provision-ended',
  },
  {
    event: 'record-new-application',
    actor: 'admin',
    from: ['approval-withdrawn', 'no-longer-offering'],
    to: 'applied',
    label: 'Record a new application for approval',
    action: 'provider-applied',
    consequence: 'The provider will be waiting for a decision. It stays out of the finder until it is approved.',
    notify: 'provider-application-recorded',
  },
];

export type ApprovalResult =
  { ok: true; to: ApprovalState; transition: ApprovalTransition } | { ok: false; message: string };

/** Decides one step. The message says, in plain words, why a step is refused. */
export function approvalTransition(from: ApprovalState, event: ApprovalEvent, actor: ApprovalActor): ApprovalResult {
  const t = APPROVAL_TRANSITIONS.find((x) => x.event === event);
  if (!t) return { ok: false, message: 'That action does not exist' };
  if (t.actor !== actor) return { ok: false, message: `Only the DfE can ${lower(t.label)}` };
  if (!t.from.includes(from))
    return {
      ok: false,
      message: `You cannot ${lower(t.label)} when the provider is ‘${APPROVAL_STATES[from].toLowerCase()}’`,
    };
  return { ok: true, to: t.to, transition: t };
}

const lower = (s: string) => s[0]!.toLowerCase() + s.slice(1);

/** The steps the DfE may take now: the buttons to show. */
export const approvalEvents = (state: ApprovalState): ApprovalTransition[] =>
  APPROVAL_TRANSITIONS.filter((t) => t.actor === 'admin' && t.from.includes(state));

export const isApprovalEvent = (e: string): e is ApprovalEvent => APPROVAL_TRANSITIONS.some((t) => t.event === e);

/** Only an approved provider takes new applications and makes new offers. */
export const takesApplications = (state: string): boolean => state === 'approved';

/** What a candidate is told about a provider that does not take applications now; null when it does. */
export function notTakingApplications(state: string): string | null {
  switch (state) {
    case 'approved':
      return null;
    case 'suspended':
      return 'This provider is not taking new applications at the moment';
    case 'applied':
      return 'This provider is not approved to offer iQTS yet, so it cannot take applications';
    case 'no-longer-offering':
      return 'This provider is no longer listed as offering iQTS, so it cannot take applications';
    default:
      return 'This provider is no longer approved to offer iQTS, so it cannot take applications';
  }
}
