import { useAuditLog } from '../../../features/admin/api/list-audit-log.ts';
import { AuditTable } from '../../../features/admin/components/audit-table.tsx';
import { AdminPage, PagedList } from '../../../features/admin/components/paged-list.tsx';

/** `/admin/audit`: every admin action (console, API, `usersync users set-role`, ADMIN_EMAILS). */
export function AdminAuditRoute() {
  const list = useAuditLog();
  return (
    <AdminPage title="Audit" heading="Audit" lede="Who did what, to whom, and when.">
      <PagedList label="Admin actions" what="the audit log" list={list}>
        {(items) => <AuditTable items={items} />}
      </PagedList>
    </AdminPage>
  );
}

export { AdminAuditRoute as Component };
