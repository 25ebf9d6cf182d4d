import { useState } from 'react';
import { useChangeRole } from '../api/change-role.ts';
import { ActionButton } from './action-button.tsx';
import { Dialog } from './dialog.tsx';
import { describeActionError } from './query-error.tsx';

/** Choose a role, then confirm: the role changes in the database and in the user's Clerk public_metadata. */
export function RoleChangeDialog(props: {
  clerkId: string;
  name: string;
  currentRole: string;
  roles: string[];
  onClose: () => void;
  onChanged: () => void;
}) {
  const [role, setRole] = useState(props.currentRole);
  const [confirming, setConfirming] = useState(false);
  const change = useChangeRole();

  async function onConfirm() {
    if (await change.run(props.clerkId, role)) {
      props.onChanged();
      props.onClose();
    }
  }

  return (
    <Dialog title={`Change the role of ${props.name}`} onClose={props.onClose}>
      {!confirming ? (
        <form
          className="dialog-body"
          onSubmit={(event) => {
            event.preventDefault();
            setConfirming(true);
          }}
        >
          <label className="field">
            <span>Role</span>
            <select value={role} onChange={(event) => setRole(event.target.value)} data-autofocus="">
              {props.roles.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
          <div className="dialog-actions">
            <button type="button" className="button button-ghost" onClick={props.onClose}>
              Cancel
            </button>
            <button type="submit" className="button button-primary" disabled={role === props.currentRole}>
              Continue
            </button>
          </div>
        </form>
      ) : (
        <div className="dialog-body">
          <p>
            Change <strong>{props.name}</strong> from <strong>{props.currentRole}</strong> to{' '}
            <strong>{role}</strong>? The role is also written to their Clerk <code>public_metadata.role</code>
            ; their session token shows it after its next refresh.
          </p>
          {change.state.status === 'error' && (
            <p role="alert" className="action-error">
              {describeActionError(change.state.error)}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" className="button button-ghost" onClick={() => setConfirming(false)}>
              Back
            </button>
            <ActionButton
              variant="primary"
              state={change.state}
              label={`Make ${role}`}
              runningLabel="Changing…"
              onClick={onConfirm}
              autoFocus
            />
          </div>
        </div>
      )}
    </Dialog>
  );
}
