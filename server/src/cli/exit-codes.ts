/** Exit codes of `admiral` (documented in docs/cli.md). */
export const EXIT = {
  ok: 0,
  /** Runtime failure: database unreachable, migration refused, startup error, configuration invalid. */
  failure: 1,
  /** Wrong command-line usage: unknown command or option, bad argument. */
  usage: 2,
  /** Interrupted before finishing (SIGINT during a one-shot command). */
  interrupted: 130,
} as const;
