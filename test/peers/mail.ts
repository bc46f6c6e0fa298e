/**
 * The SMTP servers and the webhook receiver that password-reset tests read messages from, all
 * on 127.0.0.1 with ports the OS picks. They run in Node (vitest's global setup); tests inside
 * workerd reach them through a small HTTP control API:
 *
 * - `POST /webhook/<inbox>` receives webhooks; each test uses its own inbox name;
 * - `GET /control/webhooks/<inbox>` lists every request received there, failed ones included;
 * - `PUT /control/webhooks/<inbox>/failures` with `{"count": N, "status": S}` makes the next N
 *   requests to that inbox get status S;
 * - `GET /control/mail?to=<address>` lists the parsed messages sent to an address (ASCII case
 *   ignored), from both SMTP servers;
 * - `PUT /control/smtp/delay` with `{"recipient": "<address>" | "*", "milliseconds": N}` makes
 *   the SMTP servers wait N ms before accepting a message to that recipient.
 *
 * STARTTLS is off on both SMTP servers: workerd verifies certificates against public roots, so
 * a self-signed certificate would fail the upgrade.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import type { AddressInfo, Server as NetServer } from 'node:net'
import { simpleParser, type AddressObject } from 'mailparser'
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server'
import type { TestProject } from 'vitest/node'
import type { MailPeers, ReceivedMail, ReceivedWebhook } from '../helpers/mail'

/** User name that the SMTP server with authentication accepts. */
const SMTP_AUTH_USERNAME = 'edgeauth-test'
/** Largest control or webhook request body read, in bytes; larger ones get 413. */
const MAX_HTTP_BODY_BYTES = 1024 * 1024

export interface RunningMailPeers {
  peers: MailPeers
  /** Sets an SMTP delay directly, for a benchmark that runs in the same process. */
  setSmtpDelay(recipient: string, milliseconds: number): void
  stop(): Promise<void>
}

/** Starts the peers on 127.0.0.1 and returns their ports and a stop function. */
export async function startMailServers(): Promise<RunningMailPeers> {
  const mail: ReceivedMail[] = []
  const webhooks = new Map<string, ReceivedWebhook[]>()
  const webhookFailures = new Map<string, { count: number; status: number }>()
  const smtpDelays = new Map<string, number>()
  const smtpAuthPassword = randomBytes(12).toString('hex')

  const delayFor = (recipients: string[]): number => {
    const delays = recipients.map((address) => smtpDelays.get(address.toLowerCase()) ?? 0)
    return Math.max(smtpDelays.get('*') ?? 0, ...delays)
  }

  const receive = (
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (error?: Error | null) => void,
  ): void => {
    simpleParser(stream)
      .then(async (parsed) => {
        const envelopeTo = session.envelope.rcptTo.map((recipient) => recipient.address)
        const delay = delayFor(envelopeTo)
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay))
        const envelopeFrom = session.envelope.mailFrom
        mail.push({
          envelopeFrom: envelopeFrom ? envelopeFrom.address : '',
          envelopeTo,
          authenticatedUser: typeof session.user === 'string' ? session.user : null,
          from: parsed.from?.text ?? '',
          to: addressText(parsed.to),
          subject: parsed.subject ?? '',
          text: parsed.text ?? '',
          html: typeof parsed.html === 'string' ? parsed.html : '',
          messageId: parsed.messageId ?? '',
          receivedAt: Date.now(),
        })
        callback()
      })
      .catch((error: unknown) =>
        callback(error instanceof Error ? error : new Error(String(error))),
      )
  }

  const openSmtp = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    banner: 'edgeauth test peer',
    onData: receive,
  })
  const authSmtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN', 'LOGIN'],
    // Loopback only, so a login without TLS exposes nothing.
    allowInsecureAuth: true,
    logger: false,
    banner: 'edgeauth test peer with authentication',
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_AUTH_USERNAME && auth.password === smtpAuthPassword) {
        callback(null, { user: auth.username })
        return
      }
      callback(new Error('Invalid username or password'))
    },
    onData: receive,
  })

  const http = createServer((request, response) => {
    handleHttp(request, response).catch((error: unknown) => {
      sendJson(response, 500, { error: String(error) })
    })
  })

  const handleHttp = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const body = await readBody(request)
    if (body === null) return sendJson(response, 413, { error: 'body too large' })
    const webhookInbox = /^\/webhook\/([^/]+)$/.exec(url.pathname)?.[1]
    const webhookControl = /^\/control\/webhooks\/([^/]+)(\/failures)?$/.exec(url.pathname)

    if (request.method === 'POST' && webhookInbox) {
      const failure = webhookFailures.get(webhookInbox)
      const status = failure && failure.count > 0 ? failure.status : 200
      if (failure && failure.count > 0) failure.count -= 1
      const received = webhooks.get(webhookInbox) ?? []
      received.push({
        status,
        contentType: request.headers['content-type'] ?? '',
        messageIdHeader: String(request.headers['x-message-id'] ?? ''),
        body: parseJson(body),
        receivedAt: Date.now(),
      })
      webhooks.set(webhookInbox, received)
      return sendJson(response, status, { received: status === 200 })
    }
    if (request.method === 'GET' && webhookControl && !webhookControl[2]) {
      return sendJson(response, 200, webhooks.get(webhookControl[1] ?? '') ?? [])
    }
    if (request.method === 'PUT' && webhookControl?.[2]) {
      const { count, status } = parseJson(body) as { count: number; status: number }
      webhookFailures.set(webhookControl[1] ?? '', { count, status })
      return sendJson(response, 200, { count, status })
    }
    if (request.method === 'GET' && url.pathname === '/control/mail') {
      const to = (url.searchParams.get('to') ?? '').toLowerCase()
      const matching = mail.filter((message) =>
        message.envelopeTo.some((address) => address.toLowerCase() === to),
      )
      return sendJson(response, 200, matching)
    }
    if (request.method === 'PUT' && url.pathname === '/control/smtp/delay') {
      const { recipient, milliseconds } = parseJson(body) as {
        recipient: string
        milliseconds: number
      }
      smtpDelays.set(recipient.toLowerCase(), milliseconds)
      return sendJson(response, 200, { recipient, milliseconds })
    }
    return sendJson(response, 404, { error: `no route for ${request.method} ${url.pathname}` })
  }

  // A server that greets, then hangs up on the first command without replying.
  const hangUp = createNetServer((socket) => {
    socket.write('220 edgeauth test peer that hangs up\r\n')
    socket.once('data', () => socket.destroy())
    socket.on('error', () => undefined)
  })
  const [smtpPort, smtpAuthPort, httpPort, smtpHangUpPort] = await Promise.all([
    listen(openSmtp.server),
    listen(authSmtp.server),
    listen(http),
    listen(hangUp),
  ])
  return {
    peers: {
      smtpPort,
      smtpAuthPort,
      smtpHangUpPort,
      smtpAuthUsername: SMTP_AUTH_USERNAME,
      smtpAuthPassword,
      httpPort,
    },
    setSmtpDelay(recipient, milliseconds) {
      smtpDelays.set(recipient.toLowerCase(), milliseconds)
    },
    async stop() {
      await Promise.all([
        new Promise<void>((resolve) => openSmtp.close(() => resolve())),
        new Promise<void>((resolve) => authSmtp.close(() => resolve())),
        new Promise<void>((resolve) => hangUp.close(() => resolve())),
        new Promise<void>((resolve) => {
          http.closeAllConnections()
          http.close(() => resolve())
        }),
      ])
    },
  }
}

/** Vitest global setup hook: starts the peers and provides their ports as `mailPeers`. */
export async function startMailPeers(project: TestProject): Promise<() => Promise<void>> {
  const running = await startMailServers()
  project.provide('mailPeers', running.peers)
  return () => running.stop()
}

function listen(server: Server | NetServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

async function readBody(request: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    const buffer = chunk as Buffer
    size += buffer.length
    if (size > MAX_HTTP_BODY_BYTES) return null
    chunks.push(buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' })
  response.end(JSON.stringify(body))
}

function addressText(address: AddressObject | AddressObject[] | undefined): string {
  if (!address) return ''
  return Array.isArray(address) ? address.map((entry) => entry.text).join(', ') : address.text
}
