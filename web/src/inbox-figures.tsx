import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { getAgentFigures, type AgentFigures, type AgentFiguresRow } from './inbox-figures-api';

/** "45 s", "1 min 15 s", "2 h 5 min", "2 d 3 h"; a dash when there is nothing to measure. */
export function formatSeconds(s: number | null): string {
  if (s === null) return '—';
  const t = Math.round(s);
  if (t < 60) return `${t} s`;
  if (t < 3_600) return `${Math.floor(t / 60)} min${t % 60 ? ` ${t % 60} s` : ''}`;
  if (t < 86_400) return `${Math.floor(t / 3_600)} h ${Math.floor((t % 3_600) / 60)} min`;
  return `${Math.floor(t / 86_400)} d ${Math.floor((t % 86_400) / 3_600)} h`;
}

const who = (r: AgentFiguresRow) => r.agent_name ?? (r.agent_id ? 'Former user' : 'API / no user');

function FigureCells({ r }: { r: AgentFiguresRow }) {
  return (
    <>
      <td data-testid="handled">{r.handled}</td>
      <td>{r.replies}</td>
      <td data-testid="first-response" title={`mean ${formatSeconds(r.first_response_avg_s)} over ${r.first_responses}`}>
        {formatSeconds(r.first_response_p50_s)}
      </td>
      <td>{r.resolved}</td>
      <td data-testid="resolution" title={`mean ${formatSeconds(r.resolution_avg_s)}`}>
        {formatSeconds(r.resolution_p50_s)}
      </td>
    </>
  );
}

const HEAD = ['Handled', 'Replies', 'First response (median)', 'Resolved', 'Resolution (median)'];

/** The inbox's agent figures: per agent over a period, then per agent and day (days in the workspace's time zone). */
export function InboxFigures() {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [figures, setFigures] = useState<AgentFigures>();
  const [error, setError] = useState<string>();
  const load = useCallback((f: string, t: string) => {
    setError(undefined);
    getAgentFigures(f, t).then(setFigures, (err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, []);
  useEffect(() => load('', ''), [load]);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    load(from, to);
  };
  return (
    <div className="inbox-figures" data-testid="agent-figures">
      <form className="inline-form" onSubmit={apply} aria-label="Period">
        <label>
          From <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          To <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <button type="submit" className="secondary">
          Show
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {figures && (
        <>
          <p className="muted small" data-testid="figures-period">
            {figures.from} to {figures.to} ({figures.timezone}). First response: from the person’s first unanswered message to the first reply; resolution: from opening to close.
          </p>
          {figures.agents.length === 0 ? (
            <p className="muted">No replies or closes in this period.</p>
          ) : (
            <div className="table-scroll">
              <table aria-label="Per agent">
                <thead>
                  <tr>
                    <th scope="col">Agent</th>
                    {HEAD.map((h) => (
                      <th key={h} scope="col">
                        {h}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {figures.agents.map((r) => (
                    <tr key={r.agent_id ?? 'none'} data-testid="agent-row">
                      <th scope="row">{who(r)}</th>
                      <FigureCells r={r} />
                    </tr>
                  ))}
                </tbody>
              </table>
              <table aria-label="Per day">
                <thead>
                  <tr>
                    <th scope="col">Day</th>
                    <th scope="col">Agent</th>
                    {HEAD.map((h) => (
                      <th key={h} scope="col">
                        {h}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {figures.days.map((r) => (
                    <tr key={`${r.day}:${r.agent_id ?? 'none'}`} data-testid="day-row">
                      <td>{r.day}</td>
                      <th scope="row">{who(r)}</th>
                      <FigureCells r={r} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}
