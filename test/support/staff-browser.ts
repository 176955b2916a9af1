/** The CSRF token of the first form on a console page. */
export const csrfFrom = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

/**
 * One member of staff's browser on the console at `baseUrl()`: a cookie jar over fetch that never
 * follows redirects (the tests read each 303), and the login form filled in as a person does.
 * `baseUrl` is read on each request, so the helper can be made before the app has started.
 */
export function staffBrowser(baseUrl: () => string) {
  const jar = new Map<string, string>();
  return {
    jar,
    async go(p: string, form?: Record<string, string>) {
      const res = await fetch(`${baseUrl()}${p}`, {
        method: form ? 'POST' : 'GET',
        headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body: form ? new URLSearchParams(form).toString() : undefined,
        redirect: 'manual',
      });
      for (const c of res.headers.getSetCookie()) {
        const [k, ...v] = c.split(';')[0]!.split('=');
        const value = v.join('=');
        if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') jar.delete(k!);
        else jar.set(k!, value);
      }
      return { status: res.status, location: res.headers.get('location'), text: await res.text() };
    },
    async login(who: { email: string; password: string }) {
      const page = await this.go('/staff/login');
      return this.go('/staff/login', { _csrf: csrfFrom(page.text), email: who.email, password: who.password, next: '/staff' });
    },
  };
}
