export function Spinner(props: { size?: 'small' | 'large' }) {
  return <span className={`spinner spinner-${props.size ?? 'small'}`} aria-hidden="true" />;
}
