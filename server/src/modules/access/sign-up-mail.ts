/** The mail to an address that signed up again while it already has an account (plain text, like every mail). */
export function existingAccountMail(siteName: string, publicUrl: string | undefined): { subject: string; text: string } {
  const at = (path: string) => (publicUrl ? new URL(path, publicUrl).toString() : null);
  const signIn = at('/sign-in');
  const reset = at('/reset-password');
  const name = siteName.replace(/[^\x20-\x7e\u00a0-\uffff]+/g, ' ').slice(0, 200);
  return {
    subject: 'You already have an account',
    text:
      `Someone, probably you, tried to sign up for ${name} with this email address. You already have an account, so nothing was created.\n\n` +
      `Sign in as you usually do${signIn ? ` at ${signIn}` : ''}; once signed in you can join ${name}. ` +
      `Forgot your password? Reset it${reset ? ` at ${reset}` : ' from the sign-in page'}.\n\n` +
      'If this was not you, ignore this message: your account has not changed.\n\n-- \nAdmiral\n',
  };
}
