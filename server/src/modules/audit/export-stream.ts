import { PassThrough, type Readable, type Writable } from 'node:stream';
import type { Tx } from '../../kernel/db/transaction.js';

/** The reader went away (the client disconnected): stop producing and end the transaction. */
class ReaderGone extends Error {
  constructor() {
    super('the export stream was closed before it finished');
  }
}

/** Writes a chunk, waiting while the reader is behind (backpressure); rejects if the reader has gone. */
function write(out: Writable, chunk: string): Promise<void> {
  if (out.destroyed) return Promise.reject(new ReaderGone());
  if (out.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const settle = (fn: () => void) => () => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      fn();
    };
    const onDrain = settle(resolve);
    const onClose = settle(() => reject(new ReaderGone()));
    out.on('drain', onDrain);
    out.on('close', onClose);
  });
}

/**
 * Streams what `produce` yields from inside one transaction, which stays open while the client reads and ends
 * with the last chunk (or when the client goes away). Resolves with the stream once the first chunk is ready,
 * so a failure before any byte is sent (unknown site, bad cursor, database error) rejects and becomes an
 * ordinary problem response; a failure after that can only cut the stream short.
 */
export function streamFromTransaction(run: (work: (tx: Tx) => Promise<void>) => Promise<void>, produce: (tx: Tx) => AsyncIterable<string>): Promise<Readable> {
  const out = new PassThrough();
  let started = false;
  return new Promise<Readable>((resolve, reject) => {
    const start = () => {
      if (started) return;
      started = true;
      resolve(out);
    };
    run(async (tx) => {
      for await (const chunk of produce(tx)) {
        start();
        await write(out, chunk);
      }
      start();
      out.end();
    }).catch((error: unknown) => {
      if (!started) reject(error);
      else if (!out.destroyed) out.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
}
