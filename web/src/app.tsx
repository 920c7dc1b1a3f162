import { useEffect, useState } from 'react';
import { getMe, setSessionEndedHandler, type Me } from './api-client';
import { DashboardPage } from './dashboard-page';
import { LoginPage } from './login-page';
import { posterIdInHash } from './optin-api';
import { OptinPosterPage } from './optin-poster-page';
import { SetupPage, setupTokenInHash } from './setup-page';

/** Root: the first-run setup page at /setup; otherwise asks the API who is signed in, then shows the login page, the dashboard, or an opt-in source's poster (`/#optin-poster/<id>`). */
export function App() {
  // undefined while asking; null when there is no session.
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [setupToken, setSetupToken] = useState<string | undefined>(() => (window.location.pathname === '/setup' ? setupTokenInHash(window.location.hash) : undefined));
  useEffect(() => {
    // The setup page needs no session; after setup (or with a session already) the app asks as usual.
    if (setupToken === undefined && me === undefined) getMe().then(setMe, () => setMe(null));
    setSessionEndedHandler(() => setMe(null));
    return () => setSessionEndedHandler(undefined);
  }, [setupToken, me]);
  if (setupToken !== undefined) {
    return (
      <SetupPage
        token={setupToken}
        onDone={(created) => {
          setSetupToken(undefined);
          setMe(created);
        }}
      />
    );
  }
  if (me === undefined) return <p className="page-loading">Loading…</p>;
  if (me === null) return <LoginPage onLoggedIn={setMe} />;
  // A printable poster opens in its own tab, without the dashboard around it.
  const posterId = posterIdInHash(window.location.hash);
  if (posterId) return <OptinPosterPage sourceId={posterId} />;
  return <DashboardPage me={me} onLoggedOut={() => setMe(null)} />;
}
