// ComponentStatus is computed and read-only (get and list); nothing a client writes.

import type { KindValidation } from './types.js';

export const componentStatusValidation: KindValidation = {
  nameRule: 'subdomain',
  validate: () => [],
};
