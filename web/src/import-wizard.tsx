import { useEffect, useMemo, useState } from 'react';
import { listTopics } from './api-client';
import { ImportAttestationForm } from './import-attestation-form';
import { EMPTY_DRAFT, errorFields, fieldError, guessPhoneColumn, importsConsent, mappingFromDraft, missingColumns, type MappingDraft } from './import-mapping';
import { ImportMappingForm } from './import-mapping-form';
import { ImportPreviewTable } from './import-preview-table';
import { ImportProgressBar, ImportResult } from './import-result';
import { listImportMappings, previewImport, saveImportMapping, startImport, type Attestation, type ImportPreview } from './imports-api';
import { useImportPoll } from './use-import-poll';
import { useResource } from './use-resource';

const NO_ATTESTATION: Attestation = { attested_by: '', text: '', collected_where: '', collected_at: '', covers_whatsapp: false };
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The mapped preview of the first rows, asked again (debounced) whenever the mapping changes. */
function useMappedPreview(file: File | undefined, mapping: Record<string, unknown> | undefined) {
  const [state, setState] = useState<{ preview?: ImportPreview; error?: unknown }>({});
  const key = mapping ? JSON.stringify(mapping) : '';
  useEffect(() => {
    setState({});
    if (!file || !mapping) return;
    let live = true;
    const timer = setTimeout(() => {
      previewImport(file, { mapping }).then(
        (preview) => live && setState({ preview }),
        (error: unknown) => live && setState({ error }),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // `mapping` is a new object on every render; `key` is its content.
  }, [file, key]);
  return state;
}

/** Upload → columns and preview → attestation → dry run → import with progress → result. */
export function ImportWizard({ onImported }: { onImported: () => void }) {
  const mappings = useResource(listImportMappings);
  const topics = useResource(listTopics);
  const [file, setFile] = useState<File>();
  const [facts, setFacts] = useState<{ preview?: ImportPreview; error?: string; loading?: boolean }>({});
  const [draft, setDraftState] = useState<MappingDraft>(EMPTY_DRAFT);
  const [attestation, setAttestationState] = useState<Attestation>(NO_ATTESTATION);
  const [dryRunId, setDryRunId] = useState<string>();
  const [importId, setImportId] = useState<string>();
  const [startError, setStartError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const header = facts.preview?.header ?? [];
  const missing = missingColumns(draft, header);
  const mapping = useMemo(() => (draft.phone && missing.length === 0 ? mappingFromDraft(draft) : undefined), [draft, missing.length]);
  const mapped = useMappedPreview(file, mapping);
  const dryRun = useImportPoll(dryRunId);
  const real = useImportPoll(importId);
  const consent = importsConsent(draft);

  // A change to the mapping or the attestation makes the last dry run stale.
  const setDraft = (d: MappingDraft) => (setDraftState(d), setDryRunId(undefined), setStartError(undefined));
  const setAttestation = (a: Attestation) => (setAttestationState(a), setDryRunId(undefined), setStartError(undefined));

  async function chooseFile(f: File | undefined) {
    setFile(f);
    setDryRunId(undefined);
    setImportId(undefined);
    setFacts(f ? { loading: true } : {});
    if (!f) return;
    try {
      const preview = await previewImport(f, { rows: 5 });
      setFacts({ preview });
      setDraftState((d) => (d.phone ? d : { ...d, phone: guessPhoneColumn(preview.header) }));
    } catch (err) {
      setFacts({ error: message(err) });
    }
  }

  async function start(dry: boolean) {
    if (!file || !mapping) return;
    setBusy(true);
    setStartError(undefined);
    try {
      const started = await startImport(file, { mapping, attestation: consent ? attestation : undefined, dryRun: dry });
      if (dry) setDryRunId(started.id);
      else setImportId(started.id);
    } catch (err) {
      setStartError(err);
    } finally {
      setBusy(false);
    }
  }

  // The list of past imports is refreshed when a dry run or an import finishes.
  const finished = (s: string | undefined) => s === 'completed' || s === 'failed';
  useEffect(() => {
    if (finished(real.record?.status) || finished(dryRun.record?.status)) onImported();
  }, [real.record?.status, dryRun.record?.status]);

  function reset() {
    setFile(undefined);
    setFacts({});
    setDraftState(EMPTY_DRAFT);
    setAttestationState(NO_ATTESTATION);
    setDryRunId(undefined);
    setImportId(undefined);
  }

  const invalid = [...errorFields(mapped.error), ...errorFields(startError), ...missing];
  // An error naming a mapping or attestation field shows under that field; any other in place.
  const claimed = (e: unknown, prefix: string) => fieldError(e)?.field.startsWith(prefix) === true;
  const mappingError = claimed(mapped.error, 'mapping') ? fieldError(mapped.error) : claimed(startError, 'mapping') ? fieldError(startError) : undefined;
  const attestationError = claimed(startError, 'attestation') ? fieldError(startError) : undefined;
  const isClaimed = (e: unknown) => claimed(e, 'mapping') || claimed(e, 'attestation');
  const dryDone = dryRun.record?.status === 'completed';
  const canImport = dryDone && (dryRun.record?.rows_total ?? 0) > (dryRun.record?.skipped ?? 0);

  if (importId) {
    return (
      <div className="import-step" data-testid="import-running">
        <h3>Importing {file?.name}</h3>
        {real.error && (
          <p className="error" role="alert">
            {real.error}
          </p>
        )}
        {real.record && <ImportProgressBar record={real.record} />}
        {real.record && !['queued', 'running'].includes(real.record.status) && <ImportResult record={real.record} />}
        <button type="button" className="secondary" onClick={reset}>
          Import another file
        </button>
      </div>
    );
  }

  return (
    <div className="import-wizard">
      <section className="import-step" aria-labelledby="import-step-file">
        <h3 id="import-step-file">1. Upload the file</h3>
        <div className="field">
          <label htmlFor="import-file">CSV file</label>
          <input id="import-file" type="file" accept=".csv,.txt,text/csv" onChange={(e) => void chooseFile(e.target.files?.[0])} />
        </div>
        {facts.loading && <p className="muted">Reading the file…</p>}
        {facts.error && (
          <p className="error" role="alert">
            {facts.error}
          </p>
        )}
        {facts.preview && file && (
          <dl className="fields" data-testid="file-facts">
            <div>
              <dt>Size</dt>
              <dd>{`${(file.size / 1024).toLocaleString('en', { maximumFractionDigits: 1 })} KB`}</dd>
            </div>
            <div>
              <dt>Encoding</dt>
              <dd data-testid="file-encoding">{facts.preview.encoding}</dd>
            </div>
            <div>
              <dt>Delimiter</dt>
              <dd data-testid="file-delimiter">{facts.preview.delimiter === '\t' ? 'tab' : facts.preview.delimiter}</dd>
            </div>
            <div>
              <dt>Columns</dt>
              <dd data-testid="file-header">{facts.preview.header.join(' · ')}</dd>
            </div>
          </dl>
        )}
      </section>

      {facts.preview && (
        <section className="import-step" aria-labelledby="import-step-columns">
          <h3 id="import-step-columns">2. Match the columns</h3>
          <ImportMappingForm header={header} detectedDelimiter={facts.preview.delimiter} draft={draft} onChange={setDraft} mappings={mappings.data?.data ?? []} topics={topics.data?.data ?? []} invalidFields={invalid} error={mappingError} />
          {missing.length > 0 && (
            <p className="error" role="alert">{`This file has no column ${missing.map((m) => `"${m}"`).join(', ')}; choose another column or clear the field.`}</p>
          )}
          {mapped.error !== undefined && !isClaimed(mapped.error) && (
            <p className="error" role="alert" data-testid="mapping-error">
              {message(mapped.error)}
            </p>
          )}
          <SaveMappingForm mapping={mapping} onSaved={mappings.reload} />
          <h4>Preview of the first rows, as they will be imported</h4>
          {!mapping && <p className="muted">Choose the phone column to see the preview.</p>}
          {mapped.preview && <ImportPreviewTable rows={mapped.preview.rows} />}
        </section>
      )}

      {mapped.preview && (
        <section className="import-step" aria-labelledby="import-step-check">
          <h3 id="import-step-check">3. {consent ? 'Attest the consent, then check' : 'Check'} every row</h3>
          {consent ? <ImportAttestationForm value={attestation} onChange={setAttestation} yesNoColumn={draft.consent === 'column'} invalidFields={invalid} error={attestationError} /> : <p className="muted">No consent is imported: the contacts are added without topics, to be asked to opt in.</p>}
          <div className="row">
            <button type="button" onClick={() => void start(true)} disabled={busy || (dryRunId !== undefined && !dryDone && !dryRun.error)}>
              Dry run (check every row, write nothing)
            </button>
          </div>
          {startError !== undefined && !isClaimed(startError) && (
            <p className="error" role="alert" data-testid="start-error">
              {message(startError)}
            </p>
          )}
          {dryRun.record && (dryDone || dryRun.record.status === 'failed' ? <ImportResult record={dryRun.record} /> : <ImportProgressBar record={dryRun.record} />)}
        </section>
      )}

      {dryDone && (
        <section className="import-step" aria-labelledby="import-step-run">
          <h3 id="import-step-run">4. Import</h3>
          <button type="button" onClick={() => void start(false)} disabled={busy || !canImport}>
            {`Import ${(dryRun.record!.rows_total - dryRun.record!.skipped).toLocaleString('en')} rows`}
          </button>
        </section>
      )}
    </div>
  );
}

/** Saves the current mapping under a name, to pick it again next time under "Start from". */
function SaveMappingForm({ mapping, onSaved }: { mapping: Record<string, unknown> | undefined; onSaved: () => void }) {
  const [name, setName] = useState('');
  const [status, setStatus] = useState<{ ok?: string; error?: string }>({});
  async function save() {
    if (!mapping) return;
    try {
      const saved = await saveImportMapping(name, mapping);
      setStatus({ ok: `Saved as "${saved.name}".` });
      setName('');
      onSaved();
    } catch (err) {
      setStatus({ error: message(err) });
    }
  }
  return (
    <div className="inline-form save-mapping">
      <label htmlFor="import-save-name">Save this mapping as</label>
      <input id="import-save-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} placeholder="Our shop's customers" />
      <button type="button" className="secondary" onClick={() => void save()} disabled={!mapping || name.trim() === ''}>
        Save mapping
      </button>
      {status.ok && <span className="status-line">{status.ok}</span>}
      {status.error && (
        <p className="error" role="alert">
          {status.error}
        </p>
      )}
    </div>
  );
}
