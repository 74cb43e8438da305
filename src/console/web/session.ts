/**
 * Who is signed in. The access token lives in sessionStorage only: it is gone when the tab closes and is never
 * written to localStorage or a cookie. How the token was obtained is recorded as `method`, so that signing in
 * through each organisation's OpenID Connect provider can be added as a third method without touching the pages.
 */

export type SignInMethod = 'persona' | 'pasted';

export interface DemoPersona {
  label: string;
  token: string;
}

const TOKEN_KEY = 'samenloop.token';
const METHOD_KEY = 'samenloop.signInMethod';

export function storedToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function storeToken(token: string, method: SignInMethod): void {
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(METHOD_KEY, method);
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(METHOD_KEY);
}

/** Development only: the server writes the demo personas into the page as a data block (never in production). */
export function demoPersonas(): DemoPersona[] {
  const block = document.getElementById('samenloop-personas');
  if (!block?.textContent) return [];
  try {
    const parsed = JSON.parse(block.textContent) as unknown;
    return Array.isArray(parsed) ? (parsed as DemoPersona[]) : [];
  } catch {
    return [];
  }
}
