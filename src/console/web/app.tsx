import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, GraphQLClient } from './api/client.js';
import { ME } from './api/operations.js';
import type { Viewer } from './api/types.js';
import { forgetToken, storedToken } from './session.js';
import { SignIn } from './pages/sign-in.js';
import { ProviderPage } from './pages/provider-page.js';
import { MyPlanning } from './pages/my-planning.js';
import { PlanVisit } from './pages/plan-visit.js';
import { SignalInbox } from './pages/signals.js';
import { Alert } from './components/field.js';

export interface PageProps {
  api: GraphQLClient;
  viewer: Viewer;
  route: Route;
}

export interface Route {
  page: PageName;
  params: URLSearchParams;
}

type PageName = 'aanbieder' | 'planning' | 'plannen' | 'signalen';

const PAGES: ReadonlyArray<{ name: PageName; title: string }> = [
  { name: 'aanbieder', title: 'Zorgaanbieder' },
  { name: 'planning', title: 'Mijn planning' },
  { name: 'plannen', title: 'Bezoek plannen' },
  { name: 'signalen', title: 'Signalen' },
];

/** `#/plannen?provider=…` → the page and its parameters; anything unknown is the provider page. */
function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const page = PAGES.find((candidate) => candidate.name === path)?.name ?? 'aanbieder';
  return { page, params: new URLSearchParams(query) };
}

export function href(page: PageName, params: Record<string, string> = {}): string {
  const query = new URLSearchParams(params).toString();
  return `#/${page}${query ? `?${query}` : ''}`;
}

function useRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  // A new page: keyboard and screen-reader users continue at its content, not at the link they followed.
  // (Layout effect: in the same commit as the new page, so that nothing typed meanwhile loses its focus.)
  const first = useRef(true);
  useLayoutEffect(() => {
    if (first.current) first.current = false;
    else focusContent();
  }, [hash]);
  return useMemo(() => parseRoute(hash), [hash]);
}

const focusContent = () => document.getElementById('inhoud')?.focus();

export function App() {
  const [token, setToken] = useState(storedToken());
  const [viewer, setViewer] = useState<Viewer | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const api = useMemo(() => new GraphQLClient(() => token), [token]);
  const route = useRoute();

  useEffect(() => {
    if (!token) return setViewer(undefined);
    api
      .request<{ me: Viewer }>(ME)
      .then((data) => setViewer(data.me))
      .catch((error: unknown) => {
        forgetToken();
        setToken(undefined);
        setProblem(error instanceof ApiError && error.code === 'UNAUTHENTICATED' ? 'Het token is niet (meer) geldig. Meld u opnieuw aan.' : String((error as Error).message));
      });
  }, [api, token]);

  useEffect(() => {
    const title = PAGES.find((page) => page.name === route.page)?.title;
    document.title = viewer && title ? `${title} — Samenloop` : 'Aanmelden — Samenloop';
  }, [route.page, viewer]);

  const signOut = () => {
    forgetToken();
    setToken(undefined);
    setProblem(undefined);
  };

  if (!token || !viewer) {
    return (
      <Shell>
        {problem && <Alert type="error">{problem}</Alert>}
        {token ? <p class="utrecht-paragraph">Bezig met aanmelden…</p> : <SignIn onSignedIn={(value) => (setProblem(undefined), setToken(value))} />}
      </Shell>
    );
  }
  const props: PageProps = { api, viewer, route };
  return (
    <Shell viewer={viewer} current={route.page} onSignOut={signOut}>
      {route.page === 'aanbieder' && <ProviderPage {...props} key={route.params.get('id') ?? ''} />}
      {route.page === 'planning' && <MyPlanning {...props} />}
      {route.page === 'plannen' && <PlanVisit {...props} key={route.params.toString()} />}
      {route.page === 'signalen' && <SignalInbox {...props} />}
    </Shell>
  );
}

function Shell(props: { viewer?: Viewer; current?: PageName; onSignOut?: () => void; children: ComponentChildren }) {
  return (
    <>
      {/* The hash is the page's route: the skip link moves the focus itself instead of changing it. */}
      <a
        class="utrecht-skip-link utrecht-skip-link--visible-on-focus"
        href="#inhoud"
        onClick={(event) => {
          event.preventDefault();
          focusContent();
        }}
      >
        Naar de inhoud
      </a>
      <header class="utrecht-page-header console-header">
        <div class="console-header__content">
          <span class="console-brand">Samenloop</span>
          {props.viewer && (
            <div class="console-user">
              <span>
                {props.viewer.organisation.name} · {props.viewer.sub}
              </span>
              <button type="button" class="utrecht-button utrecht-button--secondary-action" onClick={props.onSignOut}>
                Afmelden
              </button>
            </div>
          )}
        </div>
        {props.viewer && (
          <nav class="console-nav" aria-label="Hoofdmenu">
            <ul class="console-nav__list">
              {PAGES.map((page) => (
                <li key={page.name}>
                  <a class="utrecht-link console-nav__link" href={href(page.name)} aria-current={page.name === props.current ? 'page' : undefined}>
                    {page.title}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
      </header>
      <main class="utrecht-page-content console-main" id="inhoud" tabIndex={-1}>
        {props.children}
      </main>
    </>
  );
}
