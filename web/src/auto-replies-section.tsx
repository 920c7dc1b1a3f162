import { useState } from 'react';
import { AutoRepliesForm } from './auto-replies-form';
import { getAutoReplies, getBusinessHours } from './auto-replies-api';
import { BusinessHoursForm } from './business-hours-form';
import { useResource } from './use-resource';

/** Settings for business hours and auto-replies (greeting, away, keyword replies, FAQ menu, fallback). */
export function AutoRepliesSection() {
  const hours = useResource(getBusinessHours);
  const replies = useResource(getAutoReplies);
  const [notice, setNotice] = useState<string>();
  return (
    <section aria-labelledby="auto-replies-title" className="auto-replies">
      <div className="section-head">
        <h2 id="auto-replies-title">Business hours and auto-replies</h2>
      </div>
      {(hours.error || replies.error) && (
        <p className="error" role="alert">
          {hours.error ?? replies.error}
        </p>
      )}
      {notice && (
        <p className="notice-line" role="status">
          {notice}
        </p>
      )}
      {/* Keyed by what was loaded, so a save (which reloads) starts the form from the stored values. */}
      {hours.data && <BusinessHoursForm key={JSON.stringify(hours.data)} hours={hours.data} onSaved={() => (setNotice('Business hours saved.'), hours.reload())} />}
      {replies.data && <AutoRepliesForm key={replies.data.updated_at ?? 'new'} replies={replies.data} onSaved={() => (setNotice('Auto-replies saved.'), replies.reload())} />}
    </section>
  );
}
