// Agent figures of the inbox through the public API (GET /api/v1/conversations/figures).
import { gl, unwrap } from './api-client';
import type { ResponseOf } from './api-schema';

/** Figures per agent over a period, and per agent and day. */
export type AgentFigures = ResponseOf<'/api/v1/conversations/figures', 'get'>;
/** One agent's (or one agent-day's) figures. */
export type AgentFiguresRow = AgentFigures['agents'][number];

/** The figures for a period of days (YYYY-MM-DD, workspace time zone; empty: the last 7 days). */
export const getAgentFigures = (from: string, to: string) => unwrap(gl.GET('/api/v1/conversations/figures', { params: { query: { from, to } } }));
