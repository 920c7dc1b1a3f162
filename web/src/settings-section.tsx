import { getWorkspace, type Me } from './api-client';
import { getBusinessHours } from './auto-replies-api';
import { BusinessHoursForm } from './business-hours-form';
import { canManageWorkspace } from './settings-api';
import { ConversionsForm } from './settings-conversions-form';
import { ListsForm } from './settings-lists-form';
import { OptOutForm } from './settings-opt-out-form';
import { ProfileForm } from './settings-profile-form';
import { RateCardForm } from './settings-rate-card-form';
import { SendingForm } from './settings-sending-form';
import { TeamSection } from './team-section';
import { useResource } from './use-resource';

/**
 * The Settings tab: the business profile, sending rules, opt-out words and texts, list keeping, the
 * rate card, business hours and the team. Everyone may read the settings; only owners and admins
 * see the Save buttons and the team (the API answers 403 to the rest).
 */
export function SettingsSection({ me, onWorkspaceChanged }: { me: Me; onWorkspaceChanged: () => void }) {
  const workspace = useResource(getWorkspace);
  const canEdit = canManageWorkspace(me.actor.role);
  const hours = useResource(() => (canEdit ? getBusinessHours() : Promise.resolve(undefined)));
  const saved = () => {
    workspace.reload();
    onWorkspaceChanged();
  };
  // Keyed by the stored settings, so a save (which reloads) starts each form from what was stored.
  const key = workspace.data ? `${workspace.data.updated_at}` : 'loading';
  return (
    <section aria-labelledby="settings-title" className="settings">
      <div className="section-head">
        <h2 id="settings-title">Settings</h2>
      </div>
      {!canEdit && <p className="muted">You can read these settings; an owner or admin can change them.</p>}
      {workspace.error && (
        <p className="error" role="alert">
          {workspace.error}
        </p>
      )}
      {workspace.data && (
        <div className="settings-grid" key={key}>
          <ProfileForm workspace={workspace.data} canEdit={canEdit} onSaved={saved} />
          <SendingForm workspace={workspace.data} canEdit={canEdit} onSaved={saved} />
          <OptOutForm workspace={workspace.data} canEdit={canEdit} onSaved={saved} />
          <ListsForm workspace={workspace.data} canEdit={canEdit} onSaved={saved} />
          <RateCardForm workspace={workspace.data} canEdit={canEdit} onSaved={saved} />
          <ConversionsForm workspace={workspace.data} onSaved={saved} />
        </div>
      )}
      <p className="muted">The preference centre&apos;s keyword and page are set in the Preference centre tab; auto-replies in the Auto-replies tab.</p>
      {hours.data && <BusinessHoursForm key={JSON.stringify(hours.data)} hours={hours.data} onSaved={hours.reload} />}
      {canManageWorkspace(me.actor.role) && <TeamSection me={me} />}
    </section>
  );
}
