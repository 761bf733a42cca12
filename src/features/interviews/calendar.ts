import { createEvent } from 'ics';
import type { EmailAttachment } from '../../notifications/outbox.ts';

/**
 * An interview as a calendar file (.ics), made by the `ics` package. Times are written in
 * UTC, so every calendar shows them in its owner's own zone. One UID per interview and a
 * SEQUENCE that grows with each change, so a rearranged or cancelled interview replaces
 * the one already in the calendar.
 */
export interface CalendarInterview {
  id: number;
  version: number;
  startsAt: Date;
  durationMinutes: number;
  title: string;
  description: string;
  location: string;
  url: string;
  cancelled: boolean;
  serviceHost: string;
}

export function interviewCalendar(i: CalendarInterview): string {
  const result = createEvent({
    productId: 'iqts/interviews',
    method: i.cancelled ? 'CANCEL' : 'PUBLISH',
    uid: `interview-${i.id}@${i.serviceHost}`,
    sequence: i.version,
    start: i.startsAt.getTime(),
    startInputType: 'utc',
    startOutputType: 'utc',
    duration: { minutes: i.durationMinutes },
    title: i.cancelled ? `Cancelled: ${i.title}` : i.title,
    description: i.description,
    location: i.location,
    url: i.url,
    status: i.cancelled ? 'CANCELLED' : 'CONFIRMED',
  });
  if (result.error || !result.value) throw result.error ?? new Error('calendar file not made');
  return result.value;
}

export const calendarAttachment = (i: CalendarInterview): EmailAttachment => ({
  filename: i.cancelled ? 'interview-cancelled.ics' : 'interview.ics',
  contentType: `text/calendar; charset=utf-8; method=${i.cancelled ? 'CANCEL' : 'PUBLISH'}`,
  content: interviewCalendar(i),
});
