/**
 * The cohort cap: a provider that wants more than 200 trainees in a cohort needs the DfE's
 * permission (the public criteria for iQTS providers). Pure: no HTTP, no database.
 *
 * An application does not record when the candidate means to start, so an offer counts
 * towards the cohort of the academic year (1 September to 31 August) in which it is made:
 * the same "2026 to 2027" wording trainees' cohorts use. A place is taken by an offer that
 * is open, accepted with conditions pending, or recruited; declined, withdrawn and unmet
 * offers give the place back.
 */
export const DEFAULT_COHORT_CAP = 200;
/** A cap the form accepts: a whole number of trainees, no more than this. */
export const MAX_COHORT_CAP = 100_000;

/** The application states that hold a place in the provider's cohort. */
export const PLACE_HOLDING_STATES = ['offer', 'conditions-pending', 'recruited'] as const;

/** "2026 to 2027" for a date from 1 September 2026 to 31 August 2027. */
export function offerCohort(date: string): string {
  const year = Number(date.slice(0, 4));
  const first = Number(date.slice(5, 7)) >= 9 ? year : year - 1;
  return `${first} to ${first + 1}`;
}

/** The refusal when an offer would take the provider past its cap; null when a place is free. */
export function cohortCapProblem(placesTaken: number, cap: number, cohort: string): string | null {
  if (placesTaken < cap) return null;
  return (
    `You have reached your cohort limit of ${cap.toLocaleString('en-GB')} trainees for the ${cohort} cohort. ` +
    'You need the DfE’s permission to make more offers for this cohort'
  );
}
