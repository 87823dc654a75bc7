// RoleBindings and ClusterRoleBindings: ROLE as Kind/name, and in wide form the bound
// USERS, GROUPS and SERVICEACCOUNTS. Roles and ClusterRoles have no printer of their own in
// Kubernetes; they use the default NAME / CREATED AT table.

import { ageCell, ageColumn, column, nameCell, nameColumn, wideColumn } from './columns.js';
import { apiDoc } from './api-doc.js';
import { list, str } from './json.js';
import type { ColumnDefinition, TablePrinter } from './types.js';

function bindingColumns(kind: 'roleBinding' | 'clusterRoleBinding'): ColumnDefinition[] {
  return [
    nameColumn,
    column('Role', 'string', kind === 'roleBinding' ? apiDoc['rbacv1beta1.RoleBinding.roleRef'] : apiDoc['rbacv1beta1.ClusterRoleBinding.roleRef']),
    ageColumn,
    wideColumn('Users', 'string', `Users in the ${kind}`),
    wideColumn('Groups', 'string', `Groups in the ${kind}`),
    wideColumn('ServiceAccounts', 'string', `ServiceAccounts in the ${kind}`),
  ];
}

function bindingRow(binding: unknown, now: number): unknown[] {
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const subject of list(binding, 'subjects')) {
    switch (str(subject, 'kind')) {
      case 'ServiceAccount':
        serviceAccounts.push(`${str(subject, 'namespace')}/${str(subject, 'name')}`);
        break;
      case 'User':
        users.push(str(subject, 'name'));
        break;
      case 'Group':
        groups.push(str(subject, 'name'));
        break;
    }
  }
  return [
    nameCell(binding),
    `${str(binding, 'roleRef', 'kind')}/${str(binding, 'roleRef', 'name')}`,
    ageCell(binding, now),
    users.join(', '),
    groups.join(', '),
    serviceAccounts.join(', '),
  ];
}

export const roleBindingPrinter: TablePrinter = {
  columns: bindingColumns('roleBinding'),
  row: (binding, { now }) => bindingRow(binding, now),
};

export const clusterRoleBindingPrinter: TablePrinter = {
  columns: bindingColumns('clusterRoleBinding'),
  row: (binding, { now }) => bindingRow(binding, now),
};
