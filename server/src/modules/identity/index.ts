import { databaseAuditWriter, systemActor } from '../../kernel/audit/writer.js';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { defineJob } from '../../kernel/jobs/queue.js';
import { defineModule, type Kernel } from '../../kernel/module.js';
import { authRoutes } from './auth-routes.js';
import { AuthService } from './auth-service.js';
import { meRoutes } from './me-routes.js';
import { identityPermissions } from './permissions.js';
import { accounts, adminProfiles, devices, mailOutbox, sessions, users, verifications } from './schema.js';
import { SessionSchema, UserSchema } from './schemas.js';
import { SessionService } from './session-service.js';
import { userRoutes } from './user-routes.js';
import { UserService } from './user-service.js';

export { identityResolver } from './principal-resolver.js';
export { users } from './schema.js';
export { SessionService } from './session-service.js';
export { publicUser, UserService } from './user-service.js';

const liftExpiredBans = defineJob({
  name: 'identity.lift-expired-bans',
  description: 'Lift bans whose expiry has passed (sign-in already ignores them; this clears the flag and audits it)',
  schedule: '* * * * *',
  retryLimit: 2,
  async handler(_data, { db }) {
    const users = new UserService(databaseAuditWriter, new SessionService(databaseAuditWriter));
    await db.asPlatform({}, (tx) => users.liftExpiredBans(tx, systemActor));
  },
});

/** Users, credentials, sessions, sign-in, the caller's own account, and platform user administration. */
export function identityModule() {
  return defineModule({
    name: 'identity',
    tables: { users, accounts, sessions, devices, verifications, adminProfiles, mailOutbox },
    permissions: identityPermissions,
    jobs: [liftExpiredBans],
    routes: {
      platform: (app: AdmiralApp, kernel: Kernel) => {
        for (const schema of [UserSchema, SessionSchema]) app.addSchema(schema);
        const sessionService = new SessionService(kernel.audit);
        const userService = new UserService(kernel.audit, sessionService);
        const auth = new AuthService(kernel.db, kernel.audit, sessionService);
        authRoutes(app, kernel, { auth, sessions: sessionService });
        meRoutes(app, kernel, { users: userService, sessions: sessionService });
        userRoutes(app, kernel, { users: userService, sessions: sessionService, auth });
      },
    },
  });
}
