import type { AdminUserStatus, DeliveryStatus } from '@usersync/core/http-contract';

type Tone = 'success' | 'neutral' | 'warning' | 'danger';

export function deliveryTone(status: DeliveryStatus): Tone {
  switch (status) {
    case 'applied':
      return 'success';
    case 'duplicate':
    case 'stale':
    case 'ignored':
      return 'neutral';
    case 'received':
      return 'warning';
    case 'invalid':
    case 'failed':
      return 'danger';
    default: {
      const unknown: never = status;
      throw new Error(`unknown delivery status ${String(unknown)}`);
    }
  }
}

export function DeliveryStatusBadge(props: { status: DeliveryStatus }) {
  return <span className={`badge badge-${deliveryTone(props.status)}`}>{props.status}</span>;
}

export function UserStatusBadge(props: { status: AdminUserStatus }) {
  const tone: Tone =
    props.status === 'active' ? 'success' : props.status === 'deleted' ? 'danger' : 'warning';
  return <span className={`badge badge-${tone}`}>{props.status}</span>;
}
