import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admiral as admiralCli, childEnv, type RunResult, TEST_SECRET, tempDir } from './fixtures/process.js';
import { startTestAdmiral, type TestAdmiral } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { auditRows, me, NO_RATE_LIMITS, signIn, strongPassword } from './helpers/identity.js';

let db: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = tempDir('admiral-cli-admin-');
});
afterAll(async () => db?.drop());

/** `node bin/admiral.js …` with `input` on standard input (null: standard input closed at once). */
function admiralWithStdin(args: string[], input: string | null): Promise<RunResult> {
  const env = childEnv({ DATABASE_URL: db.ownerUrl, ADMIRAL_SECRET: TEST_SECRET, ADMIRAL_DATA_DIR: dataDir, ADMIRAL_WORKERS: 'false' });
  return admiralCli(args, env, 60_000, input ?? '');
}

describe('admiral admin create', () => {
  let admiral: TestAdmiral | undefined;
  afterAll(async () => admiral?.close());

  it('creates a super admin from --password-stdin who can then sign in', async () => {
    const email = 'First.Admin@Example.test';
    const password = strongPassword();
    const result = await admiralWithStdin(['admin', 'create', '--email', email, '--name', 'First Admin', '--password-stdin'], `${password}\n`);
    expect(result.code, `stdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/^created super admin First\.Admin@Example\.test \([0-9a-f-]{36}\)/);
    expect(result.stdout + result.stderr).not.toContain(password);

    admiral = await startTestAdmiral({ database: db, env: NO_RATE_LIMITS });
    const response = await signIn(admiral, { email, password });
    expect(response.statusCode, response.body).toBe(200);
    const { token, user } = response.json();
    expect(user).toMatchObject({ email: 'first.admin@example.test', name: 'First Admin', isSuperAdmin: true, emailVerified: true });
    expect((await me(admiral, token)).json().user.id).toBe(user.id);
    const users = await admiral.app.inject({ method: 'GET', url: '/v1/users', headers: { authorization: `Bearer ${token}` } });
    expect(users.statusCode, users.body).toBe(200);
    const [created] = await auditRows(admiral, "action = 'user.created' AND target_id = $1", [user.id]);
    expect(created).toMatchObject({ actor_user_id: null, success: true });
    expect(JSON.stringify(created)).not.toContain(password);
  });

  it('refuses a weak password, and a password on the command line', async () => {
    const weak = await admiralWithStdin(['admin', 'create', '--email', 'weak@example.test', '--password-stdin'], 'short\n');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/at least 12 characters/);
    const noStdin = await admiralWithStdin(['admin', 'create', '--email', 'argv@example.test', '--password', 'Tidal-Quartz-Lantern-1'], null);
    expect(noStdin.code).toBe(2);
    const { rows } = await db.ownerQuery("SELECT count(*)::int AS n FROM users WHERE email IN ('weak@example.test', 'argv@example.test')");
    expect(rows[0]).toEqual({ n: 0 });
  });
});
