import { Type } from '@sinclair/typebox';

export const SignUpSchema = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 1024, description: '12–256 characters, not a known-breached or trivial one' }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    username: Type.Optional(Type.String({ pattern: '^[a-zA-Z0-9][a-zA-Z0-9._-]{1,62}$', description: 'Letters, digits, dot, dash, underscore' })),
  },
  { $id: 'SignUp', additionalProperties: false },
);

export const SignUpAcceptedSchema = Type.Object(
  {
    verificationRequired: Type.Boolean({
      description:
        'true: the account works once the address is confirmed (a mail with a link and a code was sent). ' +
        'false: sign in with POST /v1/auth/sign-in. The answer is the same whether or not the address already had an account.',
    }),
  },
  { $id: 'SignUpAccepted', additionalProperties: false },
);
