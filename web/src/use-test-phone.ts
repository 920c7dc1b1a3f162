import { getWorkspace, listContacts, listPhoneNumbers } from './api-client';
import { useResource } from './use-resource';

/** A phone to try an automation with, and why it was chosen; `sandbox` when it sends through the WhatsApp simulator. */
export interface TestPhone {
  sandbox: boolean;
  phone?: string;
  /** 'test-number': the workspace's first test number; 'contact': in the sandbox, the newest contact who agreed to the topic. */
  from?: 'test-number' | 'contact';
  name?: string | null;
}

async function suggestTestPhone(topic: string, numberId: string | undefined): Promise<TestPhone> {
  const [numbers, workspace] = await Promise.all([listPhoneNumbers(), getWorkspace()]);
  const number = numberId ? numbers.data.find((n) => n.id === numberId) : numbers.data.length === 1 ? numbers.data[0] : undefined;
  const sandbox = number?.is_sandbox ?? false;
  const testNumbers = (workspace.settings as { broadcasts?: { test_numbers?: string[] } }).broadcasts?.test_numbers ?? [];
  if (testNumbers[0]) return { sandbox, phone: testNumbers[0], from: 'test-number' };
  // Only in the sandbox is any contact a fine target: its messages go to the simulator, not to a real phone.
  if (!sandbox || !topic) return { sandbox };
  const contact = (await listContacts({ topic, consent: 'granted' }, undefined, 1)).data[0];
  return contact?.phone ? { sandbox, phone: contact.phone, from: 'contact', name: contact.name } : { sandbox };
}

/** What to fill the test-run phone with: the team's test number, or (sandbox only) a contact who agreed to the topic. */
export function useTestPhone(topic: string, numberId: string | undefined) {
  return useResource(() => suggestTestPhone(topic, numberId), `${topic}/${numberId ?? ''}`);
}
