import type { Segment } from './api-client';
import { describeAudience, describeBestHour, describeSchedule, describeSource } from './broadcast-format';
import type { BestHourChoice, Broadcast } from './broadcasts-api';

/** What a broadcast sends, to whom and when. */
export function BroadcastSummary({ broadcast: b, segments }: { broadcast: Broadcast; segments: Segment[] }) {
  const vars = Object.entries(b.template.variables);
  const bestHour = (b.plan as { best_hour?: BestHourChoice }).best_hour;
  return (
    <dl className="fields" data-testid="broadcast-summary">
      <div>
        <dt>Audience</dt>
        <dd>{describeAudience(b, segments)}</dd>
      </div>
      <div>
        <dt>Template</dt>
        <dd>{`${b.template.name} (${b.template.language}) · ${b.template.category.toLowerCase()}`}</dd>
      </div>
      {vars.length > 0 && (
        <div>
          <dt>Variables</dt>
          <dd>
            <ul className="plain">
              {vars.map(([k, v]) => (
                <li key={k}>
                  <code>{k}</code> ← {describeSource(v)}
                </li>
              ))}
            </ul>
          </dd>
        </div>
      )}
      <div>
        <dt>When</dt>
        <dd>{describeSchedule(b.schedule, b.start_at)}</dd>
      </div>
      {bestHour && (
        <div>
          <dt>Chosen hour</dt>
          <dd data-testid="best-hour-choice">{describeBestHour(bestHour)}</dd>
        </div>
      )}
    </dl>
  );
}
