// A model of the browser's cookie jar for a page on another host than Karma's (127.0.0.1, where Chromium makes every
// Domain cookie a host-only one): host-only and Domain cookies of one name are two cookies, a Domain that is not the
// host or a parent of it, or that is a public suffix, is refused; `document.cookie` lists every cookie of the page,
// longest path first, then oldest first (RFC 6265 §5.4). Installed over `document.cookie` while a spec runs.

interface Stored {
  readonly name: string;
  value: string;
  readonly domain: string;
  readonly hostOnly: boolean;
  readonly path: string;
  readonly created: number;
}

export class CookieJarModel {
  readonly cookies: Stored[] = [];
  #clock = 0;
  #restore: (() => void) | undefined;

  constructor(
    readonly host: string,
    readonly publicSuffixes: readonly string[] = ['example', 'com', 'co.uk'],
  ) {}

  /** Puts the model behind `document.cookie` until `uninstall()`. */
  install(): this {
    Object.defineProperty(document, 'cookie', {
      configurable: true,
      get: () => this.header(),
      set: (value: string) => this.set(value),
    });
    this.#restore = () => delete (document as { cookie?: unknown }).cookie;
    return this;
  }

  uninstall(): void {
    this.#restore?.();
  }

  header(): string {
    return [...this.cookies]
      .sort((a, b) => b.path.length - a.path.length || a.created - b.created)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  set(text: string): void {
    const [pair, ...attributes] = text.split(';').map((s) => s.trim());
    const at = pair!.indexOf('=');
    const name = pair!.slice(0, at);
    const value = pair!.slice(at + 1);
    const attr = new Map(attributes.map((a) => [a.split('=')[0]!.toLowerCase(), a.split('=')[1] ?? ''] as const));
    const domainAttr = attr.get('domain')?.replace(/^\./, '').toLowerCase();
    if (domainAttr !== undefined) {
      const matches = this.host === domainAttr || this.host.endsWith(`.${domainAttr}`);
      if (!matches || this.publicSuffixes.includes(domainAttr)) return; // refused, as a browser does
    }
    const domain = domainAttr ?? this.host;
    const hostOnly = domainAttr === undefined;
    const path = attr.get('path') || '/';
    const at2 = this.cookies.findIndex((c) => c.name === name && c.domain === domain && c.hostOnly === hostOnly && c.path === path);
    const maxAge = attr.has('max-age') ? Number(attr.get('max-age')) : Infinity;
    if (maxAge <= 0) {
      if (at2 >= 0) this.cookies.splice(at2, 1);
      return;
    }
    if (at2 >= 0) this.cookies[at2]!.value = value;
    else this.cookies.push({ name, value, domain, hostOnly, path, created: this.#clock++ });
  }

  /** The cookies named `name`, as `{ value, domain, hostOnly }`. */
  named(name: string): { value: string; domain: string; hostOnly: boolean }[] {
    return this.cookies.filter((c) => c.name === name).map(({ value, domain, hostOnly }) => ({ value, domain, hostOnly }));
  }
}
