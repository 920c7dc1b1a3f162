import { useRef, useState, type FormEvent } from 'react';
import { ApiError, listAttributes, listTopics } from './api-client';
import { AutomationTemplateFields, type TemplateRef } from './automation-template-fields';
import { sendReply, sendTyping, type ReplyBody } from './inbox-api';
import { CannedPicker } from './inbox-canned-picker';
import { listTemplates } from './templates-api';
import { useResource } from './use-resource';

type TemplateBody = Extract<ReplyBody, { type: 'template' }>['template'];

/** How often typing is announced while the agent keeps typing (WhatsApp's indicator lasts about 25 s). */
const TYPING_EVERY_MS = 10_000;

const messageOf = (err: unknown) => (err instanceof ApiError ? err.message : err instanceof Error ? err.message : String(err));

/**
 * The reply box: free-form text while the 24-hour window is open; an approved template with the
 * topic it is about (checked against the person's consent) when it is closed, or on demand.
 */
export function InboxComposer({ conversationId, windowOpen, cannedVersion, onSent }: { conversationId: string; windowOpen: boolean; cannedVersion: number; onSent: () => void }) {
  const [wantTemplate, setWantTemplate] = useState(false);
  const useTemplate = wantTemplate || !windowOpen;
  const [text, setText] = useState('');
  const [template, setTemplate] = useState<TemplateRef>({ name: '', language: '' });
  const [topic, setTopic] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState('');
  const typedAt = useRef(0);

  // Other agents see "replying", the person sees WhatsApp's typing indicator; best effort, at most every 10 s.
  function announceTyping() {
    if (Date.now() - typedAt.current < TYPING_EVERY_MS) return;
    typedAt.current = Date.now();
    sendTyping(conversationId).catch(() => undefined);
  }

  async function send(body: ReplyBody, done: () => void) {
    setBusy(true);
    setError(undefined);
    setStatus('');
    try {
      const out = await sendReply(conversationId, body);
      typedAt.current = 0;
      done();
      setStatus(out.status === 'failed' ? 'WhatsApp refused the message.' : 'Sent.');
      onSent();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  function sendText(e: FormEvent) {
    e.preventDefault();
    if (!text.trim()) return;
    void send({ type: 'text', text: text.trim() }, () => setText(''));
  }

  function sendTemplate(e: FormEvent) {
    e.preventDefault();
    if (!template.name) return setError('Choose an approved template.');
    if (!topic) return setError('Choose the topic the message is about.');
    // The API checks each variable's source and names the one it refuses.
    void send({ type: 'template', template: template as TemplateBody, topic }, () => setTemplate({ name: '', language: '' }));
  }

  return (
    <div className="inbox-composer" data-testid="composer">
      {useTemplate ? (
        <TemplateForm
          id={`reply-template-${conversationId}`}
          template={template}
          topic={topic}
          busy={busy}
          canWrite={windowOpen}
          onTemplate={setTemplate}
          onTopic={setTopic}
          onSubmit={sendTemplate}
          onWrite={() => setWantTemplate(false)}
        />
      ) : (
        <form className="inbox-reply" onSubmit={sendText}>
          <textarea
            aria-label="Reply"
            rows={2}
            value={text}
            placeholder="Write a reply…"
            onChange={(e) => {
              setText(e.target.value);
              setStatus('');
              if (e.target.value.trim()) announceTyping();
            }}
          />
          <div className="row">
            <CannedPicker
              conversationId={conversationId}
              version={cannedVersion}
              onPick={(t) => {
                setText((prev) => (prev.trim() ? `${prev.trimEnd()} ${t}` : t));
                setStatus('');
                announceTyping();
              }}
            />
            <button type="submit" disabled={busy || !text.trim()}>
              {busy ? 'Sending…' : 'Send'}
            </button>
            <button type="button" className="secondary" onClick={() => setWantTemplate(true)}>
              Send a template instead
            </button>
          </div>
        </form>
      )}
      {error && (
        <p className="error" role="alert" data-testid="composer-error">
          {error}
        </p>
      )}
      <p className="status-line small" role="status">
        {status}
      </p>
    </div>
  );
}

function TemplateForm(props: {
  id: string;
  template: TemplateRef;
  topic: string;
  busy: boolean;
  canWrite: boolean;
  onTemplate: (t: TemplateRef) => void;
  onTopic: (t: string) => void;
  onSubmit: (e: FormEvent) => void;
  onWrite: () => void;
}) {
  const templates = useResource(() => listTemplates({ status: 'APPROVED' }));
  const topics = useResource(listTopics);
  const attributes = useResource(listAttributes);
  const problem = templates.error ?? topics.error ?? attributes.error;
  return (
    <form className="inbox-template" onSubmit={props.onSubmit}>
      <AutomationTemplateFields
        id={props.id}
        label="Template"
        value={props.template}
        templates={templates.data?.data ?? []}
        attributes={attributes.data?.data ?? []}
        onChange={props.onTemplate}
      />
      <div className="field">
        <label htmlFor={`${props.id}-topic`}>Topic</label>
        <select id={`${props.id}-topic`} value={props.topic} onChange={(e) => props.onTopic(e.target.value)}>
          <option value="">Choose the topic it is about</option>
          {(topics.data?.data ?? []).map((t) => (
            <option key={t.key} value={t.key}>
              {`${t.name} · ${t.category}`}
            </option>
          ))}
        </select>
      </div>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <div className="row">
        <button type="submit" disabled={props.busy}>
          {props.busy ? 'Sending…' : 'Send template'}
        </button>
        {props.canWrite && (
          <button type="button" className="secondary" onClick={props.onWrite}>
            Write a message instead
          </button>
        )}
      </div>
    </form>
  );
}
