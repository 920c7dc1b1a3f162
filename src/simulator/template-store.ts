import { GraphError } from './graph-errors.js';
import { parseTemplateCreate, reviewTemplate, type TemplateRecord, type TemplateSeed } from './templates.js';
import type { QualityRating, SimKnobs, TemplateStatus } from './types.js';

/** Extra fields of a status webhook (`rejection_info`, `other_info`, `disable_info`). */
export type StatusExtra = Record<string, unknown>;

/** What the store needs from the simulator. */
export interface TemplateHooks {
  now(): number;
  newId(): string;
  schedule(delayMs: number, fn: () => void): void;
  knobs(): SimKnobs;
  /** Emits `message_template_status_update`. */
  onStatus(t: TemplateRecord, event: string, reason: string, extra?: StatusExtra): void;
  /** Emits `message_template_quality_update`. */
  onQuality(t: TemplateRecord, previous: QualityRating): void;
}

/** Templates of every WABA, in creation order. */
export class TemplateStore {
  private readonly byId = new Map<string, TemplateRecord>();
  constructor(private readonly hooks: TemplateHooks) {}

  /** Preloads a template (no review, no webhook). */
  seed(seed: TemplateSeed, wabaId: string): TemplateRecord {
    const t: TemplateRecord = {
      id: this.hooks.newId(),
      wabaId,
      name: seed.name,
      language: seed.language,
      category: seed.category,
      status: seed.status ?? 'APPROVED',
      components: seed.components ?? [{ type: 'BODY', text: seed.name.replace(/_/g, ' ') }],
      parameterFormat: seed.parameterFormat ?? 'POSITIONAL',
      qualityScore: seed.qualityScore ?? 'UNKNOWN',
      createdAt: this.hooks.now(),
    };
    this.byId.set(t.id, t);
    return t;
  }

  /**
   * Creates a template as PENDING and schedules the automated review. Why: Meta reviews
   * asynchronously and reports the verdict only through `message_template_status_update`.
   */
  create(wabaId: string, body: unknown): TemplateRecord {
    const parsed = parseTemplateCreate(body);
    if (this.find(wabaId, parsed.name, parsed.language)) {
      throw new GraphError(100, { details: `Content in this language already exists: ${parsed.name} (${parsed.language}).`, subcode: 2388024 });
    }
    const t: TemplateRecord = { ...parsed, id: this.hooks.newId(), wabaId, status: 'PENDING', qualityScore: 'UNKNOWN', createdAt: this.hooks.now() };
    this.byId.set(t.id, t);
    const review = this.hooks.knobs().templateReview;
    this.hooks.schedule(review.delayMs, () => {
      if (this.byId.get(t.id) !== t || t.status !== 'PENDING') return;
      const mode = this.hooks.knobs().templateReview.outcome;
      const verdict = mode === 'approve' ? { approved: true as const } : mode === 'reject' ? { approved: false as const, reason: 'INVALID_FORMAT' } : reviewTemplate(t);
      if (verdict.approved) this.setStatus(t, 'APPROVED', 'NONE');
      else {
        t.rejectedReason = verdict.reason;
        this.setStatus(t, 'REJECTED', verdict.reason, { rejection_info: { reason: verdict.reason, recommendation: 'Review the template guidelines and submit a new template.' } });
      }
    });
    return t;
  }

  /** The template with this id. */
  get(id: string): TemplateRecord | undefined {
    return this.byId.get(id);
  }

  /** The template of a WABA with this name and language. */
  find(wabaId: string, name: string, language: string): TemplateRecord | undefined {
    for (const t of this.byId.values()) if (t.wabaId === wabaId && t.name === name && t.language === language) return t;
    return undefined;
  }

  /** Templates of a WABA, oldest first, filtered like Graph's list endpoint. */
  list(wabaId: string, filter: { name?: string; status?: string; category?: string; language?: string } = {}): TemplateRecord[] {
    return [...this.byId.values()].filter(
      (t) =>
        t.wabaId === wabaId &&
        (!filter.name || t.name.includes(filter.name)) &&
        (!filter.status || t.status === filter.status.toUpperCase()) &&
        (!filter.category || t.category === filter.category.toUpperCase()) &&
        (!filter.language || t.language === filter.language),
    );
  }

  /** Deletes by name (all languages) or by name + hsm_id (one); returns how many went. */
  remove(wabaId: string, name: string, hsmId?: string): number {
    const doomed = this.list(wabaId).filter((t) => t.name === name && (!hsmId || t.id === hsmId));
    if (doomed.length === 0) throw new GraphError(100, { details: `Message template "${name}" not found.`, subcode: 2593002 });
    for (const t of doomed) this.byId.delete(t.id);
    return doomed.length;
  }

  /** Changes a template's status and emits the webhook. */
  setStatus(t: TemplateRecord, status: TemplateStatus | 'REINSTATED' | 'UNARCHIVED' | 'UNLOCKED', reason = 'NONE', extra?: StatusExtra): void {
    const stored: TemplateStatus = status === 'REINSTATED' || status === 'UNARCHIVED' || status === 'UNLOCKED' ? 'APPROVED' : status;
    t.status = stored;
    this.hooks.onStatus(t, status, reason, extra);
  }

  /** Changes a template's quality score and emits the webhook. */
  setQuality(t: TemplateRecord, score: QualityRating): void {
    const previous = t.qualityScore;
    t.qualityScore = score;
    this.hooks.onQuality(t, previous);
  }
}
