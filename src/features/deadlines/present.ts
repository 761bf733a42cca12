import { deadlineInZone } from '../../shared/zoned-time.ts';
import { timeLeft, timeLeftText, type DeadlineKind } from './policy.ts';
import type { OpenDeadline } from './repository.ts';

/**
 * How a deadline is said on a page: the moment in the reader's zone (and, for a provider,
 * the candidate's too), and a GOV.UK tag with the time left — "Decide within 2 working
 * days", "Decide today", "Overdue". Pure: the caller passes the zones and the time.
 */
export interface DeadlineView {
  kind: DeadlineKind;
  /** "11:59pm on 9 April 2027, London time (UTC+1)", in the reader's zone. */
  due: string;
  /** The same moment in the other side's zone, when it differs. */
  dueForOther?: string;
  overdue: boolean;
  tag: { text: string; classes: string };
  /** ISO instant, for a <time> element. */
  dueAt: string;
}

const VERBS: Record<DeadlineKind, { provider: string; candidate: string }> = {
  'provider-decision': { provider: 'Decide', candidate: 'Decision due' },
  'offer-response': { provider: 'Candidate to respond', candidate: 'Respond' },
};

export function presentDeadline(
  d: OpenDeadline,
  reader: { side: 'provider' | 'candidate'; zone: string },
  now: Date,
  otherZone?: string,
): DeadlineView {
  const left = timeLeft(d, d.rule.period.unit, now);
  const due = deadlineInZone(reader.zone, d.dueAt);
  const other = otherZone ? deadlineInZone(otherZone, d.dueAt) : undefined;
  const classes = left.overdue
    ? 'govuk-tag--red'
    : left.today || left.left <= 2
      ? 'govuk-tag--orange'
      : 'govuk-tag--grey';
  return {
    kind: d.kind,
    due,
    ...(other && other !== due ? { dueForOther: other } : {}),
    overdue: left.overdue,
    tag: { text: timeLeftText(VERBS[d.kind][reader.side], left), classes },
    dueAt: d.dueAt.toISOString(),
  };
}
