// ServiceAccount validation: only its metadata, which the registry checks.

import type { KindValidation } from './types.js';

export const serviceAccountValidation: KindValidation = {
  nameRule: 'subdomain',
  validate: () => [],
};
