/** The whole definition as JSON, for people who prefer to type it (the API names any problem at its path). */
export function AutomationJsonEditor({ text, problem, onChange }: { text: string; problem: string | undefined; onChange: (text: string) => void }) {
  return (
    <div className="field wide json-editor">
      <label htmlFor="automation-json">Definition as JSON</label>
      <textarea id="automation-json" value={text} onChange={(e) => onChange(e.target.value)} rows={22} spellCheck={false} aria-invalid={problem ? true : undefined} />
      <p className="muted small">
        The fields are described in the API reference (<code>POST /api/v1/automations</code>). Untick “Edit as JSON” to go back to the steps.
      </p>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
