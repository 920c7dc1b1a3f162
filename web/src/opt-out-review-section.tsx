import { useState } from 'react';
import { listOpenReviews, resolveReview, type OptOutNote, type ReviewAction } from './api-client';
import { formatTime } from './format';
import { ReviewContact } from './review-contact';
import { usePagedList } from './use-paged-list';

/**
 * Open review items: messages that mention a STOP word without being a clear opt-out. A person
 * reads each one and opts the contact out (after a confirmation) or dismisses it.
 */
export function OptOutReviewSection() {
  const items = usePagedList((cursor) => listOpenReviews(cursor));
  const [confirming, setConfirming] = useState<number>();
  const [busy, setBusy] = useState<number>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();

  async function resolve(note: OptOutNote, action: ReviewAction) {
    setBusy(note.id);
    setError(undefined);
    setDone(undefined);
    try {
      await resolveReview(note.id, action);
      setConfirming(undefined);
      setDone(action === 'opt_out' ? 'Opted out: every topic withdrawn and the number suppressed.' : 'Dismissed: consent unchanged.');
      items.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(undefined);
    }
  }

  const problem = error ?? items.error;
  return (
    <section aria-labelledby="opt-out-review-title">
      <div className="section-head">
        <h2 id="opt-out-review-title">Opt-out review</h2>
        <button type="button" className="secondary" onClick={items.reload}>
          Refresh
        </button>
      </div>
      <p className="muted">Messages that mention a STOP word without being a clear opt-out, newest first. Opting out withdraws every topic and suppresses the number.</p>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <p className="status-line" role="status">
        {done}
      </p>
      {items.loaded && items.rows.length === 0 && !items.error && <p className="muted">Nothing to review.</p>}
      {items.rows.length > 0 && (
        <table aria-label="Messages to review">
          <thead>
            <tr>
              <th>Received</th>
              <th>Contact</th>
              <th>Message</th>
              <th>Decision</th>
            </tr>
          </thead>
          <tbody>
            {items.rows.map((n) => (
              <tr key={n.id} data-testid="review-row">
                <td className="nowrap">{formatTime(n.created_at)}</td>
                <td>
                  <ReviewContact contactId={n.contact_id} />
                </td>
                <td className="prewrap" id={`review-text-${n.id}`}>
                  {n.text ?? '—'}
                </td>
                <td>
                  {confirming === n.id ? (
                    <span className="row">
                      <span>Opt out? Every topic is withdrawn.</span>
                      <button type="button" className="danger" disabled={busy === n.id} onClick={() => resolve(n, 'opt_out')}>
                        Yes, opt out
                      </button>
                      <button type="button" className="secondary" onClick={() => setConfirming(undefined)}>
                        Cancel
                      </button>
                    </span>
                  ) : (
                    <span className="row">
                      <button type="button" className="danger" disabled={busy === n.id} onClick={() => setConfirming(n.id)} aria-describedby={`review-text-${n.id}`}>
                        Opt out
                      </button>
                      <button type="button" className="secondary" disabled={busy === n.id} onClick={() => resolve(n, 'dismiss')} aria-describedby={`review-text-${n.id}`}>
                        Dismiss
                      </button>
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {items.hasMore && (
        <p>
          <button type="button" className="secondary" onClick={items.loadMore} disabled={items.loading}>
            {items.loading ? 'Loading…' : 'Load more'}
          </button>
        </p>
      )}
    </section>
  );
}
