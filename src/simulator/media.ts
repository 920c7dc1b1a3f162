import { createHash, createHmac } from 'node:crypto';
import { GraphError } from './graph-errors.js';

/** An uploaded (or user-sent) media object. */
export interface MediaItem {
  id: string;
  phoneNumberId: string;
  mimeType: string;
  /** base64 SHA-256 of the bytes, as Meta reports it. */
  sha256: string;
  fileSize: number;
  bytes: Buffer;
  filename?: string;
  createdAt: number;
}

const MB = 1024 * 1024;

// Supported types and size limits per Meta's media reference (docs/whatsapp-cloud-api.md §5).
const LIMITS: Record<string, number> = {
  'image/jpeg': 5 * MB,
  'image/png': 5 * MB,
  'video/mp4': 16 * MB,
  'video/3gpp': 16 * MB,
  'audio/aac': 16 * MB,
  'audio/amr': 16 * MB,
  'audio/mpeg': 16 * MB,
  'audio/mp4': 16 * MB,
  'audio/ogg': 16 * MB,
  'text/plain': 100 * MB,
  'application/pdf': 100 * MB,
  'application/msword': 100 * MB,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 100 * MB,
  'application/vnd.ms-excel': 100 * MB,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 100 * MB,
  'application/vnd.ms-powerpoint': 100 * MB,
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 100 * MB,
  'image/webp': 500 * 1024,
};

/** Largest upload the simulator will read. */
export const MAX_MEDIA_BYTES = 100 * MB + 64 * 1024;

/** A 1×1 transparent PNG, used when an injected inbound image names no uploaded media. */
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/** Media objects by id, with short-lived signed download URLs. */
export class MediaStore {
  private readonly items = new Map<string, MediaItem>();
  constructor(
    private readonly urlKey: string,
    private readonly newId: () => string,
  ) {}

  /** Stores bytes after Meta's type and size checks (sync 131053 on failure). */
  add(phoneNumberId: string, bytes: Buffer, mimeType: string, now: number, filename?: string): MediaItem {
    const mime = mimeType.split(';')[0]!.trim().toLowerCase();
    const limit = LIMITS[mime];
    if (limit === undefined) throw new GraphError(131053, { details: `Param file must be a file with one of the following types: ${Object.keys(LIMITS).join(', ')}. Received file of type '${mime}'.` });
    if (bytes.length > limit) throw new GraphError(131053, { details: `${mime} files are limited to ${limit} bytes (got ${bytes.length}).` });
    const item: MediaItem = {
      id: this.newId(),
      phoneNumberId,
      mimeType: mime,
      sha256: createHash('sha256').update(bytes).digest('base64'),
      fileSize: bytes.length,
      bytes,
      createdAt: now,
      ...(filename ? { filename } : {}),
    };
    this.items.set(item.id, item);
    return item;
  }

  /** The media with this id (uploaded ids live 30 days). */
  get(id: string, now: number): MediaItem | undefined {
    const item = this.items.get(id);
    if (item && now - item.createdAt > 30 * 24 * 3600_000) {
      this.items.delete(id);
      return undefined;
    }
    return item;
  }

  /** Deletes; false if unknown. */
  delete(id: string): boolean {
    return this.items.delete(id);
  }

  /** The query string of a download URL valid until `expiresAt` (Meta: 5 minutes). */
  signedQuery(id: string, expiresAt: number): string {
    return `mid=${id}&ext=${Math.floor(expiresAt / 1000)}&hash=${this.sign(id, expiresAt)}`;
  }

  /** Checks a download URL's query; returns the item or a reason. */
  verifyDownload(q: { mid?: string; ext?: string; hash?: string }, now: number): MediaItem | 'expired' | 'invalid' {
    if (!q.mid || !q.ext || !q.hash) return 'invalid';
    const expiresAt = Number(q.ext) * 1000;
    if (this.sign(q.mid, expiresAt) !== q.hash) return 'invalid';
    if (now > expiresAt) return 'expired';
    return this.get(q.mid, now) ?? 'invalid';
  }

  private sign(id: string, expiresAt: number): string {
    return createHmac('sha256', this.urlKey).update(`${id}:${Math.floor(expiresAt / 1000)}`).digest('hex').slice(0, 32);
  }
}
