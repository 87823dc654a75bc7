// The authorizer until RBAC lands: every authenticated user may do everything.
// Kept behind the Authorizer interface so RBAC replaces it without touching the request path.

import type { Authorizer } from './types.js';

export const alwaysAllow: Authorizer = {
  authorize: () => ({ allowed: true }),
};
