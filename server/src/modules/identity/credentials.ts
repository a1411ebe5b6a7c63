import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = '__Host-admiral_session';
/** While the console impersonates someone: the impersonator's own session token, restored when it ends. */
export const ORIGIN_COOKIE = '__Host-admiral_origin';

export type Credential = { kind: 'session'; token: string; viaCookie: boolean } | { kind: 'api_key'; prefix: string; key: string } | { kind: 'malformed' };

const SESSION_TOKEN = /^adms_[A-Za-z0-9_-]{43}$/;
const API_KEY = /^admk_([a-z0-9]{12})_[A-Za-z0-9_-]{43}$/;

/** One cookie's value from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

/** The impersonator's session token kept by the console during an impersonation, if the request carries one. */
export function readOriginToken(request: FastifyRequest): string | null {
  const value = cookieValue(request.headers.cookie, ORIGIN_COOKIE);
  return value && SESSION_TOKEN.test(value) ? value : null;
}

/** What the request presents: a bearer session token or API key (header wins), or the console's cookie. */
export function readCredential(request: FastifyRequest): Credential | null {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const value = match?.[1];
    if (!value) return { kind: 'malformed' };
    if (SESSION_TOKEN.test(value)) return { kind: 'session', token: value, viaCookie: false };
    const key = API_KEY.exec(value);
    if (key?.[1]) return { kind: 'api_key', prefix: key[1], key: value };
    return { kind: 'malformed' };
  }
  const cookie = cookieValue(request.headers.cookie, SESSION_COOKIE);
  if (cookie === undefined) return null;
  return SESSION_TOKEN.test(cookie) ? { kind: 'session', token: cookie, viaCookie: true } : { kind: 'malformed' };
}

/** The console's session cookie: host-only, HttpOnly, Secure, SameSite=Strict. */
export function sessionCookie(token: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
}

export const clearedSessionCookie = () => `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`;

/** Keeps the impersonator's own session while the console is in an impersonation (same attributes as the session cookie). */
export const originCookie = (token: string, maxAgeSeconds: number) =>
  `${ORIGIN_COOKIE}=${token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;

export const clearedOriginCookie = () => `${ORIGIN_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`;

const renewals = new WeakMap<FastifyRequest, string>();

/** Asks for the session cookie to be sent again with a new Max-Age on this request's response. */
export function renewCookieOnReply(request: FastifyRequest, token: string, maxAgeSeconds: number): void {
  renewals.set(request, sessionCookie(token, maxAgeSeconds));
}

/** onSend hook: adds a renewed session cookie unless the route set (or cleared) the cookie itself. */
export async function sendRenewedCookie<T>(request: FastifyRequest, reply: FastifyReply, payload: T): Promise<T> {
  const cookie = renewals.get(request);
  if (!cookie) return payload;
  const already = [reply.getHeader('set-cookie') ?? []].flat().some((value) => String(value).startsWith(`${SESSION_COOKIE}=`));
  if (!already) reply.header('set-cookie', cookie);
  return payload;
}
