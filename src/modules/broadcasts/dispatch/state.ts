import type { SecretBox } from '../../../lib/secrets.js';
import type { Db, Log } from '../../context.js';
import type { NumberCredentials, WhatsAppGateway } from '../../messaging/index.js';
import type { BroadcastPolicy } from '../broadcasts.rules.js';
import type { ActiveBroadcast, ClaimedSend } from '../claim.service.js';
import { clockOffsetEstimator } from '../clock-offset.js';
import { postRateMeter } from '../post-rate.js';
import type { SendOutcome } from '../send.service.js';
import { linkSigner } from '../tracking.service.js';

/** What the dispatcher needs from the composition root. */
export interface DispatcherDeps {
  db: Db;
  box: SecretBox;
  gateway: WhatsAppGateway;
  log: Log;
  clock: { now(): Date };
  /** Base of tracked links (`<publicUrl>/r/<token>`). */
  publicUrl: string;
  masterKey: Buffer;
  /** How far ahead a worker books send slots (default 400 ms). */
  horizonMs?: number;
  /** Most recipients per claim (default 500). */
  maxBatch?: number;
  /** Requests in flight at most (default 2,000; Little's law: rate × latency). */
  maxInFlight?: number;
  /** How long a claimed or in-flight row stays with this worker before others may settle it (default 30 s). */
  leaseMs?: number;
  /** How often active broadcasts, leases and schedules are looked at (default 1 s). */
  houseKeepingMs?: number;
  /** Most sends per second per number whatever its tier: what this engine can hold (PGlite, see server.ts); none by default. */
  maxRatePerNumber?: number;
}

/** The dispatcher's settings with their defaults applied. */
export interface DispatchConfig {
  horizonMs: number;
  maxBatch: number;
  maxInFlight: number;
  leaseMs: number;
  houseKeepingMs: number;
  sign: (payload: string) => string;
}

/** A claimed send waiting for its slot, with the slot on this process's clock. */
export type Queued = ClaimedSend & { localSlot: number; rebooked?: boolean };

/** A business number with broadcasts sending, as this worker last saw it. */
export interface NumberState {
  id: string;
  ratePerSecond: number;
  tier: string;
  creds: NumberCredentials;
  list: ActiveBroadcast[];
}

/**
 * Everything the four lanes of one dispatcher share, in one place. Each collection has one writer
 * lane, named beside it; the others only read it.
 */
export interface DispatchState {
  stopped: boolean;
  /** Uncertain sends are not given up before a whole window has passed with this process up (see settleExpiredRows). */
  upSince: Date;
  /** Numbers with broadcasts sending (house lane). */
  numbers: Map<string, NumberState>;
  /** Each running broadcast's policy (house lane). */
  policies: Map<string, BroadcastPolicy>;
  /** Compiled broadcasts, keyed by id, with the key they were compiled for (house lane). */
  actives: Map<string, { key: string; value: ActiveBroadcast }>;
  /** Credentials per number, reloaded after 30 s (house lane). */
  credsCache: Map<string, { creds: NumberCredentials; at: number }>;
  /** Claimed sends waiting for their slot, in slot order (claim lane adds, dispatch lane takes). */
  queue: Queued[];
  /** Marked sends whose slot passed before they could leave (posts add, dispatch lane re-books). */
  late: Queued[];
  /** Sends to hand back unsent (posts add, dispatch lane returns them). */
  unsent: Queued[];
  /** When each number may be claimed again after an empty claim (claim lane). */
  retryAt: Map<string, number>;
  /** Outcomes of finished requests (posts add, flush lane records them). */
  outcomes: SendOutcome[];
  /** Requests in flight. */
  inflight: Set<Promise<void>>;
  /** Smoothed time to mark a due group `sending` (dispatch lane). */
  markMs: number;
  counters: { sent: number; failed: number; claims: number; rebooked: number; returned: number };
  clockOffset: ReturnType<typeof clockOffsetEstimator>;
  posted: ReturnType<typeof postRateMeter>;
}

/** Applies the defaults to the dispatcher's settings. */
export function dispatchConfig(deps: DispatcherDeps): DispatchConfig {
  return {
    horizonMs: deps.horizonMs ?? 400,
    maxBatch: deps.maxBatch ?? 500,
    maxInFlight: deps.maxInFlight ?? 2_000,
    leaseMs: deps.leaseMs ?? 30_000,
    houseKeepingMs: deps.houseKeepingMs ?? 1_000,
    sign: linkSigner(deps.masterKey),
  };
}

/** A fresh state for a dispatcher starting now. */
export function createDispatchState(now: Date): DispatchState {
  return {
    stopped: false,
    upSince: now,
    numbers: new Map(),
    policies: new Map(),
    actives: new Map(),
    credsCache: new Map(),
    queue: [],
    late: [],
    unsent: [],
    retryAt: new Map(),
    outcomes: [],
    inflight: new Set(),
    markMs: 0,
    counters: { sent: 0, failed: 0, claims: 0, rebooked: 0, returned: 0 },
    clockOffset: clockOffsetEstimator(),
    posted: postRateMeter(),
  };
}

/** Resolves after `ms` (never keeps the process alive). */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)).unref?.());
