/**
 * The `email` tag of go-playground/validator v10: `isEmail` matches `emailRegexString` from
 * regexes.go (unchanged across the v10 releases up to at least v10.27).
 *
 * Go's RE2 engine runs that expression in linear time, but a backtracking engine such as V8's
 * takes exponential time on it. For example, a quoted local part like `"aaaa…` without a closing
 * quote makes it try every way of splitting the run between two overlapping alternatives. So
 * requests are checked by {@link isGoPlaygroundEmail}, a linear scanner for the same language,
 * and the expression itself is kept verbatim for tests that compare the two on short inputs.
 */

/** `emailRegexString` exactly as written in go-playground/validator v10 regexes.go. */
export const GO_PLAYGROUND_EMAIL_REGEX_STRING =
  "^(?:(?:(?:(?:[a-zA-Z]|\\d|[!#\\$%&'\\*\\+\\-\\/=\\?\\^_`{\\|}~]|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])+(?:\\.([a-zA-Z]|\\d|[!#\\$%&'\\*\\+\\-\\/=\\?\\^_`{\\|}~]|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])+)*)|(?:(?:\\x22)(?:(?:(?:(?:\\x20|\\x09)*(?:\\x0d\\x0a))?(?:\\x20|\\x09)+)?(?:(?:[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]|\\x21|[\\x23-\\x5b]|[\\x5d-\\x7e]|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])|(?:(?:[\\x01-\\x09\\x0b\\x0c\\x0d-\\x7f]|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}]))))*(?:(?:(?:\\x20|\\x09)*(?:\\x0d\\x0a))?(\\x20|\\x09)+)?(?:\\x22))))@(?:(?:(?:[a-zA-Z]|\\d|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])|(?:(?:[a-zA-Z]|\\d|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])(?:[a-zA-Z]|\\d|-|\\.|~|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])*(?:[a-zA-Z]|\\d|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])))\\.)+(?:(?:[a-zA-Z]|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])|(?:(?:[a-zA-Z]|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])(?:[a-zA-Z]|\\d|-|\\.|~|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])*(?:[a-zA-Z]|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])))\\.?$"

/**
 * The verbatim expression as a JS RegExp, with RE2's `\x{HHHH}` written as `\u{HHHH}` under the
 * `u` flag. NOTE: it takes exponential time on some inputs, so use it only on short strings.
 */
export const GO_PLAYGROUND_EMAIL_REGEX = new RegExp(
  GO_PLAYGROUND_EMAIL_REGEX_STRING.replace(/\\x\{([0-9A-F]{4})\}/g, '\\u{$1}'),
  'u',
)

/**
 * Reports whether `value` matches go-playground's `emailRegexString`, in time linear in its
 * length. The expression's language, read off its parts:
 *
 * - the domain (after the last `@`, since no domain character is `@`) is one or more labels each
 *   followed by `.`, then a last label and an optional `.`. Labels consist of letters, digits,
 *   `-`, `.`, `~` and the non-ASCII ranges U; a label starts and ends with a letter, digit or U,
 *   the last one with a letter or U;
 * - the local part is either a dot-atom (runs of atext joined by single dots) or a quoted string
 *   whose body is any run of \x01–\x7f except LF, plus U, where each CRLF must be folding white
 *   space: spaces or tabs, CRLF, then at least one space or tab.
 */
export function isGoPlaygroundEmail(value: string): boolean {
  const at = value.lastIndexOf('@')
  if (at < 0) return false
  const local = value.slice(0, at)
  return (isDotAtom(local) || isQuotedLocalPart(local)) && isEmailDomain(value.slice(at + 1))
}

/** Tests for the expression's non-ASCII ranges U+00A0–U+D7FF, U+F900–U+FDCF, U+FDF0–U+FFEF. */
function isUcsChar(cp: number): boolean {
  return (
    (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xf900 && cp <= 0xfdcf) || (cp >= 0xfdf0 && cp <= 0xffef)
  )
}

function isAsciiLetter(cp: number): boolean {
  return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)
}

function isAsciiDigit(cp: number): boolean {
  return cp >= 0x30 && cp <= 0x39
}

const ATEXT_SYMBOLS = "!#$%&'*+-/=?^_`{|}~"

function isAtext(cp: number): boolean {
  return (
    isAsciiLetter(cp) ||
    isAsciiDigit(cp) ||
    isUcsChar(cp) ||
    (cp < 0x80 && ATEXT_SYMBOLS.includes(String.fromCharCode(cp)))
  )
}

/** `atext+(?:\.atext+)*`. */
function isDotAtom(local: string): boolean {
  let runLength = 0
  for (const ch of local) {
    const cp = ch.codePointAt(0) as number
    if (cp === 0x2e /* . */) {
      if (runLength === 0) return false
      runLength = 0
    } else if (isAtext(cp)) {
      runLength++
    } else {
      return false
    }
  }
  return runLength > 0
}

// States of the quoted-body automaton, as bits of a set. TOKEN: between tokens (accepting).
// FWS_LEAD: in the spaces before a CRLF. FWS_CR: after CR. FWS_LF: after CRLF, a space or tab
// must follow. FWS_WSP: in the closing spaces of a fold (accepting).
const TOKEN = 1
const FWS_LEAD = 2
const FWS_CR = 4
const FWS_LF = 8
const FWS_WSP = 16

/** Matches `"(?:FWS? qchar)* FWS?"`, where qchar is U or any of \x01–\x7f except LF. */
function isQuotedLocalPart(local: string): boolean {
  if (local.length < 2 || !local.startsWith('"') || !local.endsWith('"')) return false
  let states = TOKEN
  for (const ch of local.slice(1, -1)) {
    const cp = ch.codePointAt(0) as number
    const isWsp = cp === 0x20 || cp === 0x09
    const isQchar = (cp >= 0x01 && cp <= 0x7f && cp !== 0x0a) || isUcsChar(cp)
    let next = 0
    if (states & (TOKEN | FWS_WSP) && isQchar) next |= TOKEN
    if (states & FWS_WSP && isWsp) next |= FWS_WSP
    if (states & TOKEN && isWsp) next |= FWS_LEAD | FWS_WSP
    if (states & FWS_LEAD && isWsp) next |= FWS_LEAD
    if (states & (TOKEN | FWS_LEAD) && cp === 0x0d) next |= FWS_CR
    if (states & FWS_CR && cp === 0x0a) next |= FWS_LF
    if (states & FWS_LF && isWsp) next |= FWS_WSP
    states = next
    if (states === 0) return false
  }
  return (states & (TOKEN | FWS_WSP)) !== 0
}

// States of the domain automaton. START: nothing read. LABEL_END: in a label whose last
// character may end it. LABEL_MID: in a label after `-`, `.` or `~`. NEXT: after `label.`, where
// a label or the last label starts. LAST_END and LAST_MID: the same for the last label.
// TRAILING_DOT: after the optional final dot.
const START = 1
const LABEL_END = 2
const LABEL_MID = 4
const NEXT = 8
const LAST_END = 16
const LAST_MID = 32
const TRAILING_DOT = 64

function isEmailDomain(domain: string): boolean {
  let states = START
  for (const ch of domain) {
    const cp = ch.codePointAt(0) as number
    const isLetterOrUcs = isAsciiLetter(cp) || isUcsChar(cp)
    const isLabelEdge = isLetterOrUcs || isAsciiDigit(cp)
    const isLabelInner = cp === 0x2d /* - */ || cp === 0x2e /* . */ || cp === 0x7e /* ~ */
    let next = 0
    if (states & (START | NEXT | LABEL_END | LABEL_MID) && isLabelEdge) next |= LABEL_END
    if (states & (LABEL_END | LABEL_MID) && isLabelInner) next |= LABEL_MID
    if (states & LABEL_END && cp === 0x2e) next |= NEXT
    if (states & (NEXT | LAST_END | LAST_MID) && isLetterOrUcs) next |= LAST_END
    if (states & (LAST_END | LAST_MID) && (isLabelInner || isAsciiDigit(cp))) next |= LAST_MID
    if (states & LAST_END && cp === 0x2e) next |= TRAILING_DOT
    states = next
    if (states === 0) return false
  }
  return (states & (LAST_END | TRAILING_DOT)) !== 0
}
