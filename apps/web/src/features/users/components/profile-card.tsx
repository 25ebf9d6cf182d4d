import { displayName, type Profile } from '../types.ts';
import { ProfileAvatar } from './profile-avatar.tsx';

const memberSinceFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

/** Who the signed-in user is, as our database knows them. */
export function ProfileCard(props: { profile: Profile }) {
  const { profile } = props;
  const name = displayName(profile);
  const memberSince = new Date(profile.memberSince);
  return (
    <section className="card profile-card" aria-labelledby="profile-card-title">
      <div className="profile-card-header">
        <ProfileAvatar imageUrl={profile.imageUrl} name={name} />
        <div className="profile-card-identity">
          <h2 id="profile-card-title" className="profile-name">
            {name}
          </h2>
          {profile.username && <p className="profile-username">@{profile.username}</p>}
        </div>
      </div>
      <dl className="profile-facts">
        <div className="profile-fact">
          <dt>Email</dt>
          <dd>
            {profile.email ? (
              <>
                <span className="profile-email">{profile.email}</span>{' '}
                {profile.emailVerified ? (
                  <span className="badge badge-success">Verified</span>
                ) : (
                  <span className="badge badge-warning">Not verified</span>
                )}
              </>
            ) : (
              <span className="muted">No email address</span>
            )}
          </dd>
        </div>
        <div className="profile-fact">
          <dt>Role</dt>
          <dd>
            <span className="badge badge-neutral">{profile.role}</span>
          </dd>
        </div>
        <div className="profile-fact">
          <dt>Account ID</dt>
          <dd>
            <code className="profile-id">{profile.clerkId}</code>
          </dd>
        </div>
        <div className="profile-fact">
          <dt>Member since</dt>
          <dd>
            {Number.isNaN(memberSince.getTime()) ? (
              <span className="muted">Unknown</span>
            ) : (
              <time dateTime={profile.memberSince}>{memberSinceFormat.format(memberSince)}</time>
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}

/** Same footprint as the profile card, shown while it loads. */
export function ProfileCardSkeleton() {
  return (
    <section className="card profile-card" aria-busy="true" aria-label="Loading your profile">
      <div className="profile-card-header">
        <span className="avatar avatar-large skeleton" />
        <div className="profile-card-identity">
          <span className="skeleton skeleton-line skeleton-title" />
          <span className="skeleton skeleton-line" />
        </div>
      </div>
      <div className="profile-facts">
        <span className="skeleton skeleton-line" />
        <span className="skeleton skeleton-line" />
        <span className="skeleton skeleton-line" />
        <span className="skeleton skeleton-line" />
      </div>
    </section>
  );
}
