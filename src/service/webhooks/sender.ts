/**
 * Webhooks: the server POSTs each app's configured URL when its users log in, log out, join and
 * leave channels, and (opt-in, listed in `events`) on every peer and channel message it accepts.
 * Each POST is signed (HMAC-SHA256 of "<timestamp>.<body>" with the app's secret), retried with
 * exponential backoff, and waits in a queue bounded in events and in bytes: the core's hooks only
 * enqueue, so a slow or failing endpoint never slows delivery to clients; when the queue is full the
 * newest event is dropped and counted. Metrics: sig2rtm_webhooks_total{app,result=sent|failed|dropped}
 * and sig2rtm_webhook_queue.
 */

import { createHmac, randomUUID } from 'node:crypto';
import client from 'prom-client';

export const WEBHOOK_EVENTS = ['login', 'logout', 'channel_join', 'channel_leave', 'peer_message', 'channel_message'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];
/** What an app without `events` gets: messages are opt-in (there can be many, and they carry content). */
export const DEFAULT_WEBHOOK_EVENTS: readonly WebhookEventType[] = ['login', 'logout', 'channel_join', 'channel_leave'];
export const MESSAGE_WEBHOOK_EVENTS: readonly WebhookEventType[] = ['peer_message', 'channel_message'];

export interface WebhookTarget {
  url: string;
  secret: string;
  /** Which events to send (default: DEFAULT_WEBHOOK_EVENTS; message events only when listed). */
  events?: WebhookEventType[];
}

/** Whether the target wants this event. */
export function wants(target: WebhookTarget, event: WebhookEventType): boolean {
  return (target.events ?? DEFAULT_WEBHOOK_EVENTS).includes(event);
}

/** A type, not an interface: createSig2rtm's options take it partially (DeepPartial needs an object type). */
export type WebhookTuning = {
  /** Events waiting (queued, in flight or between retries) across all apps. */
  queueSize: number;
  /** Bytes of their bodies (a message event carries the message: up to ~44 KB base64 for 32 KB raw). */
  queueBytes: number;
  /** Tries per event, the first included. */
  maxAttempts: number;
  /** Backoff before retry n: baseMs * 2^(n-1), at most maxMs. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A POST that has not answered by then counts as failed. */
  timeoutMs: number;
  /** POSTs in flight at once. */
  concurrency: number;
};

export const DEFAULT_WEBHOOK_TUNING: WebhookTuning = { queueSize: 10_000, queueBytes: 64 * 1024 * 1024, maxAttempts: 5, backoffBaseMs: 1000, backoffMaxMs: 30_000, timeoutMs: 5000, concurrency: 8 };

/** A message as a webhook carries it: text as is, raw bytes in base64. */
export type WebhookMessage = { type: 'text'; text: string } | { type: 'raw'; data_base64: string; description: string };

/** What an event says besides its envelope (id, event, app_id, ts, seq). */
export interface WebhookEventData {
  /** The user concerned; for a message, its sender. */
  uid: string;
  /** channel_join, channel_leave, channel_message. */
  channel?: string;
  /** logout: why the session ended. */
  reason?: string;
  /** peer_message: the receiver. */
  to?: string;
  /** peer_message, channel_message. */
  message?: WebhookMessage;
  /** peer_message: sent with enableOfflineMessaging (cached if the receiver is away). */
  offline?: boolean;
  /** peer_message, channel_message: from a client, or from the app server through the REST API. */
  source?: 'client' | 'rest';
}

export interface WebhookEvent extends WebhookEventData {
  /** Unique per event; also the x-sig2rtm-delivery header (deduplicate retries with it). */
  id: string;
  event: WebhookEventType;
  app_id: string;
  /** Milliseconds since the epoch, when it happened (for a message: when the server accepted it, as its serverReceivedTs). */
  ts: number;
  /** Per app, increasing: order events that arrive out of order (retries, concurrency). */
  seq: number;
}

interface Pending {
  target: WebhookTarget;
  event: WebhookEvent;
  body: string;
  /** The body's size in bytes, as counted against queueBytes. */
  size: number;
  attempts: number;
}

export const SIGNATURE_HEADER = 'x-sig2rtm-signature';
export const TIMESTAMP_HEADER = 'x-sig2rtm-timestamp';

/** The signature a receiver recomputes: "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body). */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export class WebhookSender {
  private readonly tuning: WebhookTuning;
  private readonly ready: Pending[] = [];
  private inFlight = 0;
  /** Body bytes of every event waiting (queued, in flight, between retries). */
  private bytes = 0;
  private readonly seq = new Map<string, number>();
  /** Events between retries, by their timer. */
  private readonly waiting = new Map<NodeJS.Timeout, Pending>();
  private closed = false;
  private readonly results: client.Counter;

  constructor(
    private readonly targets: Record<string, WebhookTarget>,
    registry: client.Registry,
    private readonly fault: (err: unknown, context: Record<string, unknown>) => void,
    tuning: Partial<WebhookTuning> = {},
  ) {
    this.tuning = { ...DEFAULT_WEBHOOK_TUNING, ...tuning };
    this.results = new client.Counter({ name: 'sig2rtm_webhooks_total', help: 'Webhook events by appId and result: sent, failed (after every retry), dropped (queue full or shutdown)', labelNames: ['app', 'result'], registers: [registry] });
    const size = () => this.size;
    new client.Gauge({
      name: 'sig2rtm_webhook_queue',
      help: 'Webhook events waiting to be sent or retried',
      registers: [registry],
      collect() {
        this.set(size());
      },
    });
  }

  /** Events waiting: queued, in flight, or between retries. */
  get size(): number {
    return this.ready.length + this.waiting.size + this.inFlight;
  }

  /** Whether some app wants this event (the hooks skip building events nobody wants). */
  anyWants(event: WebhookEventType): boolean {
    return Object.values(this.targets).some((t) => wants(t, event));
  }

  /**
   * Queues the event for the app's URL, when the app has one that wants it. Never blocks, never
   * throws. `ts`: when it happened (default now).
   */
  emit(appId: string, event: WebhookEventType, data: WebhookEventData, ts = Date.now()): void {
    const target = Object.hasOwn(this.targets, appId) ? this.targets[appId] : undefined;
    if (!target || this.closed || !wants(target, event)) return;
    if (this.size >= this.tuning.queueSize) {
      this.results.inc({ app: appId, result: 'dropped' });
      return;
    }
    const seq = (this.seq.get(appId) ?? 0) + 1;
    const ev: WebhookEvent = { id: randomUUID(), event, app_id: appId, ts, seq, ...data };
    const body = JSON.stringify(ev);
    const size = Buffer.byteLength(body);
    if (this.bytes + size > this.tuning.queueBytes) {
      this.results.inc({ app: appId, result: 'dropped' });
      return;
    }
    this.seq.set(appId, seq);
    this.bytes += size;
    this.ready.push({ target, event: ev, body, size, attempts: 0 });
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.tuning.concurrency && this.ready.length > 0) {
      const p = this.ready.shift() as Pending;
      this.inFlight++;
      void this.post(p).then((ok) => {
        this.inFlight--;
        this.settle(p, ok);
        this.pump();
      });
    }
  }

  private async post(p: Pending): Promise<boolean> {
    p.attempts++;
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const res = await fetch(p.target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'sig2rtm-webhooks',
          'x-sig2rtm-event': p.event.event,
          'x-sig2rtm-delivery': p.event.id,
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signWebhook(p.target.secret, timestamp, p.body),
        },
        body: p.body,
        signal: AbortSignal.timeout(this.tuning.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.ok;
    } catch {
      return false;
    }
  }

  private settle(p: Pending, ok: boolean): void {
    const app = p.event.app_id;
    if (ok) {
      this.bytes -= p.size;
      this.results.inc({ app, result: 'sent' });
      return;
    }
    if (this.closed) {
      this.results.inc({ app, result: 'dropped' });
      return;
    }
    if (p.attempts >= this.tuning.maxAttempts) {
      this.bytes -= p.size;
      this.results.inc({ app, result: 'failed' });
      this.fault(new Error(`webhook ${p.event.event} to ${new URL(p.target.url).origin} failed ${p.attempts} times`), { appId: app, id: p.event.id });
      return;
    }
    const delay = Math.min(this.tuning.backoffMaxMs, this.tuning.backoffBaseMs * 2 ** (p.attempts - 1));
    const timer = setTimeout(() => {
      this.waiting.delete(timer);
      this.ready.push(p);
      this.pump();
    }, delay);
    timer.unref();
    this.waiting.set(timer, p);
  }

  /** Stops: events not yet sent are dropped (and counted). */
  close(): void {
    this.closed = true;
    for (const t of this.waiting.keys()) clearTimeout(t);
    const left = [...this.ready.splice(0), ...this.waiting.values()];
    this.waiting.clear();
    this.bytes = 0;
    for (const p of left) this.results.inc({ app: p.event.app_id, result: 'dropped' });
  }
}
