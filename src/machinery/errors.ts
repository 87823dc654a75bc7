// Errors that know their Kubernetes form. Handlers throw them; the API server turns every
// one into a meta/v1 Status response in a single place, so kubectl prints the same message
// it prints against a real cluster.

export const Reason = {
  BadRequest: 'BadRequest',
  Unauthorized: 'Unauthorized',
  Forbidden: 'Forbidden',
  NotFound: 'NotFound',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  Gone: 'Expired',
  Invalid: 'Invalid',
  MethodNotAllowed: 'MethodNotAllowed',
  NotAcceptable: 'NotAcceptable',
  UnsupportedMediaType: 'UnsupportedMediaType',
  RequestEntityTooLarge: 'RequestEntityTooLarge',
  TooManyRequests: 'TooManyRequests',
  InternalError: 'InternalError',
  Timeout: 'Timeout',
  ServiceUnavailable: 'ServiceUnavailable',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

/** One field cause of an Invalid error, as in metav1.StatusCause. */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

/** The GroupResource an error is about: `deployments.apps`, `pods`. */
export interface QualifiedResource {
  group: string;
  resource: string;
  kind?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: Reason | string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'StatusError';
  }

  toStatus(): Status {
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      code: this.code,
    };
    // Go leaves an unknown (empty) reason out of the Status.
    if (this.reason) status.reason = this.reason;
    if (this.details) status.details = this.details;
    return status;
  }
}

export function isStatusError(e: unknown, reason?: string): e is StatusError {
  return e instanceof StatusError && (reason === undefined || e.reason === reason);
}

function groupResource(qr: QualifiedResource): string {
  return qr.group ? `${qr.resource}.${qr.group}` : qr.resource;
}

export function notFound(qr: QualifiedResource, name: string): StatusError {
  return new StatusError(404, Reason.NotFound, `${groupResource(qr)} "${name}" not found`, {
    name,
    group: qr.group || undefined,
    kind: qr.resource,
  });
}

export function alreadyExists(qr: QualifiedResource, name: string): StatusError {
  return new StatusError(409, Reason.AlreadyExists, `${groupResource(qr)} "${name}" already exists`, {
    name,
    group: qr.group || undefined,
    kind: qr.resource,
  });
}

export function conflict(qr: QualifiedResource, name: string, why: string): StatusError {
  return new StatusError(
    409,
    Reason.Conflict,
    `Operation cannot be fulfilled on ${groupResource(qr)} "${name}": ${why}`,
    { name, group: qr.group || undefined, kind: qr.resource },
  );
}

export function badRequest(message: string): StatusError {
  return new StatusError(400, Reason.BadRequest, message);
}

export function forbidden(qr: QualifiedResource, name: string, why: string): StatusError {
  const what = name ? `${groupResource(qr)} "${name}"` : groupResource(qr);
  return new StatusError(403, Reason.Forbidden, `${what} is forbidden: ${why}`, {
    name: name || undefined,
    group: qr.group || undefined,
    kind: qr.resource,
  });
}

export function gone(message = 'too old resource version'): StatusError {
  return new StatusError(410, Reason.Gone, message);
}

export function methodNotAllowed(message = 'the server does not allow this method on the requested resource'): StatusError {
  return new StatusError(405, Reason.MethodNotAllowed, message);
}

export function internalError(message: string): StatusError {
  return new StatusError(500, Reason.InternalError, `Internal error occurred: ${message}`);
}

/** Kinds of field error, as in k8s.io/apimachinery/pkg/util/validation/field. */
export const FieldErrorType = {
  Required: 'FieldValueRequired',
  Invalid: 'FieldValueInvalid',
  NotSupported: 'FieldValueNotSupported',
  Duplicate: 'FieldValueDuplicate',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  NotFound: 'FieldValueNotFound',
  TypeInvalid: 'FieldValueTypeInvalid',
  Internal: 'InternalError',
} as const;
export type FieldErrorType = (typeof FieldErrorType)[keyof typeof FieldErrorType];

/** A validation error on one field; renders exactly as Kubernetes' field.Error does. */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  /** The bad value, when the message shows one. */
  value?: unknown;
  detail?: string;
  /** Set when `value` is meaningful even if undefined (Invalid "" vs omitted). */
  hasValue?: boolean;
}

/** A value shown verbatim in a field error, for Go-formatted values such as `[]string{"a"}`. */
export class GoLiteral {
  constructor(readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
}

/** Go's %#v of a []string, as Kubernetes prints list values in some errors. */
export function goStringSlice(values: string[]): GoLiteral {
  return new GoLiteral(`[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`);
}

function renderValue(v: unknown): string {
  if (v instanceof GoLiteral) return v.text;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  // Go prints %#v (with Go type names) here; JSON is the readable stand-in. Validators that know
  // the Go form pass a GoLiteral.
  return JSON.stringify(v);
}

/** The message of one field error, without the field prefix. */
export function fieldErrorBody(e: FieldError): string {
  switch (e.type) {
    case FieldErrorType.Required:
      return `Required value${e.detail ? `: ${e.detail}` : ''}`;
    case FieldErrorType.Forbidden:
      return `Forbidden${e.detail ? `: ${e.detail}` : ''}`;
    case FieldErrorType.Duplicate:
      return `Duplicate value: ${renderValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
    case FieldErrorType.NotFound:
      return `Not found: ${renderValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
    case FieldErrorType.TooLong:
      return `Too long: ${e.detail ?? ''}`.trimEnd();
    case FieldErrorType.TooMany:
      return `Too many: ${e.value === undefined ? '' : `${renderValue(e.value)}: `}${e.detail ?? ''}`.trimEnd();
    case FieldErrorType.Internal:
      return `Internal error: ${e.detail ?? ''}`;
    case FieldErrorType.NotSupported:
      return `Unsupported value: ${renderValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
    case FieldErrorType.TypeInvalid:
      return `Invalid value: ${renderValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
    case FieldErrorType.Invalid:
    default:
      // An Invalid error made without a value (hasValue: false) prints none, as Go's OmitValue does.
      if (e.hasValue === false) return `Invalid value${e.detail ? `: ${e.detail}` : ''}`;
      return `Invalid value: ${renderValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
  }
}

export function fieldErrorMessage(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/** Field error constructors, named as in the Go package. */
export const field = {
  required: (path: string, detail = ''): FieldError => ({ type: FieldErrorType.Required, field: path, detail }),
  invalid: (path: string, value: unknown, detail = ''): FieldError => ({
    type: FieldErrorType.Invalid,
    field: path,
    value,
    detail,
    hasValue: true,
  }),
  notSupported: (path: string, value: unknown, valid: string[]): FieldError => ({
    type: FieldErrorType.NotSupported,
    field: path,
    value,
    detail: valid.length ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` : '',
    hasValue: true,
  }),
  duplicate: (path: string, value: unknown): FieldError => ({
    type: FieldErrorType.Duplicate,
    field: path,
    value,
    hasValue: true,
  }),
  forbidden: (path: string, detail: string): FieldError => ({ type: FieldErrorType.Forbidden, field: path, detail }),
  tooLong: (path: string, value: unknown, max: number): FieldError => ({
    type: FieldErrorType.TooLong,
    field: path,
    value,
    detail: `may not be more than ${max} bytes`,
  }),
  tooMany: (path: string, actual: number, max: number): FieldError => ({
    type: FieldErrorType.TooMany,
    field: path,
    value: actual,
    detail: `must have at most ${max} items`,
  }),
  notFound: (path: string, value: unknown): FieldError => ({ type: FieldErrorType.NotFound, field: path, value }),
  typeInvalid: (path: string, value: unknown, detail: string): FieldError => ({
    type: FieldErrorType.TypeInvalid,
    field: path,
    value,
    detail,
    hasValue: true,
  }),
};

/**
 * 422 Invalid, in the exact wording of apierrors.NewInvalid:
 * `Deployment.apps "x" is invalid: [a: Required value, b: Invalid value: ...]`.
 */
export function invalid(kind: string, group: string, name: string, errors: FieldError[]): StatusError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const messages = errors.map(fieldErrorMessage);
  const unique = [...new Set(messages)];
  const summary = unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
  return new StatusError(422, Reason.Invalid, `${qualifiedKind} "${name}" is invalid: ${summary}`, {
    name,
    group: group || undefined,
    kind,
    causes: errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field })),
  });
}
