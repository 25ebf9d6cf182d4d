import type { ProfileOrganization } from '@usersync/core/http-contract';
import { ProfileAvatar } from '../../users/components/profile-avatar.tsx';

/** Clerk's role keys carry an `org:` prefix (`org:admin`); people read the rest. */
function roleLabel(role: string): string {
  return role.startsWith('org:') ? role.slice(4) : role;
}

/** The organizations the signed-in user belongs to, as our database knows them, with their role. */
export function OrganizationsCard(props: { organizations: ProfileOrganization[] }) {
  const { organizations } = props;
  return (
    <section className="card organizations-card" aria-labelledby="organizations-card-title">
      <h2 id="organizations-card-title">Organizations</h2>
      {organizations.length === 0 ? (
        <p className="muted">You are not a member of any organization.</p>
      ) : (
        <ul className="organization-list">
          {organizations.map((organization) => (
            <li key={organization.id} className="organization-item">
              <ProfileAvatar imageUrl={organization.imageUrl} name={organization.name} size="medium" />
              <span className="organization-identity">
                <span className="organization-name">{organization.name}</span>
                {organization.slug && <span className="organization-slug muted">{organization.slug}</span>}
              </span>
              <span className="badge badge-neutral" title={organization.role}>
                {roleLabel(organization.role)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
