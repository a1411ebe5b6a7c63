import { databaseAuditWriter, systemActor } from '../../kernel/audit/writer.js';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { defineJob } from '../../kernel/jobs/queue.js';
import { defineModule, type Kernel } from '../../kernel/module.js';
import { authRoutes } from './auth-routes.js';
import { AuthService } from './auth-service.js';
import { meRoutes } from './me-routes.js';
import { identityPermissions } from './permissions.js';
import { authRateLimits } from './rate-limits.js';
import { accounts, adminProfiles, devices, mailOutbox, recoveryCodes, sessions, twoFactorChallenges, twoFactors, users, verifications } from './schema.js';
import { SessionSchema, UserSchema } from './schemas.js';
import { SessionService } from './session-service.js';
import { SignInChallenges } from './sign-in-challenges.js';
import { TwoFactorCodes } from './two-factor-codes.js';
import { twoFactorRoutes } from './two-factor-routes.js';
import { TwoFactorChallengeSchema } from './two-factor-schemas.js';
import { TwoFactorService } from './two-factor-service.js';
import { userRoutes } from './user-routes.js';
import { UserService } from './user-service.js';
import { verificationRoutes } from './verification-routes.js';
import { VerificationService } from './verification-service.js';

export { identityResolver } from './principal-resolver.js';
export { users } from './schema.js';
export { SessionService } from './session-service.js';
export { publicUser, UserService } from './user-service.js';

const purgeChallenges = defineJob({
  name: 'identity.purge-two-factor-challenges',
  description: 'Delete sign-in challenges that ended more than a day ago',
  schedule: '17 * * * *',
  retryLimit: 2,
  async handler(_data, { db }) {
    await db.asPlatform({}, (tx) => new SignInChallenges().purge(tx));
  },
});

export const liftExpiredBans = defineJob({
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
    tables: { users, accounts, sessions, devices, verifications, adminProfiles, mailOutbox, twoFactors, recoveryCodes, twoFactorChallenges },
    permissions: identityPermissions,
    jobs: [liftExpiredBans, purgeChallenges],
    routes: {
      platform: (app: AdmiralApp, kernel: Kernel) => {
        for (const schema of [UserSchema, SessionSchema, TwoFactorChallengeSchema]) app.addSchema(schema);
        const sessionService = new SessionService(kernel.audit);
        const userService = new UserService(kernel.audit, sessionService);
        const codes = new TwoFactorCodes(kernel.secrets);
        const auth = new AuthService(kernel.db, kernel.audit, sessionService, codes);
        const limits = authRateLimits(kernel);
        authRoutes(app, kernel, { auth, sessions: sessionService }, limits);
        twoFactorRoutes(app, { auth, twoFactor: new TwoFactorService(kernel.db, kernel.audit, codes) }, limits);
        verificationRoutes(app, new VerificationService(kernel.db, kernel.audit, sessionService, kernel.config.publicUrl), limits);
        meRoutes(app, kernel, { users: userService, sessions: sessionService });
        userRoutes(app, kernel, { users: userService, sessions: sessionService, auth });
      },
    },
  });
}
