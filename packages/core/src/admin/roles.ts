// The role rules are configuration (ROLES, ADMIN_EMAILS): they live in packages/config/src/roles.ts.
export { ADMIN_ROLE, DEFAULT_ROLES, parseEmailList, parseRoleList } from '@usersync/config';
