// The identity the API server uses for its own writes (bootstrap objects, quota charges).

import type { UserInfo } from './types.js';

export const systemUser: UserInfo = { name: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] };
