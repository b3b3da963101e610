import request from 'supertest';

/**
 * A browser behind a TLS-terminating proxy on the same host, for production apps: every request
 * says X-Forwarded-Proto: https (the app trusts loopback), and cookies are kept by name, Secure
 * ones included (supertest's agent keeps those to itself over plain http).
 */
export class ProxiedBrowser {
  readonly cookies = new Map<string, string>();
  /** Every Set-Cookie received, with its attributes. */
  readonly setCookies: string[] = [];

  constructor(private readonly app: Parameters<typeof request>[0]) {}

  get(path: string): Promise<request.Response> {
    return this.keep(request(this.app).get(path).set(this.headers()));
  }

  post(path: string, form: Record<string, string>): Promise<request.Response> {
    return this.keep(request(this.app).post(path).set(this.headers()).type('form').send(form));
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { 'X-Forwarded-Proto': 'https' };
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return headers;
  }

  private async keep(pending: request.Test): Promise<request.Response> {
    const res = await pending;
    for (const cookie of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
      this.setCookies.push(cookie);
      const [pair, ...attributes] = cookie.split(';');
      const [name, ...value] = pair.split('=');
      const expired = attributes.some((a) => /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (expired || value.join('=') === '') this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.join('='));
    }
    return res;
  }
}
