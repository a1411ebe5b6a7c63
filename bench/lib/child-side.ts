import { CHILD_CONFIG_ENV, type ChildConfig, type ChildMessage, isParentMessage } from './protocol.js';

/** Reads the harness's configuration; a server child is useless without it. */
export function readChildConfig(): ChildConfig {
  const raw = process.env[CHILD_CONFIG_ENV];
  if (!raw) throw new Error(`${CHILD_CONFIG_ENV} is not set: start this file through bench/run.ts`);
  return JSON.parse(raw) as ChildConfig;
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

/**
 * Wires a listening server to the harness over IPC: announces the port, answers CPU-time questions with
 * process.cpuUsage() (µs, cumulative), and on `stop` closes the server and exits (so --cpu-prof can write).
 */
export function serveHarness(port: number, close: () => Promise<void>): void {
  process.on('message', (message: unknown) => {
    if (!isParentMessage(message)) return;
    if (message.type === 'cpu') {
      const usage = process.cpuUsage();
      send({ type: 'cpu', id: message.id, user: usage.user, system: usage.system });
    } else if (message.type === 'stop') {
      close()
        .catch(() => {})
        .finally(() => process.exit(0));
    }
  });
  // The harness died: do not linger as an orphan holding database connections.
  process.on('disconnect', () => {
    close()
      .catch(() => {})
      .finally(() => process.exit(0));
  });
  send({ type: 'ready', port });
}

/** Reports a start-up failure to the harness and exits non-zero once the message is out. */
export function failStart(error: unknown): void {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`${message}\n`);
  if (!process.send) process.exit(1);
  process.send({ type: 'failed', message } satisfies ChildMessage, () => process.exit(1));
}
