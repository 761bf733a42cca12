/**
 * Small numbers in the open statistics. Any count under 5 (0 included) is shown as
 * "fewer than 5", so no one can be picked out; and anything built on a hidden count is
 * hidden with it: a rate whose parts (or their difference) are small, a percentile of
 * fewer than 5 values, and further cells in a group whose total is published until the
 * hidden ones add up to 5 or more (otherwise the total minus the rest gives them away). Pure.
 */
export const THRESHOLD = 5;
export const FEWER_THAN = `fewer than ${THRESHOLD}`;

export interface Shown {
  /** The figure, or null when it is withheld. */
  value: number | null;
  text: string;
}

const figure = (value: number) => value.toLocaleString('en-GB');

/** One count: itself from 5, "fewer than 5" below. */
export function suppressCount(count: number): Shown {
  return count < THRESHOLD ? { value: null, text: FEWER_THAN } : { value: count, text: figure(count) };
}

/**
 * Counts that add up to a total the page also shows. Each count under 5 is hidden; then, while
 * the hidden ones add up to under 5 (the total minus the rest would give that small sum, or
 * the one hidden count itself), the smallest shown count is withheld too.
 */
export function suppressGroup(counts: readonly number[], totalShown = true): Shown[] {
  const shown = counts.map(suppressCount);
  if (!totalShown) return shown;
  const hiddenSum = () => counts.reduce((sum, c, i) => (shown[i]!.value === null ? sum + c : sum), 0);
  while (shown.some((s) => s.value === null) && hiddenSum() < THRESHOLD) {
    let smallest = -1;
    shown.forEach((s, i) => {
      if (s.value !== null && (smallest === -1 || counts[i]! < counts[smallest]!)) smallest = i;
    });
    if (smallest === -1) break;
    shown[smallest] = { value: null, text: 'withheld' };
  }
  return shown;
}

/**
 * A part of a whole and its rate (accepted of offers made). The rate is withheld when
 * either count is under 5, or the rest (whole − part) is: a rate of 100% or "all but 2"
 * names a small group as surely as the count would. The part is then withheld too when the
 * whole is shown, since the whole minus the part gives the rest.
 */
export function suppressRate(part: number, whole: number): { part: Shown; whole: Shown; rate: Shown } {
  const wholeShown = suppressCount(whole);
  let partShown = suppressCount(part);
  const rest = whole - part;
  if (partShown.value !== null && wholeShown.value !== null && rest < THRESHOLD)
    partShown = { value: null, text: 'withheld' };
  const rate =
    partShown.value === null || wholeShown.value === null || whole === 0
      ? { value: null, text: 'withheld' }
      : { value: part / whole, text: percent(part / whole) };
  return { part: partShown, whole: wholeShown, rate };
}

/** A percentile or median of `count` values: withheld below 5 values, which it could reveal. */
export function suppressStatistic(value: number | null, count: number, unit = 'days'): Shown {
  if (count < THRESHOLD || value === null) return { value: null, text: 'withheld' };
  return { value, text: `${figure(value)} ${value === 1 ? unit.replace(/s$/, '') : unit}` };
}

export const percent = (rate: number): string => `${Math.round(rate * 100)}%`;
