import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Whatever would let a reader of the log act as someone: session and form cookies both ways (the
 * rolling session re-sends its cookie on every signed-in answer), the bank feed's `Apikey`,
 * Stripe's signature and form tokens.
 */
const SECRETS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers["stripe-signature"]',
  'req.headers["x-csrf-token"]',
  'req.headers["x-xsrf-token"]',
  'res.headers["set-cookie"]',
];

/** To stdout unless given a destination (tests read what was logged). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, base: { app: 'cho-ocop' }, redact: SECRETS }, destination);
}
