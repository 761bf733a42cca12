import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/notifications/outbox.ts';
import { renderEmail } from '../../src/notifications/templates.ts';
import {
  logTransport,
  notifyTransport,
  redactRecipient,
  smtpTransport,
  transportFromConfig,
  type EmailMessage,
} from '../../src/notifications/transports.ts';
import { startTestSmtpServer, type TestSmtpServer } from './smtp-server.ts';

const application = {
  candidateName: 'Amina Okafor',
  providerName: 'Sample Provider',
  reference: 'IQTS-0000001',
  serviceUrl: 'http://localhost:3000',
};

const message = (
  to: string,
  template: 'application-submitted-candidate' | 'sign-in-code' = 'application-submitted-candidate',
): EmailMessage => {
  const personalisation = template === 'sign-in-code' ? { code: '123456', minutes: '10' } : application;
  return { to, template, personalisation, reference: 'outbox-42', ...renderEmail(template, personalisation) };
};

describe('SMTP transport', () => {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
  });
  afterAll(() => smtp?.close());

  it('delivers the subject and plain-text body to a real SMTP server', async () => {
    const transport = smtpTransport(smtp.url, 'iQTS service <no-reply@example.org>');
    const sent = message('amina@example.org');
    const result = await transport.send(sent);

    expect(transport.name).toBe('smtp');
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.from).toBe('no-reply@example.org');
    expect(mail.to).toEqual(['amina@example.org']);
    expect(mail.headers.get('from')).toBe('iQTS service <no-reply@example.org>');
    expect(mail.headers.get('to')).toBe('amina@example.org');
    expect(mail.headers.get('subject')).toBe('You have submitted your application to Sample Provider');
    expect(mail.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(mail.headers.get('x-outbox-reference')).toBe('outbox-42');
    expect(mail.text).toBe(sent.body);
    expect(result.id).toBe(mail.headers.get('message-id'));
  });

  it('sends a calendar file with the email, as the recipient’s mail program would receive it', async () => {
    const transport = smtpTransport(smtp.url, 'no-reply@example.org');
    const before = smtp.received.length;
    await transport.send({
      ...message('kiri@example.org'),
      attachments: [
        { filename: 'interview.ics', contentType: 'text/calendar', content: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR' },
      ],
    });
    const mail = smtp.received[before]!;
    expect(mail.headers.get('content-type')).toMatch(/^multipart\/mixed/);
    expect(mail.raw).toMatch(/filename=interview\.ics/);
    expect(mail.raw).toMatch(/Content-Type: text\/calendar/);
  });

  it('fails, with the server’s status, when the server refuses the recipient', async () => {
    smtp.rejectRecipients.add('gone@example.org');
    const error = await smtpTransport(smtp.url, 'no-reply@example.org')
      .send(message('gone@example.org'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const text = describeFailure(error, 'gone@example.org');
    expect(text).toContain('550');
    expect(text).not.toContain('gone@');
  });

  it('gives up on a server that is not there instead of waiting', async () => {
    const closed = await startTestSmtpServer();
    await closed.close();
    const started = Date.now();
    await expect(
      smtpTransport(closed.url, 'no-reply@example.org', { timeoutMs: 2000 }).send(message('a@example.org')),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('GOV.UK Notify transport', () => {
  const serviceId = '11111111-2222-3333-4444-555555555555';
  const secret = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
  const apiKey = `iqts_test-${serviceId}-${secret}`;
  let server: Server;
  let baseUrl = '';
  const requests: { method: string; path: string; authorization: string; body: Record<string, unknown> }[] = [];
  let answer: { status: number; body: unknown } = { status: 201, body: {} };

  const readBody = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  };

  beforeAll(async () => {
    // A stand-in for the Notify API on loopback: it answers POST /v2/notifications/email.
    server = createServer((request, response) => {
      void readBody(request).then((body) => {
        requests.push({
          method: request.method ?? '',
          path: request.url ?? '',
          authorization: request.headers.authorization ?? '',
          body,
        });
        response.writeHead(answer.status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const verifyToken = (authorization: string) => {
    const token = authorization.replace(/^Bearer /, '');
    const [header, payload, signature] = token.split('.');
    const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
    expect(signature).toBe(expected);
    return JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as { iss: string; iat: number };
  };

  it('sends through one generic template with the subject and body as personalisation', async () => {
    requests.length = 0;
    answer = { status: 201, body: { id: 'notify-0001', reference: 'outbox-42' } };
    const transport = notifyTransport(apiKey, 'generic-template-id', { baseUrl });
    const sent = message('amina@example.org');
    expect(await transport.send(sent)).toEqual({ id: 'notify-0001' });

    expect(requests).toHaveLength(1);
    const request = requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v2/notifications/email');
    expect(verifyToken(request.authorization).iss).toBe(serviceId);
    expect(request.body).toEqual({
      template_id: 'generic-template-id',
      email_address: 'amina@example.org',
      personalisation: { subject: sent.subject, body: sent.body },
      reference: 'outbox-42',
    });
  });

  it('uses a template built in Notify, with our personalisation, where one is named', async () => {
    requests.length = 0;
    answer = { status: 201, body: { id: 'notify-0002' } };
    const transport = notifyTransport(
      apiKey,
      { generic: 'generic-template-id', byTemplate: { 'sign-in-code': 'notify-sign-in-template' } },
      { baseUrl },
    );
    await transport.send(message('amina@example.org', 'sign-in-code'));
    await transport.send(message('amina@example.org'));
    expect(requests.map((r) => r.body['template_id'])).toEqual(['notify-sign-in-template', 'generic-template-id']);
    expect(requests[0]!.body['personalisation']).toEqual({ code: '123456', minutes: '10' });
  });

  it('fails with Notify’s status and error kind, and no address in the description', async () => {
    answer = {
      status: 400,
      body: {
        status_code: 400,
        errors: [{ error: 'BadRequestError', message: "Can't send to this recipient using a team-only API key" }],
      },
    };
    const error = await notifyTransport(apiKey, 'generic-template-id', { baseUrl })
      .send(message('amina@example.org'))
      .catch((e: unknown) => e);
    const text = describeFailure(error, 'amina@example.org');
    expect(text).toContain('400 BadRequestError');
    expect(text).not.toContain('amina');
  });

  it('needs a template id', () => {
    const saved = process.env['NOTIFY_TEMPLATE_ID'];
    delete process.env['NOTIFY_TEMPLATE_ID'];
    try {
      expect(() => notifyTransport(apiKey)).toThrow('NOTIFY_TEMPLATE_ID');
    } finally {
      if (saved !== undefined) process.env['NOTIFY_TEMPLATE_ID'] = saved;
    }
  });
});

describe('log transport', () => {
  it('logs the template and a keyed hash of the recipient, never the address', async () => {
    const entries: { entry: Record<string, unknown>; message: string }[] = [];
    const transport = logTransport((entry, message) => entries.push({ entry, message }));
    const result = await transport.send(message('Amina.Okafor@example.org', 'sign-in-code'));
    expect(result.id).toBe('log-outbox-42');
    expect(entries).toHaveLength(1);
    const logged = JSON.stringify(entries);
    expect(logged).not.toMatch(/amina|okafor|example\.org|123456/i);
    expect(entries[0]!.entry).toEqual({
      template: 'sign-in-code',
      recipient: redactRecipient('amina.okafor@example.org'),
      reference: 'outbox-42',
    });
    expect(redactRecipient('a@example.org')).not.toBe(redactRecipient('b@example.org'));
  });

  it('writes through a pino-style logger too', async () => {
    const lines: string[] = [];
    await logTransport({ info: (_entry, message) => lines.push(message) }).send(message('a@example.org'));
    expect(lines).toEqual(['email sent (log transport)']);
  });
});

describe('choosing a transport', () => {
  it('GOV.UK Notify when a key is set, else SMTP when a URL is set, else the log', () => {
    const key = 'k-11111111-2222-3333-4444-555555555555-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
    expect(
      transportFromConfig({ NOTIFY_API_KEY: key, NOTIFY_TEMPLATE_ID: 'template', SMTP_URL: 'smtp://127.0.0.1:2525' })
        .name,
    ).toBe('notify');
    expect(transportFromConfig({ SMTP_URL: 'smtp://127.0.0.1:2525' }).name).toBe('smtp');
    expect(transportFromConfig({}).name).toBe('log');
    expect(() => transportFromConfig({ NOTIFY_API_KEY: key })).toThrow('NOTIFY_TEMPLATE_ID is required');
    // The typed config the service reads.
    expect(
      transportFromConfig({ notifyApiKey: key, notifyTemplateId: 'template', from: 'x <x@example.org>' }).name,
    ).toBe('notify');
    expect(transportFromConfig({ smtpUrl: 'smtp://127.0.0.1:2525', from: 'x <x@example.org>' }).name).toBe('smtp');
    expect(transportFromConfig({ from: 'x <x@example.org>' }).name).toBe('log');
  });
});
