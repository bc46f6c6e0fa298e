/**
 * Coder's JSON wire format: compact JSON with one trailing newline, `<`, `>` and `&` escaped as
 * Go's encoder does, and `Content-Type: application/json; charset=utf-8`.
 */

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

const GO_HTML_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
}

/** Serialises a value exactly as Go's `json.NewEncoder(w).Encode(v)` does. */
export function encodeJson(value: unknown): string {
  return finishGoJson(JSON.stringify(value))
}

/** Applies Go's HTML escaping to already serialised JSON and adds the encoder's newline. */
export function finishGoJson(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (ch) => GO_HTML_ESCAPES[ch] ?? ch) + '\n'
}

/** Builds a JSON response in Coder's format. */
export function jsonResponse(status: number, body: unknown, headers?: HeadersInit): Response {
  const response = new Response(encodeJson(body), { status, headers })
  response.headers.set('Content-Type', JSON_CONTENT_TYPE)
  return response
}

/** One entry of Coder's `validations` array. */
export interface ValidationError {
  field: string
  detail: string
}

/** Coder's `codersdk.Response`: `detail` and `validations` are left out when empty. */
export interface CoderResponse {
  message: string
  detail?: string
  validations?: ValidationError[]
}

/** Builds a `codersdk.Response` body, leaving out empty optional fields as Go's omitempty does. */
export function coderResponse(
  message: string,
  detail?: string,
  validations?: ValidationError[],
): CoderResponse {
  const body: CoderResponse = { message }
  if (detail) body.detail = detail
  if (validations && validations.length > 0) body.validations = validations
  return body
}
