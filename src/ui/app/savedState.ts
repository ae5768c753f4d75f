import { del, get, set } from 'idb-keyval';
import type { PersistStorage, StorageValue } from 'zustand/middleware';

const WRITE_DELAY_MS = 250;

/** Where an entry that could not be read is moved, so that nothing is thrown away unseen. */
const setAsideKey = (key: string) => `${key}.unreadable`;

/** A saved entry that is not what the app wrote: not JSON, or not an object holding `state`. */
export class UnreadableSavedState extends Error {
  override name = 'UnreadableSavedState';
}

let saving = true;

/** Stops every write, pending ones included: the page is about to start fresh and must not save its broken state again. */
export function stopSaving(): void {
  saving = false;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Moves an entry the app cannot use to its set-aside key, where it stays until the next one. */
export async function setAside(key: string, raw: unknown): Promise<void> {
  await set(setAsideKey(key), raw);
  await del(key);
}

async function refuse(key: string, raw: unknown, why: string): Promise<never> {
  await setAside(key, raw);
  throw new UnreadableSavedState(`The saved ${key} ${why}; it was set aside.`);
}

/**
 * Where the app keeps the editor, settings and last results between visits: IndexedDB, which
 * holds a 2 MB file where localStorage may not. Writes are batched while the user types and
 * flushed when the page is hidden, so closing the tab does not lose the last keystrokes.
 *
 * An entry that does not parse as the `{ state, version }` JSON this storage writes is moved
 * aside and reported as UnreadableSavedState, so one bad entry never stops the app from starting;
 * checking the fields inside `state` is the store's business.
 */
export function savedStateStorage<S>(): PersistStorage<S> {
  const pending = new Map<string, string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): Promise<unknown> => {
    clearTimeout(timer);
    timer = undefined;
    const writes = saving ? [...pending].map(([key, value]) => set(key, value)) : [];
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
    getItem: async (key) => {
      const raw: unknown = pending.get(key) ?? (await get(key));
      if (raw === undefined) return null;
      if (typeof raw !== 'string') return refuse(key, raw, 'is not text');
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        return refuse(key, raw, 'is not valid JSON');
      }
      if (!isRecord(value) || !isRecord(value.state)) return refuse(key, raw, 'does not hold a saved state');
      return value as unknown as StorageValue<S>;
    },
    setItem: (key, value) => {
      if (!saving) return;
      pending.set(key, JSON.stringify(value));
      clearTimeout(timer);
      timer = setTimeout(() => void flush(), WRITE_DELAY_MS);
    },
    removeItem: async (key) => {
      pending.delete(key);
      await del(key);
    },
  };
}
