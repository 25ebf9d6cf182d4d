import type { MutationState } from '../api/use-mutation.ts';

/**
 * The button of an admin action (replay, resync, role change): disabled and relabelled while the
 * action runs, so it cannot be sent twice.
 */
export function ActionButton(props: {
  state: MutationState<unknown>;
  label: string;
  runningLabel: string;
  onClick: () => void;
  variant: 'primary' | 'secondary';
  disabled?: boolean;
  autoFocus?: boolean;
}) {
  const running = props.state.status === 'running';
  return (
    <button
      type="button"
      className={`button button-${props.variant}`}
      onClick={props.onClick}
      disabled={running || props.disabled}
      {...(props.autoFocus && { 'data-autofocus': '' })}
    >
      {running ? props.runningLabel : props.label}
    </button>
  );
}
