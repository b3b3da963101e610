import { sign } from 'cookie-signature';
import express from 'express';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import type { Server } from 'node:http';
import type { Pool } from 'pg';
import { loadConfig } from '../../server/config';
import { errorHandler } from '../../server/http/error-handler';
import { sessionCookieName, sessionMiddleware } from '../../server/http/session';

/**
 * The cause of the resets in database-restart, without a database: express-session writes the
 * session as the response ends, after its headers went out. When PostgreSQL stops at that instant
 * the write fails; the page (or the 503 page) must still arrive whole, on a connection left open.
 */

const SECRET = 'session-write-after-response-secret-0123456789';
const SID = 'sid-of-a-signed-in-buyer';

// A pool whose PostgreSQL is stopping: the session is read, but writing it fails. Its idle deadline
// last moved 11 minutes ago, so this request moves it (a touch, after the response).
const DAY = 24 * 60 * 60 * 1000;
let failedWrites = 0;
const stoppingPool = {
  // The session read is a named statement ({ name, text, values }); connect-pg-simple's writes pass the text.
  query: async (query: string | { text: string }) => {
    const text = typeof query === 'string' ? query : query.text;
    if (text.startsWith('SELECT sess')) {
      const expires = new Date(Date.now() + DAY).toISOString();
      const expire = new Date(Date.now() + DAY - 11 * 60_000);
      return { rows: [{ sess: { cookie: { originalMaxAge: DAY, expires, httpOnly: true, path: '/' }, userId: 1 }, expire }] };
    }
    failedWrites++;
    throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
  },
} as unknown as Pool;

const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: SECRET });
let server: Server;
beforeAll(async () => {
  const app = express();
  app.use(sessionMiddleware(config, stoppingPool));
  app.get('/api/page', (_req, res) => {
    res.json({ page: 'whole' });
  });
  app.get('/api/needs-database', () => {
    throw Object.assign(new Error('the database system is shutting down'), { code: '57P03' });
  });
  app.use(errorHandler(false));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Raw HTTP/1.1 on one kept-alive connection: each answer read whole, and whether the server closed it. */
async function onOneConnection(paths: string[]): Promise<{ answers: string[]; closedByServer: boolean }> {
  const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
  let buffer = '';
  let closedByServer = false;
  socket.on('data', (chunk) => (buffer += chunk.toString('latin1')));
  socket.on('end', () => (closedByServer = true));
  socket.on('error', () => (closedByServer = true));
  const answers: string[] = [];
  for (const path of paths) {
    if (closedByServer) break;
    buffer = '';
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nCookie: ${sessionCookieName(config)}=s:${encodeURIComponent(sign(SID, SECRET))}\r\n\r\n`,
    );
    const until = Date.now() + 5000;
    for (;;) {
      const head = buffer.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(buffer)?.[1];
      if (head >= 0 && length !== undefined && buffer.length >= head + 4 + Number(length)) break;
      if (closedByServer || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    answers.push(buffer);
    // Express destroys the socket a tick after the answer when an error reaches it after the headers.
    await new Promise((r) => setTimeout(r, 50));
  }
  socket.destroy();
  return { answers, closedByServer };
}

describe('a session write failing after the response went out', () => {
  it('leaves the page whole and the connection open', async () => {
    failedWrites = 0;
    const { answers, closedByServer } = await onOneConnection(['/api/page', '/api/page']);
    expect(failedWrites).toBe(2); // each page's touch, after its response
    expect(answers).toHaveLength(2);
    for (const answer of answers) {
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(answer.endsWith('{"page":"whole"}')).toBe(true);
    }
    expect(closedByServer).toBe(false);
  });

  it('leaves the 503 page whole (with Retry-After) and the connection open', async () => {
    const { answers, closedByServer } = await onOneConnection(['/api/needs-database', '/api/page']);
    expect(answers).toHaveLength(2);
    expect(answers[0]).toMatch(/^HTTP\/1\.1 503 /);
    expect(answers[0]).toMatch(/\r\nRetry-After: 5\r\n/i);
    expect(answers[0].endsWith('"code":"unavailable"}}')).toBe(true);
    expect(answers[1]).toMatch(/^HTTP\/1\.1 200 /);
    expect(closedByServer).toBe(false);
  });
});
