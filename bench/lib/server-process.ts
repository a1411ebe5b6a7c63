import { type ChildProcess, fork } from 'node:child_process';
import { CHILD_CONFIG_ENV, type ChildConfig, isChildMessage, type ParentMessage } from './protocol.js';

export interface StartServerOptions {
  /** Extra Node flags for the child, e.g. --cpu-prof. */
  execArgv?: string[];
  startTimeoutMs?: number;
}

/** A server under test, in its own Node process, reachable over HTTP and over IPC (for its CPU time). */
export class ServerProcess {
  private nextId = 1;
  private readonly pending = new Map<number, (micros: number) => void>();
  private exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    child.on('message', (message: unknown) => {
      if (!isChildMessage(message) || message.type !== 'cpu') return;
      const resolve = this.pending.get(message.id);
      this.pending.delete(message.id);
      resolve?.(message.user + message.system);
    });
  }

  /** Forks `file` under tsx and resolves once it listens. */
  static start(name: string, file: string, config: ChildConfig, options: StartServerOptions = {}): Promise<ServerProcess> {
    const child = fork(file, [], {
      execArgv: ['--import', import.meta.resolve('tsx'), ...(options.execArgv ?? [])],
      env: { ...process.env, [CHILD_CONFIG_ENV]: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${name} did not start within ${options.startTimeoutMs ?? 60_000} ms`));
      }, options.startTimeoutMs ?? 60_000);
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited during start-up (code ${code})`));
      };
      child.once('exit', onExit);
      child.on('message', function onMessage(message: unknown) {
        if (!isChildMessage(message)) return;
        if (message.type === 'ready') {
          clearTimeout(timer);
          child.off('exit', onExit);
          child.off('message', onMessage);
          resolve(new ServerProcess(name, child, `http://127.0.0.1:${message.port}`));
        } else if (message.type === 'failed') {
          clearTimeout(timer);
          child.off('exit', onExit);
          reject(new Error(`${name} failed to start:\n${message.message}`));
        }
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The child's cumulative CPU time (user + system), in microseconds. */
  cpuMicros(): Promise<number> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name} did not report its CPU time`));
      }, 10_000);
      this.pending.set(id, (micros) => {
        clearTimeout(timer);
        resolve(micros);
      });
      this.post({ type: 'cpu', id });
    });
  }

  /** Asks the child to close (drain, end its pool) and exit; kills it if it does not within the timeout. */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.post({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  private post(message: ParentMessage): void {
    this.child.send(message);
  }
}
