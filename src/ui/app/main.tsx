import { StrictMode, Suspense, use, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { configFromQuery } from '../../models/diffusionConfig';
import { keepResultsSaved, restoreSavedResults, SAVED_RESULTS_KEY } from '../review/savedResults';
import { App } from './App';
import { AppErrorBoundary } from './AppErrorBoundary';
import { SAVED_SESSION_KEY, useAppState } from './appStateStore';

/** Settings in the page's URL (a shared link) override the saved ones, once, after they load. */
function applySharedSettings(): void {
  const query = new URLSearchParams(location.search);
  if (![...query.keys()].length) return;
  try {
    const shared = configFromQuery(query);
    useAppState.setState((state) => ({ settings: { ...state.settings, ...shared } }));
  } catch (error) {
    useAppState.setState({ notice: { kind: 'error', message: `The link's settings were not used: ${(error as Error).message}` } });
  }
}

import './styles.css';

useAppState.persist.onFinishHydration(applySharedSettings);

// The last results come back with the session; only then are new ones saved over them.
const resultsRestored = restoreSavedResults().finally(keepResultsSaved);

const loading = <p className="loading">Loading…</p>;

function Root() {
  const resultsNotice = use(resultsRestored);
  // The editor is created once with the saved text, so it waits for the saved session to load.
  const hydrated = useAppState((state) => state.hydrated);
  useEffect(() => {
    if (hydrated && resultsNotice) useAppState.getState().setNotice(resultsNotice);
  }, [hydrated, resultsNotice]);
  return hydrated ? <App /> : loading;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppErrorBoundary text={() => useAppState.getState().text} savedKeys={[SAVED_SESSION_KEY, SAVED_RESULTS_KEY]}>
      <Suspense fallback={loading}>
        <Root />
      </Suspense>
    </AppErrorBoundary>
  </StrictMode>,
);
