import { databaseAuditWriter, systemActor } from '../../kernel/audit/writer.js';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { defineJob } from '../../kernel/jobs/queue.js';
import { defineModule, type Kernel } from '../../kernel/module.js';
import { adminProfileRoutes } from './admin-profile-routes.js';
import { AdminProfilePutSchema, AdminProfileSchema, UserDetailSchema } from './admin-profile-schemas.js';
import { AdminProfileService } from './admin-profile-service.js';
import { authRoutes } from './auth-routes.js';
import { AuthService } from './auth-service.js';
import { sendRenewedCookie } from './credentials.js';
import { impersonationRoutes } from './impersonation-routes.js';
import { Impersonations } from './impersonation-service.js';
import { mailOutboxRoutes } from './mail-outbox-routes.js';
import { MailOutboxService } from './mail-outbox-service.js';
import { meRoutes } from './me-routes.js';
import { identityPermissions } from './permissions.js';
import { authRateLimits } from './rate-limits.js';
import { accounts, adminProfiles, devices, mailOutbox, recoveryCodes, sessions, twoFactorChallenges, twoFactors, users, verifications } from './schema.js';
import { DeviceSchema, SessionSchema, UserMembershipSchema, UserSchema, UserUpdateSchema } from './schemas.js';
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

export { AuthService, accountRefusal, invalidCredentials, type SignedIn, type VouchedBy } from './auth-service.js';
export { cookieValue, sessionCookie } from './credentials.js';
export { deviceFingerprint } from './devices.js';
export { emailNotConfirmed } from './email-confirmation.js';
export { ExternalAccounts, type ProviderTokens } from './external-accounts.js';
export { replyWithImpersonation } from './impersonation-routes.js';
export { Impersonations } from './impersonation-service.js';
export { assertAcceptablePassword } from './password-policy.js';
export { SESSION_POLICY } from './policy.js';
export { credentialsEnded } from './principal-cache.js';
export { type IdentityResolver, identityResolver } from './principal-resolver.js';
export { authRateLimits } from './rate-limits.js';
export { normalizeEmail, normalizeUsername, type Registration, Registrations, registrationsFor } from './registrations.js';
export { users } from './schema.js';
export { ImpersonateSchema, TokensSchema } from './schemas.js';
export { SessionService } from './session-service.js';
export type { TwoFactorChallenge } from './sign-in-challenges.js';
export { TwoFactorCodes } from './two-factor-codes.js';
export { publicUser, type User, UserService } from './user-service.js';

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
        for (const schema of [
          UserSchema,
          UserUpdateSchema,
          SessionSchema,
          DeviceSchema,
          UserMembershipSchema,
          TwoFactorChallengeSchema,
          AdminProfileSchema,
          AdminProfilePutSchema,
          UserDetailSchema,
        ])
          app.addSchema(schema);
        // Added to the /v1 scope before the tenant routes are registered, so it covers them too.
        app.addHook('onSend', sendRenewedCookie);
        const sessionService = new SessionService(kernel.audit);
        const userService = new UserService(kernel.audit, sessionService);
        const codes = new TwoFactorCodes(kernel.secrets);
        const auth = new AuthService(kernel.db, kernel.audit, sessionService, codes, { mailer: kernel.mail, publicUrl: kernel.config.publicUrl });
        const limits = authRateLimits(kernel);
        authRoutes(app, kernel, { auth, sessions: sessionService }, limits);
        twoFactorRoutes(app, { auth, twoFactor: new TwoFactorService(kernel.db, kernel.audit, codes) }, limits);
        const verifications = new VerificationService(kernel.db, kernel.audit, sessionService, kernel.mail, kernel.config.publicUrl);
        verificationRoutes(app, verifications, limits);
        mailOutboxRoutes(app, new MailOutboxService(kernel.audit, kernel.mail));
        meRoutes(app, kernel, { users: userService, sessions: sessionService });
        const profiles = new AdminProfileService(kernel.audit);
        userRoutes(app, kernel, { users: userService, sessions: sessionService, profiles, verifications });
        impersonationRoutes(app, kernel.db, auth, new Impersonations(kernel.audit, sessionService));
        adminProfileRoutes(app, profiles);
      },
    },
  });
}
