import { useState } from 'react';
import type { Me } from './api-client';
import { ImportWizard } from './import-wizard';
import { CONTACTS_CSV_URL, listImports, SUPPRESSIONS_CSV_URL } from './imports-api';
import { ImportsTable } from './imports-table';
import { useResource } from './use-resource';

// Roles that hold contacts:write (the API answers 403 to the others).
const CAN_IMPORT: readonly Me['actor']['role'][] = ['owner', 'admin', 'marketer'];

/** The Imports tab: the import wizard (for roles that may import), past imports, and the contacts and suppression-list exports. */
export function ImportsSection({ me }: { me: Me }) {
  const [generation, setGeneration] = useState(0);
  const imports = useResource(() => listImports(20), generation);
  const canImport = CAN_IMPORT.includes(me.actor.role);
  return (
    <section className="imports" aria-labelledby="imports-title">
      <div className="section-head">
        <h2 id="imports-title">Imports</h2>
        <div className="row">
          <a className="button-link secondary" href={CONTACTS_CSV_URL} download data-testid="export-contacts">
            Export contacts (CSV)
          </a>
          <a className="button-link secondary" href={SUPPRESSIONS_CSV_URL} download data-testid="export-suppressions">
            Export suppression list (CSV)
          </a>
        </div>
      </div>
      {canImport ? <ImportWizard onImported={() => setGeneration((g) => g + 1)} /> : <p className="muted">Your role can see imports and export lists; importing needs an owner, admin or marketer.</p>}
      <div className="section-head import-history-head">
        <h3>Past imports</h3>
        <button type="button" className="secondary" onClick={imports.reload}>
          Refresh
        </button>
      </div>
      {imports.error && (
        <p className="error" role="alert">
          {imports.error}
        </p>
      )}
      {imports.data && <ImportsTable imports={imports.data.data} />}
    </section>
  );
}
