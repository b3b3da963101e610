import fs from 'node:fs';
import path from 'node:path';
import { asIfTls, countCacheLog, nginxConfig, readmeNginx } from '../../bench/nginx';
import { projectRoot } from '../../server/lib/paths';

const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
const site = { dir: '/tmp/cho-ocop-nginx-test', port: 18080, upstreamPort: 18081 };

describe("the bench's nginx config (npm run bench -- --nginx)", () => {
  const example = readmeNginx(readme);
  const config = nginxConfig(example, site);
  const lines = config.split('\n').map((l) => l.trim());

  it("carries every line of the README's cached location and maps unchanged, but for the TLS it stands in for", () => {
    for (const line of [...asIfTls(example.location).split('\n'), ...example.http.split('\n').slice(1)].map((l) => l.trim()).filter(Boolean)) {
      expect(lines).toContain(line);
    }
    expect(lines).toContain('proxy_cache_key "$scheme$host$request_uri|$cho_lang";');
    expect(lines).toContain('proxy_cache_bypass $cho_session $cho_ship_to_page;');
    expect(lines).toContain('gzip on;');
    expect(lines).toContain('add_header X-Cache-Status $upstream_cache_status always;');
    expect(example.location).toContain('proxy_set_header X-Forwarded-Proto $scheme;');
    expect(config).not.toContain('X-Forwarded-Proto $scheme');
    expect(lines.filter((l) => l === 'proxy_set_header X-Forwarded-Proto https;')).toHaveLength(2);
  });

  it('keeps every file in its own folder and listens on loopback in front of the one store port', () => {
    const paths = config.match(/(?<=\s)\/[^\s;]+/g) ?? [];
    expect(paths.length).toBeGreaterThan(5);
    for (const p of paths) expect(p.startsWith(`${site.dir}/`)).toBe(true);
    expect(config).toContain(`proxy_cache_path ${site.dir}/cache levels=1:2 keys_zone=cho_pages:50m`);
    expect(lines).toContain(`listen 127.0.0.1:${site.port};`);
    expect(lines.filter((l) => l.startsWith('server 127.0.0.1:'))).toEqual([`server 127.0.0.1:${site.upstreamPort} max_fails=3 fail_timeout=10s;`]);
    expect(lines.some((l) => /^(ssl_|listen 443|server_name)/.test(l))).toBe(false);
    expect(lines).toEqual(expect.arrayContaining(['daemon off;', 'master_process on;', 'log_subrequest on;']));
  });

  it('refuses a README without the example rather than benchmark another config', () => {
    expect(() => readmeNginx('# Chợ OCOP\n\nNo nginx here.\n')).toThrow(/nginx examples/);
  });
});

describe('countCacheLog', () => {
  it('counts answers by cache status and every request that reached the store, background updates included', () => {
    const log = [
      '- 200 83 127.0.0.1:3001', // /readyz, outside the cached location
      'MISS 200 87 127.0.0.1:3001',
      'HIT 200 87 -',
      'HIT 200 87 -',
      'STALE 200 87 -', // served stale, and it starts the background update below
      'EXPIRED 200 0 127.0.0.1:3001', // the background update: a subrequest, no request on the wire
      'UPDATING 200 87 -',
      'BYPASS 200 140 127.0.0.1:3001',
      'MISS 502 87 127.0.0.1:3001, 127.0.0.1:3001', // retried once
      'BYPASS 499 140 127.0.0.1:3001', // the client gave up: reached the store, answered nobody
      '',
    ].join('\n');
    expect(countCacheLog(log)).toEqual({
      answered: 8,
      toStore: 7,
      byStatus: { '-': 1, MISS: 2, HIT: 2, STALE: 1, UPDATING: 1, BYPASS: 1 },
      failed: { '502': 1, '499': 1 },
    });
  });
});
