import { describe, expect, it } from 'vitest';
import {
  bulletList,
  MissingPersonalisationError,
  renderEmail,
  TEMPLATE_NAMES,
  TEMPLATES,
  type TemplateName,
} from '../../src/notifications/templates.ts';

/** A distinct, recognisable value for every key, so each can be found in the output. */
const sample = (key: string): string =>
  key === 'serviceUrl'
    ? 'https://apply-iqts.example.gov.uk'
    : key === 'code'
      ? '482913'
      : key === 'minutes'
        ? '15'
        : key === 'reference'
          ? 'IQTS-7654321'
          : `${key}-VALUE`;

const personalisationFor = (name: TemplateName, withOptional: boolean) => {
  const t = TEMPLATES[name];
  return Object.fromEntries([...t.required, ...(withOptional ? t.optional : [])].map((key) => [key, sample(key)]));
};

const LEFTOVERS = /undefined|null|NaN|\[object|\(\(|\)\)|\$\{|\{\{/;

describe('email templates', () => {
  it('cover every email the service sends', () => {
    expect(TEMPLATE_NAMES.sort()).toEqual(
      [
        'application-rejected',
        'application-submitted-candidate',
        'application-submitted-provider',
        'application-withdrawn-candidate',
        'application-withdrawn-provider',
        'conditions-met-recruited',
        'conditions-not-met',
        'interview-invited',
        'interview-new-times',
        'interview-agreed-candidate',
        'interview-agreed-provider',
        'interview-other-times-provider',
        'interview-cancelled-candidate',
        'interview-cancelled-provider',
        'offer-accepted-provider',
        'offer-declined-provider',
        'offer-made',
        'offer-withdrawn',
        'placement-school-proposed',
        'provider-user-added',
        'provider-user-permissions-changed',
        'provider-user-removed',
        'sign-in-code',
        'adviser-added',
        'adviser-call-booked',
        'adviser-call-cancelled',
        'training-started',
        'mentor-invited',
        'days-queried',
        'days-queried-provider',
        'training-deferred',
        'training-reinstated',
        'training-withdrawn',
        'recommended-for-award',
        'returned-to-training',
        'returned-to-training-provider',
        'recommended-for-award-provider',
        'recommended-for-award-dfe',
        'iqts-awarded',
        'iqts-awarded-provider',
        'award-revoked',
        'award-revoked-provider',
        'provider-approved',
        'provider-suspended',
        'provider-suspension-lifted',
        'provider-approval-withdrawn',
        'provider-provision-ended',
        'provider-application-recorded',
        'provider-cohort-cap-changed',
        'decision-due-reminder-provider',
        'offer-response-reminder',
        'application-rejected-by-default',
        'application-rejected-by-default-provider',
        'offer-declined-by-default',
        'offer-declined-by-default-provider',
      ].sort(),
    );
  });

  for (const name of TEMPLATE_NAMES) {
    it(`${name}: renders every value it needs, and no gaps, with and without the optional ones`, () => {
      for (const withOptional of [true, false]) {
        const p = personalisationFor(name, withOptional);
        const { subject, body } = renderEmail(name, p);
        expect(subject.length, name).toBeGreaterThan(10);
        expect(subject.length, name).toBeLessThanOrEqual(120);
        expect(subject).not.toMatch(/\n/);
        expect(`${subject}\n${body}`, name).not.toMatch(LEFTOVERS);
        // No empty headings or blank runs where an optional value was left out.
        expect(body, name).not.toMatch(/\n{3,}|:\s*$/);
        expect(body, name).not.toMatch(/\/\/(application|provider|sign-in)/);
        for (const [key, value] of Object.entries(p))
          expect(`${subject}\n${body}`, `${name} uses ${key}`).toContain(value);
      }
    });
  }

  it('say which personalisation is missing, by name only', () => {
    let error: unknown;
    try {
      renderEmail('application-rejected', {
        candidateName: 'Amina Okafor',
        providerName: 'Sample Provider',
        reference: 'IQTS-0000001',
        serviceUrl: '',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MissingPersonalisationError);
    expect((error as MissingPersonalisationError).missing).toEqual(['serviceUrl', 'reasons']);
    expect((error as Error).message).toBe(
      'Email template "application-rejected" needs personalisation: serviceUrl, reasons',
    );
    expect((error as Error).message).not.toContain('Amina');
    expect(() => renderEmail('no-such-email' as TemplateName, {})).toThrow('Unknown email template');
  });

  it('the sign-in email shows the code first among its numbers, and its subject carries it', () => {
    const { subject, body } = renderEmail('sign-in-code', { code: '048213', minutes: '10' });
    expect(subject).toBe('048213 is your iQTS security code');
    expect(/\b(\d{6})\b/.exec(body)?.[1]).toBe('048213');
    expect(body).toContain('The code expires in 10 minutes.');
  });

  it('an offer lists its conditions as bullets, or says it has none', () => {
    const p = {
      candidateName: 'Amina Okafor',
      providerName: 'Sample Provider',
      reference: 'IQTS-0000001',
      serviceUrl: 'http://localhost:3000/',
    };
    const listed = renderEmail('offer-made', {
      ...p,
      conditions: '* Fitness to teach check\n- Degree certificate\n\nReference from your employer',
    }).body;
    expect(listed).toContain(
      'The offer has these conditions:\n\n* Fitness to teach check\n* Degree certificate\n* Reference from your employer',
    );
    expect(listed).toContain('http://localhost:3000/application');
    expect(renderEmail('offer-made', { ...p, conditions: 'None' }).body).toContain('The offer has no conditions.');
    expect(renderEmail('offer-made', p).body).toContain('The offer has no conditions.');
  });

  it('a rejection gives the reasons and the feedback', () => {
    const { subject, body } = renderEmail('application-rejected', {
      candidateName: 'Amina Okafor',
      providerName: 'Sample Provider',
      reference: 'IQTS-0000001',
      serviceUrl: 'http://localhost:3000',
      reasons: '* Qualifications\n* Placement school',
      feedback: 'Your degree subject does not match the course.',
    });
    expect(subject).toBe('Update on your application IQTS-0000001');
    expect(body).toContain('Their reasons:\n\n* Qualifications\n* Placement school');
    expect(body).toContain('Their feedback:\n\nYour degree subject does not match the course.');
  });

  it('a name typed with line breaks cannot add lines to the subject', () => {
    const { subject } = renderEmail('offer-withdrawn', {
      candidateName: 'A',
      providerName: 'Evil\r\nBcc: x@example.org',
      reference: 'IQTS-1',
      serviceUrl: 'http://x',
    });
    expect(subject).toBe('Evil Bcc: x@example.org has withdrawn their offer');
  });

  it('bullet lists take any bullet style and drop blank lines', () => {
    expect(bulletList('one\n*  two\n\n - three\r\n• four')).toBe('* one\n* two\n* three\n* four');
    expect(bulletList('\n \n')).toBe('');
  });
});
