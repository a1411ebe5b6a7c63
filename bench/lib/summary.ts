import type { Measurement } from './measure.js';

/** Averaging and formatting shared by the report's sections (report.ts, identity-report.ts). */

/** One target's figures for one scenario, averaged over the rounds. */
export interface Side {
  reqPerSec: number;
  p50: number;
  p99: number;
  cpuMsPerRequest: number;
  postgresMsPerRequest: number;
  serverCpuShare: number;
  otherBusy: number;
  failures: number;
  /** Measurements averaged; `clean` when none of them shared the machine with other programs. */
  used: number;
  of: number;
  clean: boolean;
}

export const TARGETS = { listRatio: 0.8, createRatio: 0.6, listCpuMs: 1, authOverhead: 0.1 } as const;

export const mean = (values: number[]) => {
  const finite = values.filter(Number.isFinite);
  return finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : Number.NaN;
};

/**
 * Averages a target's measurements, leaving out those taken while other programs used more than `threshold` of
 * the machine — unless every one of them was, in which case all are used and the side is marked unclean.
 */
export function side(all: Measurement[], threshold: number): Side {
  const quiet = all.filter((m) => !(m.otherBusy > threshold));
  const ms = quiet.length ? quiet : all;
  return {
    used: ms.length,
    of: all.length,
    clean: quiet.length > 0,
    reqPerSec: mean(ms.map((m) => m.reqPerSec)),
    p50: mean(ms.map((m) => m.p50)),
    p99: mean(ms.map((m) => m.p99)),
    cpuMsPerRequest: mean(ms.map((m) => m.serverCpuMsPerRequest)),
    postgresMsPerRequest: mean(ms.map((m) => m.postgresCpuMsPerRequest)),
    serverCpuShare: mean(ms.map((m) => m.serverCpuShare)),
    otherBusy: mean(ms.map((m) => m.otherBusy)),
    failures: ms.reduce((n, m) => n + m.non2xx + m.errors, 0),
  };
}

export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a';
export const pct = (n: number) => (Number.isFinite(n) ? `${fmt(n * 100, 0)} %` : 'n/a');
export const ms3 = (n: number) => `${fmt(n, 3)} ms`;
export const mark = (side: Side) => (side.clean ? '' : ' ⚠');
export const disturbed = (...sides: Side[]) =>
  sides.every((side) => side.clean) ? '' : ' (Some of these figures come only from measurements disturbed by other programs — ⚠ below — and read low.)';

export const signedPct = (n: number) => (Number.isFinite(n) ? `${n < 0 ? '−' : ''}${fmt(Math.abs(n) * 100, 1)} %` : 'n/a');

export interface TargetCheck {
  id: 'listRatio' | 'listCpu' | 'createRatio' | 'authOverhead';
  name: string;
  target: string;
  measured: string;
  met: boolean;
  /** How far off, in words, when missed. */
  shortfall: string;
}
