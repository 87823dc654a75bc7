// Picks the representation of /openapi/v2 from an Accept header the way the API server's
// OpenAPI v2 handler does: clauses are ordered by q (then concrete types before wildcards),
// and the first clause that matches one of the offers, in the offers' order, wins. So
// `application/json, */*` and a missing header get JSON, and kubectl's
// `application/com.github.proto-openapi.spec.v2@v1.0+protobuf` gets protobuf.

export interface AcceptClause {
  type: string;
  subtype: string;
  q: number;
}

/** The clauses of an Accept header, best first; malformed media ranges are skipped. */
export function parseAccept(header: string): AcceptClause[] {
  const clauses: AcceptClause[] = [];
  for (const part of header.split(',')) {
    const [range, ...params] = part.trim().split(';');
    const slash = range.split('/');
    const type = slash[0].trim();
    let subtype: string;
    if (slash.length === 1 && type === '*') subtype = '*';
    else if (slash.length === 2) subtype = slash[1].trim();
    else continue;
    let q = 1;
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq < 0 || param.slice(0, eq).trim() !== 'q') continue;
      const parsed = Number.parseFloat(param.slice(eq + 1));
      q = Number.isNaN(parsed) ? 0 : parsed;
    }
    clauses.push({ type, subtype, q });
  }
  const rank = (c: AcceptClause): number => (c.type === '*' ? 2 : c.subtype === '*' ? 1 : 0);
  return clauses.sort((a, b) => b.q - a.q || rank(a) - rank(b));
}

/**
 * The first offer (`type/subtype`) the header admits, or undefined (406). A missing or empty
 * header admits anything.
 */
export function negotiate(accept: string | undefined, offers: readonly string[]): string | undefined {
  for (const clause of parseAccept(accept || '*/*')) {
    for (const offer of offers) {
      const [type, subtype] = offer.split('/');
      if ((clause.type === type || clause.type === '*') && (clause.subtype === subtype || clause.subtype === '*')) return offer;
    }
  }
  return undefined;
}
