import type { TemplateName } from '../../notifications/templates.ts';

/**
 * A trainee's life, as one table: who may do what, from which state, to which state, and
 * who is told. Pure: no HTTP, no database. Anything not in the table is refused.
 * (Register-trainee-teachers models the same life: in training, deferred, withdrawn,
 * recommended for award, awarded.)
 */
export const TRAINEE_STATES = {
  'in-training': 'In training',
  deferred: 'Deferred',
  withdrawn: 'Withdrawn',
  recommended: 'Recommended for award',
  awarded: 'Awarded iQTS',
  revoked: 'Award revoked',
} as const;
export type TraineeState = keyof typeof TRAINEE_STATES;
export const isTraineeState = (s: string): s is TraineeState => Object.hasOwn(TRAINEE_STATES, s);

export type TraineeActor = 'provider' | 'admin';
export type TraineeEvent = 'defer' | 'reinstate' | 'withdraw' | 'recommend' | 'return-to-training' | 'award' | 'revoke';

export interface TraineeTransition {
  event: TraineeEvent;
  actor: TraineeActor;
  from: readonly TraineeState[];
  to: TraineeState;
  label: string;
  /** Who is told: the trainee, the provider's users who manage trainees, the DfE's admins. */
  notify: { trainee?: TemplateName; provider?: TemplateName; admins?: TemplateName };
}

export const TRAINEE_TRANSITIONS: readonly TraineeTransition[] = [
  {
    event: 'defer',
    actor: 'provider',
    from: ['in-training'],
    to: 'deferred',
    label: 'Defer',
    notify: { trainee: 'training-deferred' },
  },
  {
    event: 'reinstate',
    actor: 'provider',
    from: ['deferred'],
    to: 'in-training',
    label: 'Reinstate',
    notify: { trainee: 'training-reinstated' },
  },
  {
    event: 'withdraw',
    actor: 'provider',
    from: ['in-training', 'deferred'],
    to: 'withdrawn',
    label: 'Withdraw',
    notify: { trainee: 'training-withdrawn' },
  },
  {
    event: 'recommend',
    actor: 'provider',
    from: ['in-training'],
    to: 'recommended',
    label: 'Recommend for award',
    notify: {
      trainee: 'recommended-for-award',
      provider: 'recommended-for-award-provider',
      admins: 'recommended-for-award-dfe',
    },
  },
  {
    event: 'return-to-training',
    actor: 'admin',
    from: ['recommended'],
    to: 'in-training',
    label: 'Return to training',
    notify: { trainee: 'returned-to-training', provider: 'returned-to-training-provider' },
  },
  {
    event: 'award',
    actor: 'admin',
    from: ['recommended'],
    to: 'awarded',
    label: 'Award iQTS',
    notify: { trainee: 'iqts-awarded', provider: 'iqts-awarded-provider' },
  },
  {
    event: 'revoke',
    actor: 'admin',
    from: ['awarded'],
    to: 'revoked',
    label: 'Revoke the award',
    notify: { trainee: 'award-revoked', provider: 'award-revoked-provider' },
  },
];

export const WITHDRAWAL_REASONS = {
  'did-not-pass-final-assessment': 'Did not pass the final assessment',
  'personal-reasons': 'Personal reasons',
  'health-reasons': 'Health reasons',
  'placement-ended': 'Placement school could no longer host the trainee',
  'moved-away': 'Moved away from the placement school',
  'financial-reasons': 'Financial reasons',
  other: 'Other',
} as const;
export type WithdrawalReason = keyof typeof WITHDRAWAL_REASONS;

export type TraineeTransitionResult =
  { ok: true; to: TraineeState; transition: TraineeTransition } | { ok: false; message: string };

export function traineeTransition(
  from: TraineeState,
  event: TraineeEvent,
  actor: TraineeActor,
): TraineeTransitionResult {
  const t = TRAINEE_TRANSITIONS.find((x) => x.event === event);
  if (!t) return { ok: false, message: 'That action does not exist' };
  if (t.actor !== actor)
    return { ok: false, message: `Only the ${t.actor === 'admin' ? 'DfE' : 'provider'} can ${t.label.toLowerCase()}` };
  if (!t.from.includes(from))
    return {
      ok: false,
      message: `You cannot ${t.label.toLowerCase()} a trainee who is ‘${TRAINEE_STATES[from].toLowerCase()}’`,
    };
  return { ok: true, to: t.to, transition: t };
}

/** The steps this side may take now: the buttons to show. */
export const traineeEvents = (state: TraineeState, actor: TraineeActor): TraineeTransition[] =>
  TRAINEE_TRANSITIONS.filter((t) => t.actor === actor && t.from.includes(state));

export const isTraineeEvent = (e: string): e is TraineeEvent => TRAINEE_TRANSITIONS.some((t) => t.event === e);
