import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { useAppState } from './store';
import './styles.css';

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
