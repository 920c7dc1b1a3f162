// Every audit action written in src/ has its own sentence in the admin app (web/src/audit-format.ts),
// so a new action without one fails here; and a few sentences read as they should.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The admin app's module, loaded at run time: web/ is built by Vite with its own tsconfig (extensionless imports).
interface Entry {
  id: number;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  target_name: string | null;
  details: Record<string, unknown>;
  request_id: string | null;
  created_at: string;
}
interface AuditFormat {
  KNOWN_ACTIONS: readonly string[];
  auditSentence(e: Entry, names: { topics: ReadonlyMap<string, string> }): string;
}
const FORMAT_MODULE = '../web/src/audit-format.ts';
const { auditSentence, KNOWN_ACTIONS } = (await import(FORMAT_MODULE)) as AuditFormat;

// Actions built from a template literal, by the expression each source file uses (kept in step by the count check below).
const COMPUTED: Record<string, string[]> = {
  "`consent.${data.action === 'grant' ? 'granted' : 'withdrawn'}`": ['consent.granted', 'consent.withdrawn'],
  "`broadcast.${action === 'pause' ? 'paused' : action === 'resume' ? 'resumed' : 'cancelled'}`": ['broadcast.paused', 'broadcast.resumed', 'broadcast.cancelled'],
  '`${kind}.run_finished`': ['lifecycle.run_finished', 'hygiene.run_finished'],
  '`opt_out_review.${action}`': ['opt_out_review.opt_out', 'opt_out_review.dismiss'],
  "`contact.whatsapp_marketing_${ev.value === 'stop' ? 'stopped' : 'resumed'}`": ['contact.whatsapp_marketing_stopped', 'contact.whatsapp_marketing_resumed'],
  "state === 'closed' ? 'conversation.closed' : 'conversation.state_changed'": ['conversation.closed', 'conversation.state_changed'],
  "secret ? 'webhook_endpoint.secret_rotated' : 'webhook_endpoint.updated'": ['webhook_endpoint.secret_rotated', 'webhook_endpoint.updated'],
  'AUDIT_ACTION[action]': ['automation.paused', 'automation.resumed', 'automation.archived'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

// The `action:` of every object literal passed to recordAudit in src/ (a call's first 600 characters).
function recordedActions(): { literal: string[]; computed: string[] } {
  const literal = new Set<string>();
  const computed = new Set<string>();
  // The audit module itself only forwards the entry it is given.
  for (const file of sourceFiles('src').filter((f) => !f.startsWith(join('src', 'modules', 'audit')))) {
    const text = readFileSync(file, 'utf8');
    for (const call of text.split('recordAudit(').slice(1)) {
      const m = /action: (`[^`]*`|(?:[^,}]|\? [^:]+: )+?)(?:,|\s*})/.exec(call.slice(0, 600));
      if (!m) continue;
      const expr = m[1]!.trim();
      const plain = /^'([a-z_.]+)'$/.exec(expr);
      if (plain) literal.add(plain[1]!);
      else computed.add(expr);
    }
  }
  return { literal: [...literal], computed: [...computed] };
}

describe('audit sentences', () => {
  it('has a sentence for every action recorded in src/', () => {
    const { literal, computed } = recordedActions();
    expect(literal.length).toBeGreaterThan(50);
    expect(computed.sort()).toEqual(Object.keys(COMPUTED).sort());
    const missing = [...literal, ...Object.values(COMPUTED).flat()].filter((a) => !KNOWN_ACTIONS.includes(a));
    expect(missing).toEqual([]);
  });

  it('reads consent by the person with the contact as subject, and counts with separators', () => {
    const base = { id: 1, actor_id: 'k1', target_id: 'c1', request_id: null, created_at: '2026-12-01T14:02:00Z' };
    const topics = new Map([['offers', 'Offers']]);
    const stop = { ...base, actor_type: 'system', actor_name: null, action: 'consent.withdrawn', target_type: 'contact', target_name: 'Ana', details: { topic: 'offers', source: 'stop_keyword' } };
    expect(auditSentence(stop, { topics })).toBe('Ana withdrew Offers by STOP');
    const imported = { ...base, actor_type: 'user', actor_name: 'Bench Owner', action: 'import.completed', target_type: 'import', target_name: null, details: { rows: 2000, created: 1990, skipped: 10 } };
    expect(auditSentence(imported, { topics })).toBe('Bench Owner imported 2,000 rows (1,990 new, 10 skipped)');
    const unknown = { ...base, actor_type: 'api_key', actor_name: 'shop', action: 'gizmo.frobbed', target_type: 'gizmo_thing', target_name: null, details: {} };
    expect(auditSentence(unknown, { topics })).toBe("API key 'shop': gizmo frobbed (gizmo thing)");
  });
});
