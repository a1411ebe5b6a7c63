import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { problemResponses } from '../../kernel/http/problem.js';
import type { Kernel } from '../../kernel/module.js';
import { sessionCookie } from '../identity/credentials.js';
import { SESSION_POLICY } from '../identity/policy.js';
import { SessionService } from '../identity/session-service.js';
import { UserService } from '../identity/user-service.js';
import { SiteService } from '../tenancy/site-service.js';
import { SetupDoneSchema, SetupSchema, SetupStatusSchema } from './schemas.js';
import { setupCodeFrom } from './setup-code.js';
import { SetupService } from './setup-service.js';

const tags = ['Setup'];

export function setupRoutes(app: AdmiralApp, kernel: Kernel): void {
  const sessions = new SessionService(kernel.audit);
  const setupCode = kernel.config.env === 'production' ? setupCodeFrom(kernel.secrets) : null;
  const setup = new SetupService(
    kernel.db,
    kernel.audit,
    { users: new UserService(kernel.audit, sessions), sites: new SiteService(kernel.audit), sessions },
    setupCode,
  );

  app.get(
    '/setup',
    {
      config: { public: true },
      schema: {
        tags,
        operationId: 'getSetupStatus',
        summary: 'Whether Admiral still needs its first administrator (the console shows onboarding then)',
        response: { 200: SetupStatusSchema },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return { needsSetup: await kernel.db.asPlatform({}, (tx) => setup.needsSetup(tx)), setupCodeRequired: setup.setupCodeRequired };
    },
  );

  app.post(
    '/setup',
    {
      config: { public: true, secretResponse: true },
      schema: {
        tags,
        operationId: 'completeSetup',
        summary: 'First run only: create the first super admin, the first site and their admin membership, and sign in',
        description:
          'Open only while GET /v1/setup says `needsSetup`; afterwards (or for the loser of a race) 409 `setup_done`. ' +
          'A production server also wants `setupCode`, printed in its log at start (403 `setup_code_invalid`).',
        body: SetupSchema,
        response: { 201: SetupDoneSchema, ...problemResponses(400, 403, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const done = await setup.run(request.auditActor(), request.body);
      if (request.body.cookie) reply.header('set-cookie', sessionCookie(done.token, SESSION_POLICY.idleSeconds));
      reply.code(201).header('cache-control', 'no-store');
      const { sessionId: _sessionId, ...body } = done;
      return body;
    },
  );
}
