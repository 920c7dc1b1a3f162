import { useState } from 'react';
import { ROLES, type Me, type Role } from './api-client';
import { canAssignRole, createUser, fieldErrorsOf, listUsers, updateUser, type FieldErrors, type User } from './settings-api';
import { SettingInput, SettingsCard, useSave } from './settings-form-parts';
import { useResource } from './use-resource';

const CLAIMED = ['email', 'name', 'role', 'password'] as const;

/** Adds a user with a role; without a password they cannot log in until one is set. */
function AddUserForm({ me, onAdded }: { me: Me; onAdded: () => void }) {
  const roles = ROLES.filter((r) => canAssignRole(me.actor.role, r));
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const state = useSave(async () => {
    await createUser({ email: email.trim(), name: name.trim(), role, ...(password ? { password } : {}) });
    setEmail('');
    setName('');
    setPassword('');
    onAdded();
  });
  const roleError = state.errors.byField.role;
  return (
    <SettingsCard title="Add a user" submitLabel="Add user" canEdit state={state} claimed={CLAIMED}>
      <SettingInput id="user-email" label="Email" type="email" field="email" errors={state.errors} value={email} onChange={setEmail} autoComplete="off" />
      <SettingInput id="user-name" label="Name" field="name" errors={state.errors} value={name} onChange={setName} />
      <div className="field">
        <label htmlFor="user-role">Role</label>
        <select id="user-role" value={role} onChange={(e) => setRole(e.target.value as Role)} aria-invalid={roleError ? true : undefined}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        {roleError && <p className="error field-error">{roleError}</p>}
      </div>
      <SettingInput id="user-password" label="Password (optional)" type="password" field="password" errors={state.errors} value={password} onChange={setPassword} autoComplete="new-password" hint="at least 12 characters; without one the user cannot log in until it is set" />
    </SettingsCard>
  );
}

/** One user: role and state, with a role picker and deactivate/reactivate where the signed-in user may change them. */
function UserRow({ me, user, onChanged }: { me: Me; user: User; onChanged: () => void }) {
  const [error, setError] = useState<FieldErrors>();
  const mayChange = user.id !== me.actor.id && canAssignRole(me.actor.role, user.role);
  async function change(body: { role?: Role; disabled?: boolean }) {
    setError(undefined);
    try {
      await updateUser(user.id, body);
      onChanged();
    } catch (err) {
      setError(fieldErrorsOf(err));
    }
  }
  const message = error ? (error.general ?? Object.values(error.byField).join('; ')) : undefined;
  return (
    <tr data-testid="user-row">
      <td>
        {user.name || user.email}
        {user.name && <div className="muted small">{user.email}</div>}
      </td>
      <td>
        {mayChange ? (
          <select aria-label={`Role of ${user.email}`} value={user.role} onChange={(e) => void change({ role: e.target.value as Role })}>
            {ROLES.filter((r) => canAssignRole(me.actor.role, r)).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        ) : (
          user.role
        )}
      </td>
      <td>{user.disabled ? 'Deactivated' : 'Active'}</td>
      <td>
        {mayChange && (
          <button type="button" className={user.disabled ? 'secondary' : 'danger'} onClick={() => void change({ disabled: !user.disabled })}>
            {user.disabled ? 'Reactivate' : 'Deactivate'} <span className="visually-hidden">{user.email}</span>
          </button>
        )}
        {message && (
          <p className="error" role="alert">
            {message}
          </p>
        )}
      </td>
    </tr>
  );
}

/** The team: every user with their role; owners and admins add users, change roles and deactivate (ending their sessions and keys). */
export function TeamSection({ me }: { me: Me }) {
  const users = useResource(listUsers);
  return (
    <section aria-labelledby="team-title" className="team">
      <h3 id="team-title">Team</h3>
      <p className="muted">Deactivating a user ends their sessions and revokes the API keys they created. Nobody can give a role above their own; only owners make owners.</p>
      {users.error && (
        <p className="error" role="alert">
          {users.error}
        </p>
      )}
      {users.data && (
        <div className="table-wrap">
          <table aria-label="Users" className="users-table">
            <thead>
              <tr>
                <th>User</th>
                <th>Role</th>
                <th>State</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.data.map((u) => (
                <UserRow key={`${u.id}:${u.updated_at}`} me={me} user={u} onChanged={users.reload} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <AddUserForm me={me} onAdded={users.reload} />
    </section>
  );
}
