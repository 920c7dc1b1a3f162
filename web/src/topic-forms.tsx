import { useState } from 'react';
import type { Topic } from './api-client';
import { SelectField, TextAreaField } from './field-controls';
import { SettingInput, SettingsCard, useSave } from './settings-form-parts';
import { createTopic, TOPIC_CATEGORIES, updateTopic, type TopicBody } from './topics-api';

const CATEGORY_OPTIONS = TOPIC_CATEGORIES.map((c) => ({ value: c, label: c === 'marketing' ? 'Marketing (offers, news)' : 'Utility (orders, bookings, service updates)' }));

/** Creates a topic: key, name, category, description and the frequency promised; calls `onCreated` with it. */
export function TopicCreateForm({ onCreated }: { onCreated: (t: Topic) => void }) {
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const [category, setCategory] = useState<TopicBody['category']>('marketing');
  const [description, setDescription] = useState('');
  const [frequency, setFrequency] = useState('');
  const state = useSave(async () => {
    const created = await createTopic({ key, name, category, ...(description.trim() ? { description } : {}), ...(frequency.trim() ? { frequency } : {}) });
    setKey('');
    setName('');
    setDescription('');
    setFrequency('');
    onCreated(created);
  });
  const { errors } = state;
  return (
    <SettingsCard
      title="New topic"
      submitLabel="Create topic"
      canEdit
      state={state}
      claimed={['key', 'name', 'category', 'description', 'frequency']}
      description="A topic is one kind of message people can say yes to, e.g. weekly offers or order updates."
    >
      <SettingInput id="topic-key" label="Key" field="key" errors={errors} value={key} onChange={setKey} placeholder="offers" hint="Short code used by the API and imports: lowercase letters, digits, _ or -. It cannot change later." />
      <SettingInput id="topic-name" label="Name" field="name" errors={errors} value={name} onChange={setName} placeholder="Weekly offers" hint="What people see when they choose what to receive." />
      <SelectField id="topic-category" label="Category" field="category" errors={errors} value={category} options={CATEGORY_OPTIONS} onChange={setCategory} hint="Marketing messages need marketing consent; it cannot change later." />
      <TextAreaField id="topic-description" label="Description (optional)" field="description" errors={errors} value={description} onChange={setDescription} maxLength={1000} />
      <SettingInput id="topic-frequency" label="Frequency promised (optional)" field="frequency" errors={errors} value={frequency} onChange={setFrequency} placeholder="at most 2 messages a week" />
    </SettingsCard>
  );
}

/** Changes a topic's name, description and frequency; its key and category are shown but fixed. */
export function TopicEditForm({ topic, onSaved, onClose }: { topic: Topic; onSaved: (t: Topic) => void; onClose: () => void }) {
  const [name, setName] = useState(topic.name);
  const [description, setDescription] = useState(topic.description ?? '');
  const [frequency, setFrequency] = useState(topic.frequency ?? '');
  const state = useSave(async () => onSaved(await updateTopic(topic.id, { name, description: description.trim() ? description : null, frequency: frequency.trim() ? frequency : null })));
  const { errors } = state;
  return (
    <div className="topic-edit">
      <SettingsCard
        title={`Edit topic ${topic.key}`}
        submitLabel="Save topic"
        canEdit
        state={state}
        claimed={['name', 'description', 'frequency']}
        description={
          <>
            Key <code>{topic.key}</code> and category <strong>{topic.category}</strong> stay as they are: people gave their consent to them.
          </>
        }
      >
        <SettingInput id="topic-edit-name" label="Name" field="name" errors={errors} value={name} onChange={setName} />
        <TextAreaField id="topic-edit-description" label="Description" field="description" errors={errors} value={description} onChange={setDescription} maxLength={1000} />
        <SettingInput id="topic-edit-frequency" label="Frequency promised" field="frequency" errors={errors} value={frequency} onChange={setFrequency} />
      </SettingsCard>
      <button type="button" className="secondary" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
