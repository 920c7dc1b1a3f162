/** Under a bulk-action bar: the API's refusal (named by `errorId` for the field that points to it), or what the action did. */
export function BulkBarFeedback({ errorId, error, notice }: { errorId: string; error?: string | undefined; notice?: string | undefined }) {
  return (
    <>
      {error && (
        <p id={errorId} className="error field-error" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p className="muted small bulk-notice" role="status">
          {notice}
        </p>
      )}
    </>
  );
}
