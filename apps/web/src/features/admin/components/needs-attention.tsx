import type { AdminOverview } from '@usersync/core/http-contract';
import { Link } from 'react-router-dom';
import { paths } from '../../../config/paths.ts';
import { formatDateTime, formatDuration } from '../format.ts';
import { DeliveryStatusBadge } from './status-badge.tsx';

const DAY = 24 * 3_600_000;

/** What an operator should look at now, each with the way to fix it. */
export function NeedsAttention(props: { overview: AdminOverview }) {
  const { deliveries, generatedAt } = props.overview;
  const { unrecovered, lag, lastDeliveryAt } = deliveries;
  const lagHigh = lag.p95Ms !== null && lag.p95Ms > lag.thresholdMs;
  const silent =
    !lastDeliveryAt || new Date(generatedAt).getTime() - new Date(lastDeliveryAt).getTime() > DAY;
  const clear = unrecovered.count === 0 && !lagHigh && !silent;

  return (
    <section className="card attention" aria-labelledby="attention-heading">
      <h2 id="attention-heading">Needs attention</h2>
      {clear ? (
        <p className="attention-clear">Nothing needs attention: deliveries arrive and are applied.</p>
      ) : (
        <ul className="attention-list">
          {unrecovered.count > 0 && (
            <li className="attention-item attention-danger">
              <strong>
                {unrecovered.count} {unrecovered.count === 1 ? 'delivery' : 'deliveries'} failed and not
                recovered
              </strong>
              <ul className="attention-deliveries">
                {unrecovered.latest.map((delivery) => (
                  <li key={delivery.svixId}>
                    <DeliveryStatusBadge status={delivery.status} />{' '}
                    <Link to={paths.admin.deliveries.getHref({ open: delivery.svixId })}>
                      {delivery.svixId}
                    </Link>{' '}
                    <span className="muted">
                      {delivery.type ?? 'unknown type'} · {formatDateTime(delivery.receivedAt)}
                      {delivery.error ? ` · ${delivery.error}` : ''}
                    </span>
                  </li>
                ))}
              </ul>
              <p className="attention-howto">
                Deliveries whose payload is stored can be replayed here (open one, then <em>Replay</em>). To
                have Clerk send them again, in Clerk’s dashboard go to{' '}
                <strong>Webhooks → your endpoint → Recover failed messages</strong> and recover since{' '}
                <strong>
                  <time dateTime={unrecovered.oldestAt ?? undefined}>
                    {formatDateTime(unrecovered.oldestAt)}
                  </time>
                </strong>{' '}
                (<code>{unrecovered.oldestAt}</code>).
              </p>
            </li>
          )}
          {lagHigh && (
            <li className="attention-item attention-warning">
              <strong>Processing lag is high:</strong> p95 {formatDuration(lag.p95Ms)} over the last hour
              (above {formatDuration(lag.thresholdMs)}). Check the API’s and the database’s load.
            </li>
          )}
          {silent && (
            <li className="attention-item attention-warning">
              <strong>No deliveries in the last 24 hours.</strong> If users signed up or changed their
              profile, check the endpoint URL and signing secret in Clerk’s dashboard (Webhooks).
            </li>
          )}
        </ul>
      )}
    </section>
  );
}
