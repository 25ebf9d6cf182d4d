import { useState } from 'react';

/** The user's picture, or their initials when there is none or it fails to load. */
export function ProfileAvatar(props: { imageUrl: string | null; name: string; size?: 'medium' | 'large' }) {
  const [failed, setFailed] = useState(false);
  const initials =
    props.name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((part) => part[0]?.toUpperCase())
      .join('') || '?';
  const className = `avatar avatar-${props.size ?? 'large'}`;
  if (props.imageUrl && !failed) {
    return (
      <img
        className={className}
        src={props.imageUrl}
        alt=""
        width={72}
        height={72}
        referrerPolicy="no-referrer"
        onError={() => setFailed(true)}
      />
    );
  }
  return (
    <span className={`${className} avatar-initials`} aria-hidden="true">
      {initials}
    </span>
  );
}
