/**
 * A JSON reader that fails exactly where, and with the message that, Go's
 * `json.NewDecoder(r).Decode(&v)` fails (encoding/json scanner.go and stream.go, Go 1.24).
 * Coder copies that message into the `detail` of its 400 response, and clients and black-box
 * tests compare it byte for byte.
 *
 * Go's Decoder reads one value and ignores whatever follows it, so `{"a":1}garbage` and `123abc`
 * decode without error. The parser is iterative, so nesting depth costs heap, not call stack.
 */
import { readJsonString } from './go-json-string'
import { invalidCharacterAt, JsonSyntaxError, UNEXPECTED_EOF } from './go-json-syntax-error'

/** A JSON number, kept as its literal text because Go's type errors quote it (`number 1.5`). */
export interface JsonNumber {
  readonly kind: 'number'
  readonly literal: string
}

/** A JSON object with its members in input order, duplicate keys included. */
export interface JsonObject {
  readonly kind: 'object'
  readonly entries: ReadonlyArray<readonly [string, JsonValue]>
}

export type JsonValue = null | boolean | string | JsonNumber | JsonObject | readonly JsonValue[]

export type JsonDecodeResult = { ok: true; value: JsonValue } | { ok: false; detail: string }

/** Go's `maxNestingDepth`: objects and arrays together may nest 10000 deep. */
export const MAX_NESTING_DEPTH = 10000

type Frame =
  | { readonly kind: 'array'; readonly items: JsonValue[] }
  | { readonly kind: 'object'; readonly entries: Array<readonly [string, JsonValue]>; key: string }

/**
 * Decodes the first JSON value of `text` as Go's Decoder does. The text must be the body decoded
 * with `new TextDecoder('utf-8', { ignoreBOM: true })`: Go does not skip a byte-order mark, and
 * rejects it with `invalid character 'ï' looking for beginning of value`.
 *
 * @example
 * decodeFirstJsonValue('{"email":"a@b.co"} trailing') // { ok: true, value: { kind: 'object', … } }
 * decodeFirstJsonValue('{"email":') // { ok: false, detail: 'unexpected EOF' }
 */
export function decodeFirstJsonValue(text: string): JsonDecodeResult {
  try {
    return { ok: true, value: new Parser(text).parse() }
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { ok: false, detail: error.detail }
    throw error
  }
}

class Parser {
  private pos = 0

  constructor(private readonly text: string) {}

  parse(): JsonValue {
    this.skipSpace()
    // Go returns io.EOF when the body contains nothing but whitespace.
    if (this.pos >= this.text.length) throw new JsonSyntaxError('EOF')
    const stack: Frame[] = []
    for (;;) {
      let value = this.parseValueOrOpen(stack)
      // Attach each complete value to its container, and close containers while it is their last
      // element. `undefined` means that a container was opened and its first element comes next.
      while (value !== undefined) {
        const frame = stack.at(-1)
        if (frame === undefined) return value
        if (frame.kind === 'array') frame.items.push(value)
        else frame.entries.push([frame.key, value])
        value = this.afterElement(stack, frame)
      }
    }
  }

  /** Parses a scalar, or opens a container and returns its value only if it is empty. */
  private parseValueOrOpen(stack: Frame[]): JsonValue | undefined {
    const c = this.text.charCodeAt(this.pos)
    switch (c) {
      case 0x7b /* { */: {
        this.pushFrame(stack, { kind: 'object', entries: [], key: '' })
        this.pos++
        this.skipSpaceBeforeMore()
        if (this.text.charCodeAt(this.pos) === 0x7d /* } */) {
          this.pos++
          return this.popFrame(stack)
        }
        this.readKeyAndColon(stack.at(-1) as Frame & { kind: 'object' })
        return undefined
      }
      case 0x5b /* [ */: {
        this.pushFrame(stack, { kind: 'array', items: [] })
        this.pos++
        this.skipSpaceBeforeMore()
        if (this.text.charCodeAt(this.pos) === 0x5d /* ] */) {
          this.pos++
          return this.popFrame(stack)
        }
        return undefined
      }
      case 0x22 /* " */:
        return this.readString()
      case 0x74 /* t */:
        this.readLiteral('true')
        return true
      case 0x66 /* f */:
        this.readLiteral('false')
        return false
      case 0x6e /* n */:
        this.readLiteral('null')
        return null
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) return this.readNumber()
    throw this.invalidCharacter('looking for beginning of value')
  }

  /** Consumes the `,` or closing bracket after an element and returns the closed container, if any. */
  private afterElement(stack: Frame[], frame: Frame): JsonValue | undefined {
    this.skipSpaceBeforeMore()
    const c = this.text.charCodeAt(this.pos)
    if (c === 0x2c /* , */) {
      this.pos++
      this.skipSpaceBeforeMore()
      if (frame.kind === 'object') this.readKeyAndColon(frame)
      return undefined
    }
    if (frame.kind === 'array' && c === 0x5d /* ] */) {
      this.pos++
      return this.popFrame(stack)
    }
    if (frame.kind === 'object' && c === 0x7d /* } */) {
      this.pos++
      return this.popFrame(stack)
    }
    throw this.invalidCharacter(
      frame.kind === 'array' ? 'after array element' : 'after object key:value pair',
    )
  }

  private readKeyAndColon(frame: Frame & { kind: 'object' }): void {
    if (this.text.charCodeAt(this.pos) !== 0x22 /* " */) {
      throw this.invalidCharacter('looking for beginning of object key string')
    }
    frame.key = this.readString()
    this.skipSpaceBeforeMore()
    if (this.text.charCodeAt(this.pos) !== 0x3a /* : */)
      throw this.invalidCharacter('after object key')
    this.pos++
    this.skipSpaceBeforeMore()
  }

  private pushFrame(stack: Frame[], frame: Frame): void {
    if (stack.length >= MAX_NESTING_DEPTH) throw this.invalidCharacter('exceeded max depth')
    stack.push(frame)
  }

  private popFrame(stack: Frame[]): JsonValue {
    const frame = stack.pop() as Frame
    return frame.kind === 'array' ? frame.items : { kind: 'object', entries: frame.entries }
  }

  private readString(): string {
    const { value, end } = readJsonString(this.text, this.pos)
    this.pos = end
    return value
  }

  /** Reads a number with the grammar and error texts of Go's scanner states. */
  private readNumber(): JsonNumber {
    const start = this.pos
    if (this.text.charCodeAt(this.pos) === 0x2d /* - */) {
      this.pos++
      if (!isDigit(this.peekBeforeMore())) throw this.invalidCharacter('in numeric literal')
    }
    // A leading zero ends the integer part: `01` at the top level decodes as 0.
    if (this.text.charCodeAt(this.pos) === 0x30 /* 0 */) this.pos++
    else this.skipDigits()
    if (this.text.charCodeAt(this.pos) === 0x2e /* . */) {
      this.pos++
      if (!isDigit(this.peekBeforeMore())) {
        throw this.invalidCharacter('after decimal point in numeric literal')
      }
      this.skipDigits()
    }
    const e = this.text.charCodeAt(this.pos)
    if (e === 0x65 /* e */ || e === 0x45 /* E */) {
      this.pos++
      const sign = this.peekBeforeMore()
      if (sign === 0x2b /* + */ || sign === 0x2d /* - */) this.pos++
      if (!isDigit(this.peekBeforeMore()))
        throw this.invalidCharacter('in exponent of numeric literal')
      this.skipDigits()
    }
    return { kind: 'number', literal: this.text.slice(start, this.pos) }
  }

  private readLiteral(word: 'true' | 'false' | 'null'): void {
    this.pos++
    for (let k = 1; k < word.length; k++) {
      const expected = word[k] as string
      if (this.peekBeforeMore() !== expected.charCodeAt(0)) {
        throw this.invalidCharacter(`in literal ${word} (expecting '${expected}')`)
      }
      this.pos++
    }
  }

  private skipDigits(): void {
    while (isDigit(this.text.charCodeAt(this.pos))) this.pos++
  }

  private skipSpace(): void {
    while (isJsonSpace(this.text.charCodeAt(this.pos))) this.pos++
  }

  /** Skips whitespace where the value is not complete yet, so the end of input is an error. */
  private skipSpaceBeforeMore(): void {
    this.skipSpace()
    if (this.pos >= this.text.length) throw new JsonSyntaxError(UNEXPECTED_EOF)
  }

  /** Returns the code unit at `pos`, where the end of input means that the value was cut short. */
  private peekBeforeMore(): number {
    if (this.pos >= this.text.length) throw new JsonSyntaxError(UNEXPECTED_EOF)
    return this.text.charCodeAt(this.pos)
  }

  private invalidCharacter(context: string): JsonSyntaxError {
    return invalidCharacterAt(this.text, this.pos, context)
  }
}

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39
}
