import type { Agent as HttpAgent } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { request as httpsRequest } from 'node:https';

/** One POST over a keep-alive agent; resolves to the HTTP status once the answer has been read. */
export function postOnce(url: string, body: Buffer, headers: Record<string, string>, signal: AbortSignal, agents: { http: HttpAgent; https: HttpsAgent }): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const isHttps = u.protocol === 'https:';
    const req = (isHttps ? httpsRequest : httpRequest)(
      u,
      {
        method: 'POST',
        agent: isHttps ? agents.https : agents.http,
        signal,
        headers: { 'content-type': 'application/json', 'content-length': body.length, 'user-agent': 'facebookexternalua', ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A FIFO queue with O(1) shift (arrays shift in O(n), which hurts with tens of thousands queued). */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}
