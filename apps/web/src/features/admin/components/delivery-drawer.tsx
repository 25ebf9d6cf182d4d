import { useDelivery } from '../api/get-delivery.ts';
import { useReplayDelivery } from '../api/replay-delivery.ts';
import { formatDateTime } from '../format.ts';
import { ActionButton } from './action-button.tsx';
import { Dialog } from './dialog.tsx';
import { describeActionError, QueryError } from './query-error.tsx';
import { DeliveryStatusBadge } from './status-badge.tsx';

/** One delivery: facts, error, pretty-printed payload, replays, and the replay button. */
export function DeliveryDrawer(props: { svixId: string; onClose: () => void; onReplayed: () => void }) {
  const { state, reload } = useDelivery(props.svixId);
  const replay = useReplayDelivery();

  async function onReplay() {
    if (await replay.run(props.svixId)) {
      reload();
      props.onReplayed();
    }
  }

  return (
    <Dialog title={`Delivery ${props.svixId}`} onClose={props.onClose} variant="drawer">
      {state.status === 'pending' && (
        <section aria-busy="true" aria-label="Loading the delivery">
          <span className="skeleton skeleton-line" />
          <span className="skeleton skeleton-block" />
        </section>
      )}
      {state.status === 'error' && <QueryError what="the delivery" error={state.error} onRetry={reload} />}
      {state.status === 'success' && (
        <div className="drawer-body">
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <DeliveryStatusBadge status={state.data.status} />
            </dd>
            <dt>Type</dt>
            <dd>{state.data.type ?? '—'}</dd>
            <dt>Clerk user</dt>
            <dd>{state.data.clerkUserId ?? '—'}</dd>
            <dt>Source</dt>
            <dd>{state.data.source}</dd>
            <dt>Attempts</dt>
            <dd>{state.data.attempts}</dd>
            <dt>Received</dt>
            <dd>{formatDateTime(state.data.receivedAt)}</dd>
            <dt>Processed</dt>
            <dd>{formatDateTime(state.data.processedAt)}</dd>
          </dl>
          {state.data.error && (
            <>
              <h3>Error</h3>
              <pre className="code-block code-error">{state.data.error}</pre>
            </>
          )}
          <div className="drawer-actions">
            <ActionButton
              variant="primary"
              state={replay.state}
              label="Replay"
              runningLabel="Replaying…"
              onClick={onReplay}
              disabled={state.data.payload === null}
            />
            {state.data.payload === null && (
              <span className="muted">No payload stored: recover it from Clerk’s dashboard.</span>
            )}
          </div>
          <div aria-live="polite">
            {replay.state.status === 'success' && (
              <p className="action-result" role="status">
                Replayed: <DeliveryStatusBadge status={replay.state.data.status} />
                {replay.state.data.reason ? ` ${replay.state.data.reason}` : ''} (recorded as{' '}
                <code>{replay.state.data.svixId}</code>)
              </p>
            )}
            {replay.state.status === 'error' && (
              <p className="action-result action-error" role="alert">
                Replay failed: {describeActionError(replay.state.error)}
              </p>
            )}
          </div>
          {state.data.replays.length > 0 && (
            <>
              <h3>Replays</h3>
              <ul className="plain-list">
                {state.data.replays.map((r) => (
                  <li key={r.svixId}>
                    <DeliveryStatusBadge status={r.status} /> {formatDateTime(r.receivedAt)}
                  </li>
                ))}
              </ul>
            </>
          )}
          <h3>Payload</h3>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
          <section className="code-block" tabIndex={0} aria-label="Payload">
            <pre>
              {state.data.payload === null ? '(not stored)' : JSON.stringify(state.data.payload, null, 2)}
            </pre>
          </section>
        </div>
      )}
    </Dialog>
  );
}
