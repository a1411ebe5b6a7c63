import { Type } from '@sinclair/typebox';

const DateTime = Type.String({ format: 'date-time' });
// Six characters; that they are digits is the verifier's check (a non-digit code is simply a wrong code).
const TotpCode = Type.String({ minLength: 6, maxLength: 6, description: 'The 6-digit code the authenticator shows' });
const RecoveryCode = Type.String({ minLength: 8, maxLength: 64, description: 'One of the recovery codes (each works once)' });
const Challenge = Type.String({ minLength: 1, maxLength: 200 });

export const TwoFactorChallengeSchema = Type.Object(
  {
    twoFactorRequired: Type.Literal(true),
    challenge: Type.String({ description: 'Send it with a code to POST /v1/auth/two-factor; single use' }),
    expiresAt: DateTime,
  },
  { $id: 'TwoFactorChallenge', additionalProperties: false },
);

export const TwoFactorSignInSchema = Type.Union(
  [
    Type.Object({ challenge: Challenge, code: TotpCode, cookie: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
    Type.Object({ challenge: Challenge, recoveryCode: RecoveryCode, cookie: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
  ],
  { description: 'The challenge from sign-in and either a current code or a recovery code' },
);

export const EnrolmentSchema = Type.Object(
  {
    secret: Type.String({ description: 'Base32 shared secret, for typing into an authenticator' }),
    otpauthUri: Type.String({ description: 'otpauth://totp/… URI, for a QR code' }),
    confirmed: Type.Literal(false),
  },
  { additionalProperties: false },
);

export const ConfirmSchema = Type.Object({ code: TotpCode }, { additionalProperties: false });

export const RecoveryCodesSchema = Type.Object(
  { recoveryCodes: Type.Array(Type.String(), { description: 'Shown once; store them somewhere safe' }) },
  { additionalProperties: false },
);

export const DisableSchema = Type.Union(
  [
    Type.Object({ password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
    Type.Object({ code: TotpCode }, { additionalProperties: false }),
  ],
  { description: 'Your password or a current code' },
);
