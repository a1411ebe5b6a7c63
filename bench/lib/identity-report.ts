import type { Argon2Measurement } from './argon2-ceiling.js';
import type { Measurement, ServerId } from './measure.js';
import { disturbed, fmt, mark, mean, ms3, pct, type Side, side, signedPct, TARGETS, type TargetCheck } from './summary.js';

/** The `auth` scenario: the same list as the fixed principal, as a session and as an API key. */
export interface AuthSummary {
  fixed: Side;
  session: Side;
  apiKey: Side;
  /** 1 − resolved req/s ÷ fixed req/s (what resolving the caller costs in throughput). */
  sessionOverhead: number;
  apiKeyOverhead: number;
}

export function summarizeAuth(measurements: Measurement[], threshold: number): AuthSummary | undefined {
  const of = (server: ServerId) => measurements.filter((m) => m.scenario === 'auth' && m.server === server);
  const [f, se, k] = [of('admiral'), of('session'), of('api-key')];
  if (!f.length || !se.length || !k.length) return undefined;
  const [fixed, session, apiKey] = [side(f, threshold), side(se, threshold), side(k, threshold)];
  return { fixed, session, apiKey, sessionOverhead: 1 - session.reqPerSec / fixed.reqPerSec, apiKeyOverhead: 1 - apiKey.reqPerSec / fixed.reqPerSec };
}

export function checkAuthTarget(auth: AuthSummary): TargetCheck {
  const worst = Math.max(auth.sessionOverhead, auth.apiKeyOverhead);
  const met = worst <= TARGETS.authOverhead;
  return {
    id: 'authOverhead',
    name: 'Resolving the caller (session, API key) vs a fixed principal',
    target: `≤ ${pct(TARGETS.authOverhead)} slower`,
    measured: `session ${signedPct(auth.sessionOverhead)}, API key ${signedPct(auth.apiKeyOverhead)}`,
    met,
    shortfall: met ? '' : `${pct(worst - TARGETS.authOverhead)} over`,
  };
}

export function explainAuth(auth: AuthSummary): string {
  const extra = (v: Side) =>
    `${ms3(v.cpuMsPerRequest - auth.fixed.cpuMsPerRequest)} of Node CPU and ${ms3(v.postgresMsPerRequest - auth.fixed.postgresMsPerRequest)} of PostgreSQL CPU`;
  return (
    `Resolving a session adds ${extra(auth.session)} per request, an API key ${extra(auth.apiKey)}: a resolving query (the ` +
    'definer function) on its own pooled connection before the tenant transaction begins — a pool checkout, a round trip and its parse/serialize work ' +
    'on both sides — where a fixed principal costs a Map lookup. Check that AUTH_CACHE_SECONDS is not 0 (README “Findings”). See “Identity” below.' +
    disturbed(auth.fixed, auth.session, auth.apiKey)
  );
}

/** The identity scenarios: sign-in against its argon2 ceiling, and what resolving the caller costs a list. */
export function renderIdentity(measurements: Measurement[], argon2: Argon2Measurement[], auth: AuthSummary | undefined, threshold: number): string[] {
  const signIns = measurements.filter((m) => m.scenario === 'sign-in' && m.server === 'admiral');
  if (!signIns.length && !auth) return [];
  const out: string[] = ['## Identity', ''];
  if (signIns.length) {
    const signIn = side(signIns, threshold);
    // Like side(): leave out windows other programs shared, unless all were.
    const quietCeilings = argon2.filter((m) => !(m.otherBusy > threshold));
    const ceilings = quietCeilings.length ? quietCeilings : argon2;
    const ceiling = mean(ceilings.map((m) => m.hashesPerSecond));
    const ceilingCpu = mean(ceilings.map((m) => m.cpuMicros / 1000 / m.hashes));
    out.push(
      '| sign-in | req/s | p50 / p99 | Node CPU per request | PostgreSQL CPU per request |',
      '|---|---:|---:|---:|---:|',
      `| Admiral: POST /v1/auth/sign-in (argon2id verify, session, device, audit row) | ${fmt(signIn.reqPerSec, 1)}${mark(signIn)} | ` +
        `${fmt(signIn.p50, 0)} / ${fmt(signIn.p99, 0)} ms | ${ms3(signIn.cpuMsPerRequest)} | ${ms3(signIn.postgresMsPerRequest)} |`,
      `| ceiling: argon2id verifications alone, 2 at a time (hashes/s) | ${fmt(ceiling, 1)}${quietCeilings.length ? '' : ' ⚠'} | — | ${ms3(ceilingCpu)} | — |`,
      '',
      `Admiral signs in at **${fmt(signIn.reqPerSec / ceiling, 2)}×** of the argon2 ceiling measured in the same run (per round: ` +
        `${argon2.map((m) => `${fmt(m.hashesPerSecond, 1)} hashes/s, other programs ${pct(m.otherBusy)}`).join('; ')}). The ceiling runs the kernel’s verifyPassword ` +
        '(@node-rs/argon2, m = 19 MiB, t = 2, p = 1, Admiral’s cap of two hashes at once) in a process of its own with nothing else: ' +
        'sign-in throughput is hashes per second, and the rest of the request (two transactions, the session row, the audit row) costs the difference.',
      '',
    );
  }
  if (auth) {
    out.push(
      '| list 50 domains as | req/s | p50 / p99 | Node CPU/req | PostgreSQL CPU/req | slower than fixed (req/s) | more Node CPU than fixed |',
      '|---|---:|---:|---:|---:|---:|---:|',
    );
    const row = (name: string, v: Side, overhead: number | undefined) =>
      `| ${name} | ${fmt(v.reqPerSec)}${mark(v)} | ${fmt(v.p50, 1)} / ${fmt(v.p99, 1)} ms | ${ms3(v.cpuMsPerRequest)} | ${ms3(v.postgresMsPerRequest)} | ` +
      `${overhead === undefined ? '—' : signedPct(overhead)} | ${overhead === undefined ? '—' : signedPct(v.cpuMsPerRequest / auth.fixed.cpuMsPerRequest - 1)} |`;
    out.push(
      row('a fixed principal (static bearer token)', auth.fixed, undefined),
      row('a session (bearer session token)', auth.session, auth.sessionOverhead),
      row('an API key', auth.apiKey, auth.apiKeyOverhead),
      '',
      'The same route, page and permissions three ways: the fixed token maps to a principal in memory; the session token and the API key are ' +
        'resolved by Admiral’s identity resolver (a SECURITY DEFINER function on its own pooled connection, returning the caller’s permissions ' +
        'on the site; last_seen_at / last_used_at written at most once a minute), and the resolved caller is reused for AUTH_CACHE_SECONDS ' +
        '(default 2 s; database triggers announce every revocation on commit and each process drops what it names), so each credential is ' +
        'resolved a few times per measurement rather than on every request. The seeded user’s role and ' +
        'the key grant exactly what the fixed principal holds.',
      '',
    );
  }
  return out;
}
