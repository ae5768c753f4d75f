import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { configFromQuery } from '../core/diffusionConfig';
import { useAppState } from './store';

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

function Root() {
  // The editor is created once with the saved text, so it waits for the saved session to load.
  const hydrated = useAppState((state) => state.hydrated);
  return hydrated ? <App /> : <p className="loading">Loading…</p>;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
