/** The outcome of a verification handshake against the app's webhook URL. */
export interface HandshakeResult {
  ok: boolean;
  status?: number;
  challenge: string;
  body?: string;
  error?: string;
}

/**
 * Performs Meta's subscription check: `GET url?hub.mode=subscribe&hub.challenge=<n>&hub.verify_token=<t>`.
 * It passes only on HTTP 200 whose body is exactly the challenge (no signature on this GET).
 */
export async function verifyWebhookEndpoint(url: string, verifyToken: string, challenge: string, timeoutMs = 10_000): Promise<HandshakeResult> {
  const target = new URL(url);
  target.searchParams.set('hub.mode', 'subscribe');
  target.searchParams.set('hub.challenge', challenge);
  target.searchParams.set('hub.verify_token', verifyToken);
  try {
    const res = await fetch(target, { headers: { 'user-agent': 'facebookplatform/1.0 (+http://developers.facebook.com)' }, signal: AbortSignal.timeout(timeoutMs) });
    const body = await res.text();
    return { ok: res.status === 200 && body === challenge, status: res.status, challenge, body };
  } catch (err) {
    return { ok: false, challenge, error: err instanceof Error ? err.message : 'request failed' };
  }
}
