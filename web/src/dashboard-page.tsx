import { useState } from 'react';
import { getWorkspace, logOut, type Me } from './api-client';
import { WorkspaceSwitcher } from './workspace-switcher';
import { ApiKeysSection } from './api-keys-section';
import { AuditLogSection } from './audit-log-section';
import { AutomationsSection } from './automations-section';
import { AutoRepliesSection } from './auto-replies-section';
import { BroadcastsSection } from './broadcasts-section';
import { ContactsSection } from './contacts-section';
import { ImportsSection } from './imports-section';
import { InboxSection } from './inbox-section';
import { OptinSourcesSection } from './optin-sources-section';
import { OptOutReviewSection } from './opt-out-review-section';
import { OverviewSection } from './overview-section';
import { PhoneNumbersSection } from './phone-numbers-section';
import { PreferenceCentreSection } from './preference-centre-section';
import { SegmentsSection } from './segments-section';
import { canManageWorkspace } from './settings-api';
import { SettingsSection } from './settings-section';
import { TemplatesSection } from './templates-section';
import { TopicsSection } from './topics-section';
import { useResource } from './use-resource';
import { WebhooksSection } from './webhooks-section';
import { PermissionsProvider } from './permissions';

const SECTIONS = [
  { id: 'overview', label: 'Overview' },
  { id: 'contacts', label: 'Contacts' },
  { id: 'imports', label: 'Imports' },
  { id: 'topics', label: 'Topics' },
  { id: 'optin-sources', label: 'Opt-in sources' },
  { id: 'opt-out-review', label: 'Opt-out review' },
  { id: 'preferences', label: 'Preference centre' },
  { id: 'inbox', label: 'Inbox' },
  { id: 'auto-replies', label: 'Auto-replies' },
  { id: 'segments', label: 'Segments' },
  { id: 'broadcasts', label: 'Broadcasts' },
  { id: 'automations', label: 'Automations' },
  { id: 'templates', label: 'Templates' },
  { id: 'phone-numbers', label: 'Phone numbers' },
  { id: 'api-keys', label: 'API keys' },
  { id: 'webhooks', label: 'Webhooks' },
  { id: 'audit-log', label: 'Audit log' },
  { id: 'settings', label: 'Settings' },
] as const;
type SectionId = (typeof SECTIONS)[number]['id'];
// Tabs whose every call needs an owner or admin (the API answers 403 to other roles): not shown to them.
// Tabs whose every control needs workspace:manage (outbound webhooks and shops are set up by owners and admins).
const MANAGER_ONLY: readonly SectionId[] = ['api-keys', 'webhooks', 'audit-log'];

/** The broadcast a `#broadcasts/<id>` address names (the Overview's links, opened in a new tab). */
function broadcastInHash(): string | undefined {
  const m = /^#broadcasts\/([^/]+)$/.exec(window.location.hash);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

/** The signed-in shell: workspace name (with a switcher when the login has several workspaces), logout, and the Overview / Contacts / Imports / Topics / Opt-in sources / Opt-out review / Preference centre / Inbox / Auto-replies / Segments / Broadcasts / Automations / Templates / Phone numbers / Webhooks / API keys / Audit log / Settings sections (API keys and Audit log for owners and admins only). */
export function DashboardPage({ me, onLoggedOut }: { me: Me; onLoggedOut: () => void }) {
  const workspace = useResource(getWorkspace);
  // A broadcast the Overview asked to open in the Broadcasts tab.
  const [openBroadcastId, setOpenBroadcastId] = useState<string | undefined>(broadcastInHash);
  const [section, setSection] = useState<SectionId>(openBroadcastId ? 'broadcasts' : 'overview');
  const [logoutError, setLogoutError] = useState<string>();
  // A conversation the Contacts tab's timeline asked to open in the Inbox.
  const [openConversationId, setOpenConversationId] = useState<string>();

  async function logout() {
    try {
      await logOut();
      onLoggedOut();
    } catch (err) {
      setLogoutError(err instanceof Error ? err.message : String(err));
    }
  }

  function openSection(id: SectionId) {
    setOpenBroadcastId(undefined);
    setOpenConversationId(undefined);
    setSection(id);
  }

  function showConversation(id: string) {
    setOpenConversationId(id);
    setSection('inbox');
  }

  function showBroadcast(id: string) {
    setOpenBroadcastId(id);
    setSection('broadcasts');
  }

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">Greenlist</span>
        <span className="workspace-name" data-testid="workspace-name">
          {workspace.data?.name ?? workspace.error ?? '…'}
        </span>
        <WorkspaceSwitcher />
        <span className="muted role">{me.actor.role}</span>
        <button type="button" className="secondary" onClick={logout}>
          Log out
        </button>
      </header>
      {logoutError && (
        <p className="error" role="alert">
          {logoutError}
        </p>
      )}
      <nav className="tabs" aria-label="Sections">
        {SECTIONS.filter((s) => canManageWorkspace(me.actor.role) || !MANAGER_ONLY.includes(s.id)).map((s) => (
          <button key={s.id} type="button" className="tab" aria-current={section === s.id ? 'page' : undefined} onClick={() => openSection(s.id)}>
            {s.label}
          </button>
        ))}
      </nav>
      {/* On a phone the eighteen tabs would take half the screen: a menu takes their place (styles.css). */}
      <div className="tabs-menu">
        <label htmlFor="section-menu">Section</label>
        <select id="section-menu" value={section} onChange={(e) => openSection(e.target.value as SectionId)}>
          {SECTIONS.filter((s) => canManageWorkspace(me.actor.role) || !MANAGER_ONLY.includes(s.id)).map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <main className="content">
        <PermissionsProvider permissions={me.permissions}>
        {section === 'overview' && <OverviewSection role={me.actor.role} workspace={workspace} onOpenBroadcast={showBroadcast} onOpenSection={openSection} />}
        {section === 'contacts' && <ContactsSection onOpenConversation={showConversation} />}
        {section === 'imports' && <ImportsSection me={me} />}
        {section === 'topics' && <TopicsSection role={me.actor.role} />}
        {section === 'optin-sources' && <OptinSourcesSection me={me} />}
        {section === 'opt-out-review' && <OptOutReviewSection />}
        {section === 'preferences' && <PreferenceCentreSection />}
        {section === 'inbox' && <InboxSection me={me} openConversationId={openConversationId} />}
        {section === 'auto-replies' && <AutoRepliesSection />}
        {section === 'segments' && <SegmentsSection />}
        {section === 'broadcasts' && <BroadcastsSection openId={openBroadcastId} />}
        {section === 'automations' && <AutomationsSection />}
        {section === 'templates' && <TemplatesSection />}
        {section === 'phone-numbers' && <PhoneNumbersSection role={me.actor.role} />}
        {section === 'api-keys' && <ApiKeysSection />}
        {section === 'webhooks' && <WebhooksSection />}
        {section === 'audit-log' && <AuditLogSection />}
        {section === 'settings' && <SettingsSection me={me} onWorkspaceChanged={workspace.reload} />}
        </PermissionsProvider>
      </main>
    </div>
  );
}
