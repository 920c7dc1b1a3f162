/** Outbound progress ranks; a status webhook can only raise a message's rank (out-of-order safe). */
export const STATUS_RANK = { pending: 0, accepted: 1, sent: 2, delivered: 3, read: 4, played: 4 } as const;
export type DeliveryStatus = keyof typeof STATUS_RANK;

const RANK_NAMES = ['pending', 'accepted', 'sent', 'delivered', 'read'] as const;

/** The 24-hour customer-service window opened by a user's last inbound message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Rank of a webhook status, or undefined for `failed` and unknown values. */
export function rankOf(status: string): number | undefined {
  return (STATUS_RANK as Record<string, number>)[status];
}

/**
 * Status shown for a message. A `failed` after `delivered` (multi-device races) is kept as an
 * event but does not erase the delivery; a failure before delivery shows as failed.
 */
export function displayStatus(direction: 'in' | 'out', rank: number, errorCode: number | null): string {
  if (direction === 'in') return 'received';
  if (errorCode !== null && rank < STATUS_RANK.delivered) return 'failed';
  return RANK_NAMES[rank] ?? 'pending';
}

/** True when free-form messages may be sent: the user wrote within the last 24 h. */
export function isWindowOpen(lastInboundAt: Date | undefined, now: Date): boolean {
  return lastInboundAt !== undefined && now.getTime() - lastInboundAt.getTime() < SERVICE_WINDOW_MS;
}
