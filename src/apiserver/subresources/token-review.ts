// TokenReview (authentication.k8s.io/v1 tokenreviews, create only): answers whether a bearer
// token authenticates, as whom and for which audiences — through the API server's own
// authenticators, as pkg/registry/authentication/tokenreview does. Webhooks, vault and other
// resource servers ask this to trust service account tokens.

import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../../api/object.js';
import { StatusError, Reason, badRequest, internalError, methodNotAllowed } from '../../machinery/errors.js';
import { decodeBody, readBody } from '../body.js';
import { checkTypeMeta, type HandlerContext, type ResourceRequest } from '../handlers.js';
import { writeObject } from '../respond.js';
import type { Registry } from '../registry/registry.js';
import type { Authenticator, UserInfo } from '../auth/types.js';
import type { TokenAuthentication } from '../auth/service-account.js';

/** An authenticator that knows which audiences a token is for (service account tokens). */
export interface AudienceAwareTokenAuthenticator {
  review(token: string, audiences: string[]): Promise<TokenAuthentication>;
}

export interface TokenReviewerOptions {
  /** The audiences the API server answers to; a review with none asks for these. */
  apiAudiences: string[];
  /** Judges tokens for any audience. */
  audienceAware: AudienceAwareTokenAuthenticator[];
  /** The other request authenticators (static, bootstrap tokens): they answer for the API audiences only. */
  audienceAgnostic: Authenticator;
}

export interface TokenReviewStatus {
  authenticated?: boolean;
  user: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  audiences?: string[];
  error?: string;
}

/** Reviews a token: the first authenticator that takes it wins; refusals are reported as upstream's union does. */
export class TokenReviewer {
  constructor(private readonly o: TokenReviewerOptions) {}

  async review(token: string, requested: string[] | undefined): Promise<TokenReviewStatus> {
    const audiences = requested?.length ? requested : this.o.apiAudiences;
    const errors: string[] = [];
    let found: { user: UserInfo; audiences: string[] } | undefined;
    for (const a of this.o.audienceAware) {
      const r = await a.review(token, audiences);
      if (r.user) {
        found = r;
        break;
      }
      if (r.error) errors.push(r.error);
    }
    if (!found) {
      // Audience-agnostic credentials are good for the API server's audiences and no others.
      const implicit = this.o.apiAudiences.filter((a) => audiences.includes(a));
      const user = await this.o.audienceAgnostic.authenticate(bearerOnly(token));
      if (user && implicit.length) found = { user, audiences: implicit };
      else if (user) errors.push(`token audiences ${goQuote(this.o.apiAudiences)} is invalid for the target audiences ${goQuote(audiences)}`);
    }
    if (!found) return { user: {}, error: errors.length ? `[invalid bearer token, ${errors.join(', ')}]` : 'invalid bearer token' };
    if (!found.audiences.some((a) => audiences.includes(a))) throw internalError('error validating audiences');
    const user: TokenReviewStatus['user'] = { username: found.user.name };
    if (found.user.uid) user.uid = found.user.uid;
    user.groups = found.user.groups;
    if (found.user.extra && Object.keys(found.user.extra).length) user.extra = found.user.extra;
    return { authenticated: true, user, audiences: found.audiences };
  }
}

/** A request that carries nothing but the token, as upstream builds for its authenticators. */
function bearerOnly(token: string): IncomingMessage {
  return { headers: { authorization: `Bearer ${token}` }, socket: {} } as unknown as IncomingMessage;
}

function goQuote(values: string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;
}

const reviewers = new WeakMap<Registry, TokenReviewer>();

/** Makes the registry's API server answer TokenReviews with this reviewer (call once at start). */
export function setTokenReviewer(registry: Registry, reviewer: TokenReviewer): void {
  reviewers.set(registry, reviewer);
}

export async function handleTokenReview(_ctx: HandlerContext, r: ResourceRequest, registry: Registry): Promise<void> {
  if (r.info.verb !== 'create') throw methodNotAllowed();
  const review = checkTypeMeta(await decodeBody(await readBody(r.req), r.req.headers['content-type']), r.resource, r.info.version);
  const spec = (review.spec ?? {}) as { token?: string; audiences?: string[] };
  if (!spec.token) throw badRequest('token is required for TokenReview in authentication');
  const reviewer = reviewers.get(registry);
  if (!reviewer) throw new StatusError(503, Reason.ServiceUnavailable, 'the API server reviews no tokens');
  const status = await reviewer.review(spec.token, spec.audiences);
  const out: KubeObject = { ...review, metadata: { ...review.metadata, creationTimestamp: null }, status };
  writeObject(r.res, 201, out);
}
