import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { MAIL_DELIVERY_JOB, MAIL_POLICY } from '../src/kernel/mail/mailer.js';
import { freePort, waitFor } from './fixtures/process.js';
import { expectProblem } from './helpers/access.js';
import { bearer, startTestAdmiral, staticPrincipal, superAdmin, type TestAdmiral } from './helpers/app.js';
import { auditRows, createUser, NO_RATE_LIMITS, signIn, strongPassword } from './helpers/identity.js';
import { type ReceivedMail, SMTP_PASSWORD, SMTP_USER, smtpUrl, startSmtp, type TestSmtp } from './helpers/smtp.js';

const PUBLIC_URL = 'https://admin.example.test';
const FROM = 'Admiral Test <no-reply@admiral.test>';

/** Callers with exactly the mail permissions (and one with an unrelated platform permission). */
const tokens = {
  reader: staticPrincipal({ id: uuidv7(), platform: ['mail.read'] }),
  manager: staticPrincipal({ id: uuidv7(), platform: ['mail.read', 'mail.manage'] }),
  outsider: staticPrincipal({ id: uuidv7(), platform: ['users.read'] }),
};
const as = (who: keyof typeof tokens) => bearer(who);

interface OutboxRow {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  kind: string;
  status: string;
  error: string | null;
  metadata: { userId?: string; delivery?: { attempts: number; nextAttemptAt?: string; lastAttemptAt?: string; messageId?: string } };
  sent_at: string | null;
}

async function outbox(admiral: TestAdmiral, where: string, values: unknown[]): Promise<OutboxRow[]> {
  return (await admiral.db.ownerQuery<OutboxRow>(`SELECT * FROM mail_outbox WHERE ${where} ORDER BY id`, values)).rows;
}

async function deliveryJobsFor(admiral: TestAdmiral, mailId: string): Promise<Array<{ start_after: string; created_on: string }>> {
  const { rows } = await admiral.db.ownerQuery<{ start_after: string; created_on: string }>(
    `SELECT start_after, created_on FROM pgboss.job WHERE name = $1 AND data->>'mailId' = $2 ORDER BY created_on`,
    [MAIL_DELIVERY_JOB, mailId],
  );
  return rows;
}

const requestReset = (admiral: TestAdmiral, email: string) =>
  admiral.app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload: { email } }).then((r) => expect(r.statusCode, r.body).toBe(204));

const resetWith = (admiral: TestAdmiral, token: string) =>
  admiral.app.inject({ method: 'POST', url: '/v1/auth/password-reset/confirm', payload: { token, newPassword: strongPassword() } });

const tokenIn = (text: string) => /code: (admv_[\w-]{43})/.exec(text)?.[1];

async function mailTo(smtp: TestSmtp, address: string, count = 1): Promise<ReceivedMail[]> {
  await waitFor(() => smtp.received.filter((m) => m.envelopeTo.includes(address)).length >= count, 15_000, `${count} mail(s) to ${address}`);
  return smtp.received.filter((m) => m.envelopeTo.includes(address));
}

describe('configuration', () => {
  it('reads the SMTP URL and the sender, with a default sender', () => {
    expect(loadConfig({ NODE_ENV: 'test' })).toMatchObject({ smtpUrl: undefined, mailFrom: 'Admiral <admiral@localhost>' });
    const config = loadConfig({ NODE_ENV: 'test', ADMIRAL_SMTP_URL: 'smtps://u:p%40ss@mail.example.com:465', ADMIRAL_MAIL_FROM: ' Ops <ops@example.com> ' });
    expect(config).toMatchObject({ smtpUrl: 'smtps://u:p%40ss@mail.example.com:465', mailFrom: 'Ops <ops@example.com>' });
  });

  it('refuses a bad SMTP URL or sender without showing the URL', () => {
    for (const url of ['http://u:SuperSecret@mail.example.com', 'smtp://u:Super%ZZSecret@mail.example.com', 'SuperSecret', 'smtp:SuperSecret']) {
      let error: unknown;
      try {
        loadConfig({ ADMIRAL_SMTP_URL: url });
      } catch (e) {
        error = e;
      }
      expect(error, url).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe('ADMIRAL_SMTP_URL');
      expect((error as ConfigError).message).toMatch(/expected smtp:\/\/user:password@host:port or smtps:\/\//);
      expect((error as ConfigError).message).not.toContain('SuperSecret');
    }
    for (const from of ['not an address', 'Ops <ops@example.com>\r\nBcc: x@evil.test']) {
      expect(() => loadConfig({ ADMIRAL_MAIL_FROM: from }), from).toThrow(/^ADMIRAL_MAIL_FROM: .* is not a mail address; expected/);
    }
  });
});

describe('with SMTP', () => {
  let smtp: TestSmtp;
  let admiral: TestAdmiral;
  beforeAll(async () => {
    smtp = await startSmtp();
    admiral = await startTestAdmiral({
      tokens,
      work: true,
      env: { ...NO_RATE_LIMITS, PUBLIC_URL, ADMIRAL_SMTP_URL: smtpUrl(smtp.port), ADMIRAL_MAIL_FROM: FROM },
    });
  });
  afterAll(async () => {
    await admiral?.stop();
    await smtp?.close();
  });

  it('delivers a password-reset mail through SMTP (authenticated) with the right headers and a working link', async () => {
    const user = await createUser(admiral);
    await requestReset(admiral, user.email);
    const [mail] = await mailTo(smtp, user.email);
    expect(mail?.user).toBe(SMTP_USER);
    expect(mail?.envelopeFrom).toBe('no-reply@admiral.test');
    expect(mail?.headers.get('to')).toBe(user.email);
    expect(mail?.headers.get('from')).toBe(FROM);
    expect(mail?.headers.get('subject')).toBe('Reset your Admiral password');
    const text = mail?.text ?? '';
    const token = tokenIn(text) as string;
    expect(token, text).toBeDefined();
    expect(text).toContain(`${PUBLIC_URL}/reset-password?token=${token}`);
    expect(text).toContain('expires in 30 minutes');

    const [row] = await outbox(admiral, 'to_address = $1', [user.email]);
    await waitFor(async () => (await outbox(admiral, 'id = $1', [row?.id]))[0]?.status === 'sent', 5_000, 'the outbox row to be marked sent');
    const [sent] = await outbox(admiral, 'id = $1', [row?.id]);
    expect(sent).toMatchObject({ status: 'sent', error: null, kind: 'password_reset', metadata: { userId: user.id, delivery: { attempts: 1 } } });
    expect(sent?.sent_at).not.toBeNull();
    expect(sent?.metadata.delivery?.messageId).toMatch(/^<.+@.+>$/);
    // Once delivered, the outbox keeps no live token.
    expect(sent?.text_body).not.toContain(token);
    expect(sent?.text_body).toContain('reset-password?token=[redacted]');
    // The mailed token is the live one.
    expect((await resetWith(admiral, token)).statusCode).toBe(204);
  });

  it('a rolled-back transaction leaves neither a mail nor a delivery job; a committed one leaves both', async () => {
    const to = `rollback-${uuidv7()}@example.test`;
    let mailId = '';
    await expect(
      admiral.kernel.db.asPlatform({}, async (tx) => {
        const queued = await admiral.kernel.mail.enqueue(tx, { to, subject: 'Never', text: 'never sent', kind: 'test_note' });
        mailId = queued.id;
        expect(queued.status).toBe('queued');
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(mailId).not.toBe('');
    expect(await outbox(admiral, 'id = $1 OR to_address = $2', [mailId, to])).toEqual([]);
    expect(await deliveryJobsFor(admiral, mailId)).toEqual([]);

    const committed = await admiral.kernel.db.asPlatform({}, (tx) => admiral.kernel.mail.enqueue(tx, { to, subject: 'Kept', text: 'sent', kind: 'test_note' }));
    expect(await deliveryJobsFor(admiral, committed.id)).toHaveLength(1);
    const [mail] = await mailTo(smtp, to);
    expect(mail?.headers.get('subject')).toBe('Kept');
    expect(smtp.received.filter((m) => m.headers.get('subject') === 'Never')).toEqual([]);
  });

  it('notifies a sign-in from a second device, not the first sign-in nor a known device', async () => {
    const user = await createUser(admiral);
    const deviceA = { 'user-agent': 'AdmiralTest/1.0 (X11; Linux x86_64)' };
    const deviceB = { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) DeviceB/2.0' };
    const ok = async (headers: Record<string, string>) => {
      const response = await signIn(admiral, { email: user.email, password: user.password }, headers);
      expect(response.statusCode, response.body).toBe(200);
    };
    const notices = () => outbox(admiral, "kind = 'new_device' AND to_address = $1", [user.email]);

    await ok(deviceA); // the account's first device: not news
    await ok(deviceA); // known
    expect(await notices()).toEqual([]);
    const before = Date.now();
    await ok(deviceB);
    const after = Date.now();
    expect(await notices()).toHaveLength(1);
    await ok(deviceB); // known now
    await ok(deviceA);
    expect(await notices()).toHaveLength(1);

    const [mail] = await mailTo(smtp, user.email);
    expect(mail?.headers.get('subject')).toBe('New sign-in to your Admiral account');
    const text = mail?.text ?? '';
    expect(text).toContain('from windows, Mozilla/5.0 (Windows NT 10.0; Win64; x64) DeviceB/2.0 at ');
    expect(text).toContain('from 127.0.0.1.');
    expect(text).toContain(`If this was not you, reset your password: ${PUBLIC_URL}/reset-password`);
    const at = Date.parse(/ at (\S+) from /.exec(text)?.[1] ?? '');
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(after + 1000);

    const audits = await auditRows(admiral, "action = 'auth.new_device' AND actor_user_id = $1", [user.id]);
    expect(audits.map((a) => a.metadata)).toEqual([
      { firstDevice: true, notified: false },
      { firstDevice: false, notified: true },
    ]);
  });

  it('fails a mail the server refuses for good (550) at once, without retrying', async () => {
    const to = `bounce-${uuidv7()}@example.test`;
    smtp.refuse((address) => address === to);
    const { id } = await admiral.kernel.db.asPlatform({}, (tx) => admiral.kernel.mail.enqueue(tx, { to, subject: 'Bounce', text: 'x', kind: 'test_note' }));
    await waitFor(async () => (await outbox(admiral, 'id = $1', [id]))[0]?.status === 'failed', 10_000, 'the refused mail to fail');
    const [row] = await outbox(admiral, 'id = $1', [id]);
    expect(row?.metadata.delivery?.attempts).toBe(1);
    expect(row?.error).toMatch(/550/);
    expect(row?.error).toContain(`smtp://127.0.0.1:${smtp.port}`);
    expect(await deliveryJobsFor(admiral, id)).toHaveLength(1); // the enqueue's; no retry was scheduled
  });
});

describe('SMTP down', () => {
  let port: number;
  let admiral: TestAdmiral;
  beforeAll(async () => {
    port = await freePort();
    // work: false — the test runs delivery itself, to step through the backoff without waiting for it.
    admiral = await startTestAdmiral({ tokens, work: false, env: { ...NO_RATE_LIMITS, PUBLIC_URL, ADMIRAL_SMTP_URL: smtpUrl(port) } });
  });
  afterAll(async () => admiral?.stop());

  const deliver = () => admiral.kernel.mail.deliverDue(admiral.kernel.db);
  /** Moves a queued mail's next attempt into the past (as if the backoff had elapsed). */
  const elapse = (id: string) =>
    admiral.db.ownerQuery(
      `UPDATE mail_outbox SET metadata = jsonb_set(metadata, '{delivery,nextAttemptAt}', to_jsonb(now() - interval '1 second')) WHERE id = $1`,
      [id],
    );

  it('retries with backoff, then marks the mail failed with the error; the retry endpoint queues it again', async () => {
    const user = await createUser(admiral);
    await requestReset(admiral, user.email);
    const [queued] = await outbox(admiral, 'to_address = $1', [user.email]);
    const id = queued?.id as string;
    expect(queued).toMatchObject({ status: 'queued', metadata: { delivery: { attempts: 0 } } });

    const delays: number[] = [];
    for (let attempt = 1; attempt < MAIL_POLICY.maxAttempts; attempt++) {
      if (attempt > 1) {
        expect(await deliver()).toEqual({ sent: 0, retrying: 0, failed: 0 }); // not due yet
        await elapse(id);
      }
      const started = Date.now();
      expect(await deliver()).toEqual({ sent: 0, retrying: 1, failed: 0 });
      const [row] = await outbox(admiral, 'id = $1', [id]);
      expect(row).toMatchObject({ status: 'queued', metadata: { delivery: { attempts: attempt } } });
      expect(row?.error).toMatch(/ECONNREFUSED|ECONNECTION/);
      expect(row?.error).toContain(`smtp://127.0.0.1:${port}`);
      expect(row?.error).not.toContain(SMTP_PASSWORD);
      delays.push(Math.round((Date.parse(row?.metadata.delivery?.nextAttemptAt ?? '') - started) / 1000));
      // Each failure schedules the next run (in its own transaction) for when the backoff ends.
      const jobs = await deliveryJobsFor(admiral, id);
      expect(jobs).toHaveLength(attempt + 1); // the enqueue's (the queue is started for sending) and one per failed attempt
      expect(Math.round((Date.parse(jobs.at(-1)?.start_after ?? '') - started) / 1000)).toBeCloseTo(delays.at(-1) ?? -1, -1);
    }
    expect(delays.map((d, i) => Math.abs(d - MAIL_POLICY.retryDelaySeconds(i + 1)) <= 2)).toEqual([true, true, true, true]);
    expect(delays.map((_, i) => MAIL_POLICY.retryDelaySeconds(i + 1))).toEqual([60, 240, 960, 3600]);

    await elapse(id);
    expect(await deliver()).toEqual({ sent: 0, retrying: 0, failed: 1 });
    const [failed] = await outbox(admiral, 'id = $1', [id]);
    expect(failed).toMatchObject({ status: 'failed', sent_at: null, metadata: { delivery: { attempts: MAIL_POLICY.maxAttempts } } });
    expect(failed?.error).toMatch(/ECONNREFUSED|ECONNECTION/);
    await elapse(id);
    expect(await deliver()).toEqual({ sent: 0, retrying: 0, failed: 0 }); // failed mail stays failed

    const listed = await admiral.app.inject({ method: 'GET', url: '/v1/mail-outbox?status=failed', headers: as('reader') });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().data).toEqual([
      expect.objectContaining({ id, status: 'failed', attempts: 5, nextAttemptAt: null, error: failed?.error, to: user.email, userId: user.id }),
    ]);

    const retry = (who: Record<string, string>) => admiral.app.inject({ method: 'POST', url: `/v1/mail-outbox/${id}/retry`, headers: who, payload: {} });
    expectProblem(await retry(as('reader')), 403, 'permission_denied');
    expect((await outbox(admiral, 'id = $1', [id]))[0]?.status).toBe('failed');
    const retried = await retry(as('manager'));
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json()).toMatchObject({ id, status: 'queued', attempts: 0, error: null, redacted: true });
    expect(retried.json().text).not.toMatch(/admv_/);
    const [audit] = await auditRows(admiral, "action = 'mail.retried' AND target_id = $1", [id]);
    expect(audit).toMatchObject({
      actor_user_id: tokens.manager.id,
      before: { status: 'failed', error: failed?.error },
      after: { status: 'queued', error: null },
    });
    expectProblem(await retry(as('manager')), 409, 'mail_not_failed');

    // The server is back: the re-queued mail goes out, and its link still works.
    const smtp = await startSmtp(port);
    try {
      expect(await deliver()).toEqual({ sent: 1, retrying: 0, failed: 0 });
      const [mail] = await mailTo(smtp, user.email);
      expect((await resetWith(admiral, tokenIn(mail?.text ?? '') as string)).statusCode).toBe(204);
      expect((await outbox(admiral, 'id = $1', [id]))[0]).toMatchObject({ status: 'sent', error: null, metadata: { delivery: { attempts: 1 } } });
    } finally {
      await smtp.close();
    }
  });
});

describe('without SMTP', () => {
  let admiral: TestAdmiral;
  beforeAll(async () => {
    admiral = await startTestAdmiral({ tokens, env: { ...NO_RATE_LIMITS, PUBLIC_URL } });
  });
  afterAll(async () => admiral?.stop());

  const get = (url: string, headers: Record<string, string>) => admiral.app.inject({ method: 'GET', url, headers });

  it('stores the mail for the console: a super admin reads its link (audited), others see it redacted', async () => {
    const user = await createUser(admiral);
    await requestReset(admiral, user.email);
    const [row] = await outbox(admiral, 'to_address = $1', [user.email]);
    expect(row).toMatchObject({ status: 'stored', kind: 'password_reset', error: null, sent_at: null });
    expect(await deliveryJobsFor(admiral, row?.id as string)).toEqual([]);
    expect(await admiral.kernel.mail.deliverDue(admiral.kernel.db)).toEqual({ sent: 0, retrying: 0, failed: 0 });
    const token = tokenIn(row?.text_body ?? '') as string;

    const listed = await get(`/v1/mail-outbox?status=stored&to=${encodeURIComponent(user.email.toUpperCase())}`, superAdmin);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json()).toEqual({
      data: [
        {
          id: row?.id,
          to: user.email,
          subject: 'Reset your Admiral password',
          kind: 'password_reset',
          status: 'stored',
          userId: user.id,
          error: null,
          attempts: 0,
          lastAttemptAt: null,
          nextAttemptAt: null,
          createdAt: expect.any(String),
          sentAt: null,
        },
      ],
      nextCursor: null,
    });
    expect(listed.body).not.toContain('admv_');

    const forReader = await get(`/v1/mail-outbox/${row?.id}`, as('reader'));
    expect(forReader.statusCode, forReader.body).toBe(200);
    expect(forReader.json()).toMatchObject({ id: row?.id, redacted: true });
    expect(forReader.json().text).toContain(`${PUBLIC_URL}/reset-password?token=[redacted]`);
    expect(forReader.body).not.toContain(token);
    expect(await auditRows(admiral, "action = 'mail.tokens_revealed'", [])).toEqual([]);

    const forSuperAdmin = await get(`/v1/mail-outbox/${row?.id}`, superAdmin);
    expect(forSuperAdmin.json()).toMatchObject({ id: row?.id, redacted: false, text: row?.text_body });
    expect(forSuperAdmin.json().text).toContain(`${PUBLIC_URL}/reset-password?token=${token}`);
    const revealed = await auditRows(admiral, "action = 'mail.tokens_revealed' AND target_id = $1", [row?.id]);
    expect(revealed).toHaveLength(1);
    expect(revealed[0]?.metadata).toEqual({ kind: 'password_reset', to: user.email });
  });

  it('enforces the mail permissions', async () => {
    const [row] = await admiral.db
      .ownerQuery<{ id: string }>(
        "INSERT INTO mail_outbox (id, to_address, subject, text_body, kind, status, error) VALUES ($1, 'x@example.test', 'Old', 'body', 'test_note', 'failed', 'boom') RETURNING id",
        [uuidv7()],
      )
      .then((r) => r.rows);
    const id = row?.id as string;
    expectProblem(await admiral.app.inject({ method: 'GET', url: '/v1/mail-outbox' }), 401, 'unauthenticated');
    expectProblem(await get('/v1/mail-outbox', as('outsider')), 403, 'permission_denied');
    expectProblem(await get(`/v1/mail-outbox/${id}`, as('outsider')), 403, 'permission_denied');
    expect((await get(`/v1/mail-outbox/${id}`, as('reader'))).statusCode).toBe(200);
    expectProblem(await get(`/v1/mail-outbox/${uuidv7()}`, as('reader')), 404, 'not_found');
    expectProblem(await get('/v1/mail-outbox?status=bounced', as('reader')), 400, 'validation_failed');
    const retry = (who: Record<string, string>) => admiral.app.inject({ method: 'POST', url: `/v1/mail-outbox/${id}/retry`, headers: who, payload: {} });
    expectProblem(await retry(as('outsider')), 403, 'permission_denied');
    expectProblem(await retry(as('reader')), 403, 'permission_denied');
    // A failed mail cannot be sent again where there is no SMTP; nothing changes and nothing is audited.
    expectProblem(await retry(as('manager')), 409, 'smtp_not_configured');
    expect((await outbox(admiral, 'id = $1', [id]))[0]).toMatchObject({ status: 'failed', error: 'boom' });
    expect(await auditRows(admiral, "action = 'mail.retried'", [])).toEqual([]);
  });

  it('pages newest first with a cursor and filters by status and kind', async () => {
    const to = `pages-${uuidv7()}@example.test`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (await admiral.kernel.db.asPlatform({}, (tx) => admiral.kernel.mail.enqueue(tx, { to, subject: `Note ${i}`, text: 'x', kind: 'page_note' }))).id,
      );
    }
    await admiral.db.ownerQuery("UPDATE mail_outbox SET status = 'sent', sent_at = now() WHERE id = $1", [ids[2]]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ kind: 'page_note', limit: '2', ...(cursor ? { cursor } : {}) });
      const page = await get(`/v1/mail-outbox?${query}`, as('reader'));
      expect(page.statusCode, page.body).toBe(200);
      const body = page.json() as { data: Array<{ id: string }>; nextCursor: string | null };
      expect(body.data.length).toBeLessThanOrEqual(2);
      seen.push(...body.data.map((m) => m.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const stored = await get('/v1/mail-outbox?kind=page_note&status=stored', as('reader'));
    expect(stored.json().data.map((m: { id: string }) => m.id)).toEqual([ids[4], ids[3], ids[1], ids[0]]);
    const sent = await get('/v1/mail-outbox?kind=page_note&status=sent', as('reader'));
    expect(sent.json().data.map((m: { id: string }) => m.id)).toEqual([ids[2]]);
    expectProblem(await get('/v1/mail-outbox?cursor=not-a-cursor', as('reader')), 400, 'invalid_cursor');
  });
});
