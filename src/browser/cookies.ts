// First-party cookies: every value of a name (a host-only and a Domain cookie may share one), writes with the id
// cookie's attributes, and root-domain discovery. Never throws (a sandboxed document has no cookies).

/** The attributes of a cookie the tracker writes. */
export interface CookieAttributes {
  readonly domain?: string | undefined;
  readonly path: string;
  readonly sameSite: 'Strict' | 'Lax' | 'None';
  readonly secure: boolean;
}

/** Every value of the cookie `name` the document sees, in the browser's order (longest path first, then oldest). */
export function cookieValues(name: string): string[] {
  const values: string[] = [];
  try {
    for (const part of document.cookie.split(';')) {
      const at = part.indexOf('=');
      if (at > 0 && part.slice(0, at).trim() === name) values.push(part.slice(at + 1).trim());
    }
  } catch {
    // Cookies unreadable (sandboxed iframe): as if absent.
  }
  return values.filter((v) => v !== '');
}

/** Every cookie name that starts with `prefix`. */
export function cookieNames(prefix: string): string[] {
  try {
    return document.cookie
      .split(';')
      .map((part) => part.slice(0, Math.max(0, part.indexOf('='))).trim())
      .filter((name) => name.startsWith(prefix));
  } catch {
    return [];
  }
}

/** Writes (or with `maxAge` 0, deletes) a cookie. */
export function writeCookie(name: string, value: string, maxAge: number, a: CookieAttributes): void {
  const domain = a.domain ? `; Domain=${a.domain}` : '';
  try {
    document.cookie = `${name}=${value}; Max-Age=${maxAge}; Path=${a.path}${domain}; SameSite=${a.sameSite}${a.secure ? '; Secure' : ''}`;
  } catch {
    // A sandboxed document: nothing is stored.
  }
}

/** A host name that takes no Domain cookie: an IP address, `localhost`, a name without a dot. */
const NO_DOMAIN = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[\da-f:.]+\]|[^.]*)$/i;

/**
 * The widest domain of `hostname` that takes a cookie (Snowplow's `discoverRootDomain`): writes a test cookie to
 * `example.com`, then `shop.example.com`, … and keeps the first the browser accepts (public suffixes such as `com`
 * or `co.uk` are refused by the browser). `undefined` (a host-only cookie) for an IP address, `localhost` or when
 * no domain takes one.
 */
export function discoverRootDomain(hostname: string, a: Omit<CookieAttributes, 'domain'>): string | undefined {
  if (NO_DOMAIN.test(hostname)) return undefined;
  const name = '_rxp_root_domain_test';
  const parts = hostname.split('.');
  for (let i = parts.length - 2; i >= 0; i--) {
    const domain = parts.slice(i).join('.');
    writeCookie(name, '1', 60, { ...a, domain });
    if (cookieValues(name).length > 0) {
      writeCookie(name, '', 0, { ...a, domain });
      return domain;
    }
  }
  return undefined;
}
