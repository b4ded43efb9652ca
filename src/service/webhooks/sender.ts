/**
 * Webhooks: the server POSTs each app's configured URL when its users log in, log out, join and
 * leave channels. Each POST is signed (HMAC-SHA256 of "<timestamp>.<body>" with the app's secret),
 * retried with exponential backoff, and waits in a bounded queue: the core's hooks only enqueue, so
 * a slow or failing endpoint never slows delivery to clients; when the queue is full the newest
 * event is dropped and counted. Metrics: sig2rtm_webhooks_total{app,result=sent|failed|dropped}
 * and sig2rtm_webhook_queue.
 */

import { createHmac, randomUUID } from 'node:crypto';
import client from 'prom-client';

export const WEBHOOK_EVENTS = ['login', 'logout', 'channel_join', 'channel_leave'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookTarget {
  url: string;
  secret: string;
  /** Which events to send (default: all). */
  events?: WebhookEventType[];
}

export interface WebhookTuning {
  /** Events waiting (queued or between retries) across all apps. */
  queueSize: number;
  /** Tries per event, the first included. */
  maxAttempts: number;
  /** Backoff before retry n: baseMs * 2^(n-1), at most maxMs. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A POST that has not answered by then counts as failed. */
  timeoutMs: number;
  /** POSTs in flight at once. */
  concurrency: number;
}

export const DEFAULT_WEBHOOK_TUNING: WebhookTuning = { queueSize: 10_000, maxAttempts: 5, backoffBaseMs: 1000, backoffMaxMs: 30_000, timeoutMs: 5000, concurrency: 8 };

export interface WebhookEvent {
  id: string;
  event: WebhookEventType;
  app_id: string;
  /** Milliseconds since the epoch, when it happened. */
  ts: number;
  /** Per app, increasing: order events that arrive out of order (retries, concurrency). */
  seq: number;
  uid: string;
  channel?: string;
  reason?: string;
}

interface Pending {
  target: WebhookTarget;
  event: WebhookEvent;
  body: string;
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

  /** Queues the event for the app's URL, when the app has one that wants it. Never blocks, never throws. */
  emit(appId: string, event: WebhookEventType, data: { uid: string; channel?: string; reason?: string }): void {
    const target = Object.hasOwn(this.targets, appId) ? this.targets[appId] : undefined;
    if (!target || this.closed || (target.events && !target.events.includes(event))) return;
    if (this.size >= this.tuning.queueSize) {
      this.results.inc({ app: appId, result: 'dropped' });
      return;
    }
    const seq = (this.seq.get(appId) ?? 0) + 1;
    this.seq.set(appId, seq);
    const ev: WebhookEvent = { id: randomUUID(), event, app_id: appId, ts: Date.now(), seq, ...data };
    this.ready.push({ target, event: ev, body: JSON.stringify(ev), attempts: 0 });
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
      this.results.inc({ app, result: 'sent' });
      return;
    }
    if (this.closed) {
      this.results.inc({ app, result: 'dropped' });
      return;
    }
    if (p.attempts >= this.tuning.maxAttempts) {
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
    for (const p of left) this.results.inc({ app: p.event.app_id, result: 'dropped' });
  }
}
