// The rule language's vocabulary for clients (the admin UI's condition builder): fields with their
// value types and allowed values, the operators each type allows and the value each operator takes.
// Built from segments.rules.ts at request time, so no client keeps a copy that can drift.
import { ATTRIBUTE_VALUE_TYPES, BROADCAST_INTERACTIONS, CONSENT_STATUSES, FIELD_VALUES, OPERATOR_VALUES, OPS, SEGMENT_FIELDS, type SegmentField } from './segments.rules.js';
import type { SegmentCatalogOut } from './segments.schemas.js';

/** The field and operator catalog of the segment rule language (the same for every workspace). */
export function segmentCatalog(): SegmentCatalogOut {
  const fields = (Object.keys(SEGMENT_FIELDS) as SegmentField[]).map((name) => ({ name, type: SEGMENT_FIELDS[name], values: FIELD_VALUES[name] ? [...FIELD_VALUES[name]] : null }));
  const operators = Object.fromEntries(Object.entries(OPS).map(([type, ops]) => [type, [...ops]])) as SegmentCatalogOut['operators'];
  return {
    fields,
    operators,
    operator_values: { ...OPERATOR_VALUES },
    attribute_types: { ...ATTRIBUTE_VALUE_TYPES },
    consent_statuses: [...CONSENT_STATUSES],
    broadcast_interactions: [...BROADCAST_INTERACTIONS],
  };
}
