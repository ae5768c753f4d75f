import { get } from 'idb-keyval';
import { Component, type ReactNode } from 'react';
import { setAside, stopSaving } from './savedState';

export interface AppErrorBoundaryProps {
  children: ReactNode;
  /** The editor's text, so that it can be copied out whatever broke. */
  text(): string;
  /** The IndexedDB keys of the saved session and results. */
  savedKeys: readonly string[];
}

/**
 * The last line against a blank screen: if the app fails while drawing (a saved state that passed
 * every check and still breaks it, a bug of ours), the user sees why, their code to copy, and a
 * way to start fresh that sets the saved session aside instead of deleting it.
 */
export class AppErrorBoundary extends Component<AppErrorBoundaryProps, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  private startFresh = async () => {
    stopSaving();
    for (const key of this.props.savedKeys) {
      const raw = await get(key);
      if (raw !== undefined) await setAside(key, raw);
    }
    location.reload();
  };

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <main className="fatal" role="alert">
        <h1>Builder could not show your session</h1>
        <p>
          {error.name}: {error.message}
        </p>
        <label>
          Your code, to copy
          <textarea readOnly value={this.props.text()} rows={12} />
        </label>
        <p>
          <button type="button" onClick={() => void this.startFresh()}>
            Start fresh
          </button>{' '}
          sets the saved session aside (it is kept in this browser, not deleted) and reloads.
        </p>
      </main>
    );
  }
}
