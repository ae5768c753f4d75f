import { del, get, set } from 'idb-keyval';
import type { StateStorage } from 'zustand/middleware';

const WRITE_DELAY_MS = 250;

/**
 * Where the app keeps the editor and settings between visits: IndexedDB, which holds a 2 MB file
 * where localStorage may not. Writes are batched while the user types and flushed when the page
 * is hidden, so closing the tab does not lose the last keystrokes.
 */
export function savedStateStorage(): StateStorage {
  const pending = new Map<string, string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): Promise<unknown> => {
    clearTimeout(timer);
    timer = undefined;
    const writes = [...pending].map(([key, value]) => set(key, value));
    pending.clear();
    return Promise.all(writes);
  };
  if (typeof document !== 'undefined') {
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') void flush();
    });
    addEventListener('pagehide', () => void flush());
  }
  return {
    getItem: async (key) => pending.get(key) ?? (await get<string>(key)) ?? null,
    setItem: (key, value) => {
      pending.set(key, value);
      clearTimeout(timer);
      timer = setTimeout(() => void flush(), WRITE_DELAY_MS);
    },
    removeItem: async (key) => {
      pending.delete(key);
      await del(key);
    },
  };
}
