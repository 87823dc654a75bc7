// The Status errors a Kubernetes 1.32 API server answers a failed PATCH with. Which code a
// failure gets, and whether its message survives, follows staging/.../handlers/patch.go:
// decoding problems are 400 with the decoder's message; a JSON patch operation that fails, and
// the few strategic-merge failures Kubernetes maps to 422, become a generic 422 whose message
// is fixed (kubectl prints "The request is invalid: the server rejected our request due to an
// error in our request"); every other strategic-merge failure is a plain Go error, which the
// server reports as a 500 with no reason, so kubectl prints "Error from server: <message>".

import { Reason, StatusError } from '../../machinery/errors.js';

export const GENERIC_UNPROCESSABLE_MESSAGE = 'the server rejected our request due to an error in our request';

/** A patch that does not decode, or breaks a rule the server checks first: 400 BadRequest. */
export function patchBadRequest(message: string): StatusError {
  return new StatusError(400, Reason.BadRequest, message);
}

/**
 * apierrors.NewGenericServerResponse(422, ...): the detailed message is dropped from the
 * response (the server does that, not us); it stays readable as the error's `cause`.
 */
export function patchUnprocessable(detail: string): StatusError {
  const error = new StatusError(422, Reason.Invalid, GENERIC_UNPROCESSABLE_MESSAGE, {});
  Object.defineProperty(error, 'cause', { value: new Error(detail), enumerable: false });
  return error;
}

export function patchTooLarge(message: string): StatusError {
  return new StatusError(413, Reason.RequestEntityTooLarge, `Request entity too large: ${message}`);
}

/**
 * A plain Go error returned from the patch code, which the API server's error writer turns
 * into code 500 with StatusReasonUnknown (an empty reason). One place, so it is easy to
 * revisit if kubelite ever prefers a 4xx for these.
 */
export function patchPlainError(message: string): StatusError {
  return new StatusError(500, '', message);
}

/**
 * Where the Go patch code would panic (comparing two maps, nil dereferences on malformed
 * operations) the real server answers 500 "This request caused apiserver to panic". That is
 * not a message worth copying: every one of these is a malformed patch, so kubelite says so
 * with a 400 and the runtime error Go would have logged.
 */
export function patchPanic(detail: string): StatusError {
  return new StatusError(400, Reason.BadRequest, `the patch could not be applied: ${detail}`);
}
