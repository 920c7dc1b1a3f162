// Built-in import mappings for the exports shop owners have at hand. Column names are the headers
// those tools write (checked against their documented exports); consent is never part of a preset:
// what people agreed to, and for which channel, is the importer's to state (topics + attestation).

/** One built-in mapping: its id (`preset:<key>`), a name, what it reads, and a note for the form. */
export interface MappingPreset {
  key: string;
  name: string;
  mapping: Record<string, unknown>;
  note: string;
}

/** Shopify (Customers → Export), HubSpot (contacts export) and Google Contacts (Export → Google CSV). */
export const MAPPING_PRESETS: readonly MappingPreset[] = [
  {
    key: 'shopify-customers',
    name: 'Shopify customers',
    mapping: { phone: 'Phone', name: ['First Name', 'Last Name'], country: 'Default Address Country Code', tags: 'Tags', tags_separator: ',' },
    note: '"Accepts SMS Marketing" and "Accepts Email Marketing" are consent to SMS and email, not WhatsApp: use topics.consent_column only if the wording people agreed to named WhatsApp.',
  },
  {
    key: 'hubspot-contacts',
    name: 'HubSpot contacts',
    mapping: { phone: 'Phone Number', name: ['First Name', 'Last Name'] },
    note: 'HubSpot\'s "Marketing contact status" is not WhatsApp consent.',
  },
  {
    key: 'google-contacts',
    name: 'Google Contacts',
    mapping: { phone: 'Phone 1 - Value', name: ['First Name', 'Middle Name', 'Last Name'], tags: 'Labels', tags_separator: ' ::: ' },
    note: 'Google Contacts holds no consent: import contacts without topics, then ask them to opt in.',
  },
];
