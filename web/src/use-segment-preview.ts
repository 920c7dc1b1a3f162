import { useEffect, useRef, useState } from 'react';
import { ApiError, previewSegment, type Contact } from './api-client';
import { parseRulesText } from './segment-rules';

/** Where the rules are wrong and what to write instead, as the server (or the JSON parser) said. */
export interface RulesProblem {
  path: string;
  problem: string;
}

/** The preview of the rules being edited: waiting, counted, rejected as invalid, or failed. */
export type PreviewState =
  | { status: 'off' }
  | { status: 'pending' }
  | { status: 'ok'; count: number; sample: Contact[] }
  | { status: 'invalid'; error: RulesProblem }
  | { status: 'failed'; message: string };

const DEBOUNCE_MS = 300;
const SAMPLE_SIZE = 10;

/** The rules problem carried by an API error (422 SEGMENT_RULES_INVALID), if it is one. */
export function rulesProblemOf(err: unknown): RulesProblem | undefined {
  if (!(err instanceof ApiError) || err.code !== 'SEGMENT_RULES_INVALID') return undefined;
  const { path, problem } = err.details;
  return { path: typeof path === 'string' ? path : 'rules', problem: typeof problem === 'string' ? problem : err.message };
}

/**
 * Counts and samples the contacts matching the rules text, ~300 ms after the last edit. Any
 * earlier result is cleared at once on an edit, and an answer for older text is dropped, so
 * what is shown always belongs to the rules on screen.
 */
export function useSegmentPreview(text: string, enabled: boolean): PreviewState {
  // Each result remembers the text it answers; a result for other text is not shown.
  const [result, setResult] = useState<{ text: string; state: PreviewState }>();
  const latest = useRef(0);
  useEffect(() => {
    const request = ++latest.current;
    if (!enabled) return;
    const settle = (state: PreviewState) => request === latest.current && setResult({ text, state });
    const timer = setTimeout(() => {
      const parsed = parseRulesText(text);
      if ('problem' in parsed) return settle({ status: 'invalid', error: { path: 'rules', problem: parsed.problem } });
      previewSegment(parsed.rules, SAMPLE_SIZE).then(
        (answer) => settle({ status: 'ok', count: answer.count, sample: answer.sample }),
        (err: unknown) => {
          const problem = rulesProblemOf(err);
          settle(problem ? { status: 'invalid', error: problem } : { status: 'failed', message: err instanceof Error ? err.message : String(err) });
        },
      );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, enabled]);
  if (!enabled) return { status: 'off' };
  return result && result.text === text ? result.state : { status: 'pending' };
}
