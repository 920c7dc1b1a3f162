import type { ContactPreferenceState } from './api-client';
import { formatTime } from './format';

/** The person's own choices from the preference centre: a pause (marketing skipped until then) and the frequency. */
export function PreferenceState({ prefs }: { prefs: ContactPreferenceState }) {
  return (
    <p data-testid="contact-preferences">
      <strong>Preferences:</strong>{' '}
      {prefs.paused_until ? (
        <span className="badge consent-withdrawn" title="Broadcasts and automations skip their marketing (paused_by_contact) until then">
          paused until {formatTime(prefs.paused_until)}
        </span>
      ) : (
        <span className="badge consent-granted">not paused</span>
      )}{' '}
      <span className="badge" title={prefs.frequency === 'low' ? 'The frequency cap is halved for this person' : 'The workspace frequency cap applies'}>
        {prefs.frequency} frequency
      </span>
    </p>
  );
}
